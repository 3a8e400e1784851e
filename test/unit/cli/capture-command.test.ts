/**
 * `capture`: an -o into a directory that is not there is one usage line with the fix (and nothing
 * is probed), and every capture tells the operator the file is sensitive. The host is a replayed
 * recording, so the test reads nothing of this machine.
 */
import {
  chownSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCaptureCommand } from '../../../source/cli/capture-command.js';
import { describeError } from '../../../source/cli/errors.js';
import type { HostAccess } from '../../../source/cli/host-access.js';
import { createReplay } from '../../../source/system/capture.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { Runner } from '../../../source/system/runner.js';
import { replayHostDocument } from '../../ui/replay-host.js';

let scratch: string | null = null;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

function replayed(): { access: HostAccess; ran: string[][] } {
  const doc = replayHostDocument();
  const { runner, files } = createReplay(doc, 'replay-host');
  const ran: string[][] = [];
  const counting: Runner = {
    run: (argv, options) => {
      ran.push([...argv]);
      return runner.run(argv, options);
    },
  };
  return {
    access: { runner: counting, files, env: { ...doc.env }, log: silentLog, logPath: null, replay: null },
    ran,
  };
}

function output() {
  let stdout = '';
  let stderr = '';
  return {
    out: { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text) },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

const options = (out: string | null) => ({ out, name: 'test host', description: '' });

describe('capture', () => {
  it('-o into a missing directory: one usage line naming the directory and the fix, nothing probed', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bm-capture-'));
    const target = join(scratch, 'no-such-dir', 'host.json');
    const { access, ran } = replayed();
    const io = output();
    const error = await runCaptureCommand(access, options(target), io.out).catch((thrown: unknown) => thrown);
    const { line, exitCode } = describeError(error);
    expect(exitCode).toBe(2);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe(
      `cannot write the capture to ${target}: the directory ${join(scratch, 'no-such-dir')} does not exist; create it first (mkdir -p ${join(scratch, 'no-such-dir')}) or pass -o with a path in an existing directory`,
    );
    expect(ran).toEqual([]);
    expect(io.stdout()).toBe('');
  });

  it('-o at a symlink replaces the link with a new 0600 file and never writes through it', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bm-capture-'));
    const victim = join(scratch, 'victim');
    writeFileSync(victim, 'untouched\n', { mode: 0o644 });
    const target = join(scratch, 'host.json');
    symlinkSync(victim, target);
    const { access } = replayed();
    expect(await runCaptureCommand(access, options(target), output().out)).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    const written = lstatSync(target);
    expect(written.isFile()).toBe(true);
    expect(written.mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(target, 'utf8')).header.name).toBe('test host');
  });

  it("-o at another user's 0644 file leaves a new file of the writer's own, mode 0600", async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bm-capture-'));
    const target = join(scratch, 'host.json');
    writeFileSync(target, 'old\n', { mode: 0o644 });
    chownSync(target, 65534, 65534);
    const { access } = replayed();
    expect(await runCaptureCommand(access, options(target), output().out)).toBe(0);
    const written = statSync(target);
    expect(written.mode & 0o777).toBe(0o600);
    expect(written.uid).toBe(process.geteuid?.());
    expect(JSON.parse(readFileSync(target, 'utf8')).header.name).toBe('test host');
  });

  it('-o FILE writes a 0600 file and says that it holds config files and process lists', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bm-capture-'));
    const target = join(scratch, 'host.json');
    const { access } = replayed();
    const io = output();
    expect(await runCaptureCommand(access, options(target), io.out)).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(target, 'utf8')).header.name).toBe('test host');
    expect(io.stderr()).toMatch(
      new RegExp(
        `^capture written to ${target} \\(\\d+ commands, \\d+ files, mode 0600\\); it holds this host's config files, addresses and process lists \\(with their command lines\\): treat it as sensitive\\n$`,
      ),
    );
  });

  it('to stdout: the document on stdout, the sensitivity warning on stderr', async () => {
    const { access } = replayed();
    const io = output();
    expect(await runCaptureCommand(access, options(null), io.out)).toBe(0);
    expect(JSON.parse(io.stdout()).format).toBe('bridge-migrate-capture/1');
    expect(io.stderr()).toContain('config files, addresses and process lists');
    expect(io.stderr()).toContain('treat it as sensitive');
  });
});

/**
 * Relative --state-dir, --root-dir and --log are made absolute when the command line is parsed:
 * the guardian runs with cwd / (systemd-run, or a detached child), so a relative path in its argv
 * would name another directory than the one `apply` wrote the journal to. Empty values are usage
 * errors (an empty --replay must never mean "probe the live host").
 */
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realCommandDeps } from '../../../source/cli/command-deps.js';
import { describeError } from '../../../source/cli/errors.js';
import type { HostAccess } from '../../../source/cli/host-access.js';
import { parseCommon } from '../../../source/cli/options.js';
import { guardArgv } from '../../../source/txn/guardian/guardian-launch.js';
import { asciiGlyphs } from '../../../source/ui/glyphs.js';

const CWD = '/srv/operator/work';

/** As openHostAccess builds it: the log path is the parsed --log. */
function hostAccess(logPath: string | null = null): HostAccess {
  const refuse = () => Promise.reject(new Error('not used'));
  return {
    runner: { run: refuse },
    files: { readFile: refuse, listDir: refuse, readLink: refuse },
    env: { uid: 0, sshConnection: null, rootDir: '/' },
    log: { note: () => {}, command: () => {} },
    logPath,
    replay: null,
  };
}

describe('parseCommon paths', () => {
  it('resolves relative --state-dir, --root-dir and --log against the working directory', () => {
    const common = parseCommon({ stateDir: 'state', rootDir: '../chroot', log: 'logs/debug.log' }, CWD);
    expect(common).toMatchObject({
      stateDir: '/srv/operator/work/state',
      rootDir: '/srv/operator/chroot',
      log: '/srv/operator/work/logs/debug.log',
    });
  });

  it('keeps the defaults and absolute paths as they are', () => {
    expect(parseCommon({}, CWD)).toMatchObject({
      stateDir: '/var/lib/bridge-migrate',
      rootDir: '/',
      log: null,
    });
    expect(parseCommon({ stateDir: '/tmp/s/' }, CWD).stateDir).toBe('/tmp/s');
  });

  it('gives the guardian absolute paths in its argv when the operator typed relative ones', () => {
    const common = parseCommon({ stateDir: 'st', rootDir: 'root', log: 'dbg.log' }, CWD);
    const deps = realCommandDeps(hostAccess(common.log), common, {
      purpose: 'apply',
      glyphs: asciiGlyphs,
      out: { stdout: () => {}, stderr: () => {} },
    });
    const argv = guardArgv({ stateDir: common.stateDir, ...deps.guardianLaunch }, null);
    const flagValue = (flag: string) => argv[argv.indexOf(flag) + 1] ?? '';
    const paths = [flagValue('--state-dir'), flagValue('--root-dir'), flagValue('--log')];
    expect(paths).toEqual(['/srv/operator/work/st', '/srv/operator/work/root', '/srv/operator/work/dbg.log']);
    for (const path of paths) expect(isAbsolute(path)).toBe(true);
  });

  it.each([
    ['replay', '--replay', ''],
    ['replay', '--replay', '  '],
    ['stateDir', '--state-dir', ''],
    ['rootDir', '--root-dir', ' '],
    ['log', '--log', ''],
  ])('refuses an empty %s (%s "%s") as a usage error naming the flag', (key, flag, value) => {
    let thrown: unknown;
    try {
      parseCommon({ [key]: value }, CWD);
    } catch (error) {
      thrown = error;
    }
    const { line, exitCode } = describeError(thrown);
    expect(exitCode).toBe(2);
    expect(line).toMatch(new RegExp(`^${flag} is empty; `));
  });
});

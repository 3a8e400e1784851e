import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { probeHost } from '../host/probe.js';
import { shellQuote } from '../plan/command-text.js';
import { writeFileAtomic } from '../system/atomic-file.js';
import { createRecorder } from '../system/capture.js';
import { EXIT, UsageError } from './errors.js';
import type { HostAccess } from './host-access.js';
import type { Output } from './terminal-output.js';

export interface CaptureOptions {
  out: string | null;
  name: string;
  description: string;
}

/**
 * `bridge-migrate capture`: run every probe against this host, recording each command's output
 * and each file read, and write them as one JSON document that `--replay` can answer from.
 */
export async function runCaptureCommand(
  access: HostAccess,
  options: CaptureOptions,
  out: Output,
): Promise<number> {
  if (options.out) await requireOutputDirectory(options.out);
  const recorder = createRecorder(access.runner, access.files);
  await probeHost({ runner: recorder.runner, files: recorder.files, env: access.env });
  const doc = recorder.document(
    {
      name: options.name,
      description: options.description,
      origin: 'captured',
      capturedAt: new Date().toISOString(),
    },
    { uid: access.env.uid, sshConnection: access.env.sshConnection, rootDir: access.env.rootDir },
  );
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (options.out) {
    // The capture holds addresses and config files: readable by the operator only. Written as a
    // new file (O_EXCL temp in the same directory, renamed over -o) rather than opened in place:
    // a symlink planted at the path would make root write through it, and an existing file
    // would keep its owner and mode (a user's 0644 file holding the capture).
    await writeFileAtomic(options.out, text, { mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `cannot write the capture to ${options.out} (${error.code ?? error.message})`,
        'pass -o with a writable path, or leave -o out to print the capture on stdout',
      );
    });
    out.stderr(
      `capture written to ${options.out} (${doc.commands.length} commands, ${Object.keys(doc.files).length} files, mode 0600); ${SENSITIVE}\n`,
    );
  } else {
    out.stdout(text);
    out.stderr(`bridge-migrate: ${SENSITIVE}\n`);
  }
  return EXIT.ok;
}

const SENSITIVE =
  "it holds this host's config files, addresses and process lists (with their command lines): treat it as sensitive";

/** Checked before probing, so a typo in -o costs one line instead of a probe run and a trace. */
async function requireOutputDirectory(file: string): Promise<void> {
  const directory = dirname(file);
  const found = await stat(directory).catch(() => null);
  if (!found?.isDirectory()) {
    throw new UsageError(
      `cannot write the capture to ${file}: the directory ${directory} does not exist`,
      `create it first (mkdir -p ${shellQuote(directory)}) or pass -o with a path in an existing directory`,
    );
  }
}

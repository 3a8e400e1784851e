import { writeFile } from 'node:fs/promises';
import { probeHost } from '../host/probe.js';
import { createRecorder } from '../system/capture.js';
import { EXIT } from './errors.js';
import type { HostAccess } from './host-access.js';
import type { Output } from './plan-command.js';

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
    // The capture holds addresses and config files: readable by the operator only.
    await writeFile(options.out, text, { mode: 0o600 });
    out.stderr(
      `capture written to ${options.out} (${doc.commands.length} commands, ${Object.keys(doc.files).length} files)\n`,
    );
  } else {
    out.stdout(text);
  }
  return EXIT.ok;
}

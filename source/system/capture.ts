/**
 * Capture documents: every probe command with its output and every file the probe read, as one
 * JSON document. `bridge-migrate capture` writes one; `--replay FILE` answers from one, so a host
 * shape can be planned and previewed anywhere, and the tests replay real hosts.
 */
import { readFile } from 'node:fs/promises';
import type { FileReader } from './files.js';
import { EXIT, SystemError } from './operator-error.js';
import { argvKey, type Runner, type RunOptions, type RunResult } from './runner.js';

export const CAPTURE_FORMAT = 'bridge-migrate-capture/1';

export interface CapturedCommand {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  notFound?: boolean;
  timedOut?: boolean;
}

export interface CaptureHeader {
  name: string;
  description: string;
  /** "captured": recorded on a real host (a lab namespace counts). "composed": written by hand from the tools' documented output formats. */
  origin: 'captured' | 'composed';
  capturedAt: string;
}

export interface CaptureEnv {
  uid: number;
  sshConnection: string | null;
  rootDir: string;
}

export interface CaptureDocument {
  format: typeof CAPTURE_FORMAT;
  header: CaptureHeader;
  env: CaptureEnv;
  commands: CapturedCommand[];
  files: Record<string, string | null>;
  dirs: Record<string, string[] | null>;
  links: Record<string, string | null>;
}

/** Wraps a runner and a file reader, recording everything they answer. */
export function createRecorder(runner: Runner, files: FileReader) {
  const commands = new Map<string, CapturedCommand>();
  const fileMap: Record<string, string | null> = {};
  const dirMap: Record<string, string[] | null> = {};
  const linkMap: Record<string, string | null> = {};
  const recordingRunner: Runner = {
    async run(argv, options?: RunOptions) {
      const result = await runner.run(argv, options);
      const entry: CapturedCommand = {
        argv: [...argv],
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
      };
      if (result.notFound) entry.notFound = true;
      if (result.timedOut) entry.timedOut = true;
      commands.set(argvKey(argv), entry);
      return result;
    },
  };
  const recordingFiles: FileReader = {
    async readFile(path, options) {
      const value = await files.readFile(path, options);
      fileMap[path] = value;
      return value;
    },
    async listDir(path) {
      const value = await files.listDir(path);
      dirMap[path] = value;
      return value;
    },
    async readLink(path) {
      const value = await files.readLink(path);
      linkMap[path] = value;
      return value;
    },
  };
  return {
    runner: recordingRunner,
    files: recordingFiles,
    document(header: CaptureHeader, env: CaptureEnv): CaptureDocument {
      return {
        format: CAPTURE_FORMAT,
        header,
        env,
        commands: [...commands.values()].sort((a, b) => argvKey(a.argv).localeCompare(argvKey(b.argv))),
        files: sortKeys(fileMap),
        dirs: sortKeys(dirMap),
        links: sortKeys(linkMap),
      };
    },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Raised for anything a replay cannot answer: the recording does not describe that host fact. */
export class ReplayMiss extends SystemError {
  constructor(what: string, file: string) {
    super(`${what} is not in the recording ${file}`, 'capture the host again with `bridge-migrate capture`', {
      exit: EXIT.usage,
    });
    this.name = 'ReplayMiss';
  }
}

export class CaptureInvalid extends SystemError {
  constructor(file: string, why: string) {
    super(
      `${file} is not a bridge-migrate capture (${why})`,
      'pass a file written by `bridge-migrate capture`',
      {
        exit: EXIT.usage,
      },
    );
    this.name = 'CaptureInvalid';
  }
}

export function parseCaptureDocument(text: string, file: string): CaptureDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CaptureInvalid(file, `not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null) throw new CaptureInvalid(file, 'not an object');
  const doc = data as Partial<CaptureDocument>;
  if (doc.format !== CAPTURE_FORMAT) throw new CaptureInvalid(file, `format is not "${CAPTURE_FORMAT}"`);
  if (!Array.isArray(doc.commands)) throw new CaptureInvalid(file, 'no "commands" list');
  for (const [index, command] of doc.commands.entries()) {
    if (
      !Array.isArray(command?.argv) ||
      typeof command.exitCode !== 'number' ||
      typeof command.stdout !== 'string'
    ) {
      throw new CaptureInvalid(file, `command #${index} lacks argv, exitCode or stdout`);
    }
  }
  if (typeof doc.header !== 'object' || doc.header === null) throw new CaptureInvalid(file, 'no "header"');
  if (typeof doc.env !== 'object' || doc.env === null) throw new CaptureInvalid(file, 'no "env"');
  return {
    format: CAPTURE_FORMAT,
    header: doc.header,
    env: doc.env,
    commands: doc.commands,
    files: doc.files ?? {},
    dirs: doc.dirs ?? {},
    links: doc.links ?? {},
  };
}

export async function loadCaptureDocument(file: string): Promise<CaptureDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw new CaptureInvalid(file, why);
  }
  return parseCaptureDocument(text, file);
}

/** A runner and file reader that answer only from a capture document; anything else is an error. */
export function createReplay(doc: CaptureDocument, file: string): { runner: Runner; files: FileReader } {
  const byArgv = new Map(doc.commands.map((command) => [argvKey(command.argv), command]));
  const runner: Runner = {
    async run(argv): Promise<RunResult> {
      const hit = byArgv.get(argvKey(argv));
      if (!hit) throw new ReplayMiss(`the command \`${argv.join(' ')}\``, file);
      return {
        argv: [...argv],
        exitCode: hit.exitCode,
        stdout: hit.stdout,
        stderr: hit.stderr,
        durationMs: 0,
        timedOut: Boolean(hit.timedOut),
        notFound: Boolean(hit.notFound),
      };
    },
  };
  const lookup = <T>(record: Record<string, T>, path: string, what: string): T => {
    if (!Object.hasOwn(record, path)) throw new ReplayMiss(`${what} ${path}`, file);
    return record[path] as T;
  };
  const files: FileReader = {
    async readFile(path) {
      return lookup(doc.files, path, 'the file');
    },
    async listDir(path) {
      return lookup(doc.dirs, path, 'the directory');
    },
    async readLink(path) {
      return lookup(doc.links, path, 'the link');
    },
  };
  return { runner, files };
}

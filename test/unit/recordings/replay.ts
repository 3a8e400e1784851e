/**
 * Loading the recorded hosts (recordings/hosts/*.json) and reading plans the way an operator reads
 * them: the ip-batch lines and argv of a step, the value after a keyword ("dev", "metric"), so the
 * assertions do not depend on where a keyword sits in a line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeHost } from '../../../source/host/probe.js';
import { PERSISTED_FIREWALL_FILES } from '../../../source/host/probes/firewall-files.js';
import { NETWORKD_BUS_ARGV } from '../../../source/host/probes/renderer.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { Command, Plan, PlanRequest, Step, StepKind } from '../../../source/plan/types.js';
import {
  type CaptureDocument,
  createReplay,
  parseCaptureDocument,
  ReplayMiss,
} from '../../../source/system/capture.js';
import type { FileReader } from '../../../source/system/files.js';
import type { Runner } from '../../../source/system/runner.js';

export const HOSTS_DIR = fileURLToPath(new URL('../../../recordings/hosts', import.meta.url));

export const DEFAULT_REQUEST: PlanRequest = { nic: null, bridge: 'fcbr0', timeoutSec: 120, persist: 'auto' };

export function recordingNames(): string[] {
  return readdirSync(HOSTS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function recordingPath(name: string): string {
  return join(HOSTS_DIR, `${name}.json`);
}

export function loadRecording(name: string): CaptureDocument {
  const path = recordingPath(name);
  return parseCaptureDocument(readFileSync(path, 'utf8'), path);
}

export interface Replayed {
  doc: CaptureDocument;
  snapshot: HostSnapshot;
  /** Every command and path the probe asked the replay for, as "command [argv]" / "file PATH" etc. */
  asked: Set<string>;
}

/**
 * Inputs a recording may lack: the probe then leaves their field out (probes/firewall-files.ts),
 * so a recording made before they were read is still whole. Asked and not recorded, they do not
 * count as asked; recorded, they must be asked like everything else.
 */
const OPTIONAL_ASKS = new Set(PERSISTED_FIREWALL_FILES.map((file) => `file ${file.path}`));

/** The replay's runner and files, noting in `asked` everything the probe asked for. */
export function askingReplay(replay: ReturnType<typeof createReplay>, asked: Set<string>) {
  const ask = async <T>(key: string, answer: () => Promise<T>): Promise<T> => {
    try {
      const value = await answer();
      asked.add(key);
      return value;
    } catch (error) {
      if (!(error instanceof ReplayMiss && OPTIONAL_ASKS.has(key))) asked.add(key);
      throw error;
    }
  };
  const runner: Runner = {
    run(argv, options) {
      return ask(`command ${JSON.stringify(argv)}`, () => replay.runner.run(argv, options));
    },
  };
  const files: FileReader = {
    readFile(path) {
      return ask(`file ${path}`, () => replay.files.readFile(path));
    },
    listDir(path) {
      return ask(`dir ${path}`, () => replay.files.listDir(path));
    },
    readLink(path) {
      return ask(`link ${path}`, () => replay.files.readLink(path));
    },
  };
  return { runner, files };
}

/** Probes a recorded host through the replay runner, noting everything the probe asked for. */
export async function replayHost(name: string): Promise<Replayed> {
  const doc = loadRecording(name);
  const asked = new Set<string>();
  const { runner, files } = askingReplay(createReplay(doc, recordingPath(name)), asked);
  const snapshot = await probeHost({ runner, files, env: doc.env });
  return { doc, snapshot, asked };
}

/**
 * What the probe asked for, less the reads a document made before they were probed may lack: a
 * DHCP client's /proc/PID/stat (its start time; host/probes/dhcp.ts leaves it unknown then) and
 * whether networkd answers on the bus (host/probes/renderer.ts: unknown then).
 */
export function askedOf(asked: Set<string>, doc: CaptureDocument): string[] {
  const recorded = recordedEntries(doc);
  const optional = (entry: string) =>
    /^file \/proc\/\d+\/stat$/.test(entry) || entry === `command ${JSON.stringify(NETWORKD_BUS_ARGV)}`;
  return [...asked].filter((entry) => recorded.has(entry) || !optional(entry)).sort();
}

/** Everything a document holds, in the same notation as Replayed.asked. */
export function recordedEntries(doc: CaptureDocument): Set<string> {
  return new Set([
    ...doc.commands.map((command) => `command ${JSON.stringify(command.argv)}`),
    ...Object.keys(doc.files).map((path) => `file ${path}`),
    ...Object.keys(doc.dirs).map((path) => `dir ${path}`),
    ...Object.keys(doc.links).map((path) => `link ${path}`),
  ]);
}

export async function planFor(name: string, request: Partial<PlanRequest> = {}): Promise<Plan> {
  const { snapshot } = await replayHost(name);
  return buildPlan(snapshot, { ...DEFAULT_REQUEST, ...request });
}

export function verdictIds(plan: Plan, level: 'blocker' | 'warning' | 'info'): string[] {
  return plan.verdicts
    .filter((verdict) => verdict.level === level)
    .map((verdict) => verdict.id)
    .sort();
}

export function stepOf(plan: Plan, kind: StepKind): Step {
  const step = plan.steps.find((candidate) => candidate.kind === kind);
  if (!step)
    throw new Error(`the plan has no ${kind} step (steps: ${plan.steps.map((s) => s.kind).join(', ')})`);
  return step;
}

/** All `ip -batch` lines of these commands, in order. */
export function batchLines(commands: Command[]): string[][] {
  return commands.flatMap((command) => (command.kind === 'ip-batch' ? command.lines : []));
}

/** The argv of every exec or spawn-detached command, in order. */
export function argvs(commands: Command[]): string[][] {
  return commands.flatMap((command) =>
    command.kind === 'exec' || command.kind === 'spawn-detached' ? [command.argv] : [],
  );
}

/** The token after `key` in a line ("dev" → "fcbr0"), undefined when the key is absent. */
export function valueAfter(tokens: string[], key: string): string | undefined {
  const index = tokens.indexOf(key);
  return index >= 0 ? tokens[index + 1] : undefined;
}

/** The device a `link set|add|del [dev|name] IF ...` line names. */
export function linkTarget(tokens: string[]): string | undefined {
  const start = tokens[0] === 'ip' ? 2 : 1;
  const name = tokens[start + 1];
  return name === 'dev' || name === 'name' ? tokens[start + 2] : name;
}

/** Lines that begin with these tokens ("route", "replace", "default"). */
export function linesStartingWith(lines: string[][], ...head: string[]): string[][] {
  return lines.filter((line) => head.every((token, index) => line[index] === token));
}

/** Index of the first line that begins with these tokens, -1 when none does. */
export function indexOfLine(lines: string[][], ...head: string[]): number {
  return lines.findIndex((line) => head.every((token, index) => line[index] === token));
}

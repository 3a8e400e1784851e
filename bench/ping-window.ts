/**
 * Lost echo replies while something happens to the host: the peer pings the host every 5 ms
 * (iputils ping; intervals under 10 ms need root, which the lab needs anyway) from before the
 * operation until shortly after it, bounded in count and time.
 *
 * Losses are counted from the replies ping printed, by icmp_seq: a sequence number below the
 * highest one answered that never got an answer was lost. Requests still in flight when ping is
 * stopped (the last one or two) are therefore not counted as lost; the tail after the operation
 * is quiet, so nothing the operation caused is missed. ping's own summary is kept beside it.
 */
import { spawn } from 'node:child_process';
import type { Lab } from '../source/lab/index.js';
import { sleep, within } from '../source/lab/wait.js';

export interface LostReplies {
  /** Requests below the highest answered sequence number that got no reply. */
  lost: number;
  /** Requests sent, as ping's summary reports them. */
  transmitted: number;
  received: number;
  /** The longest run of consecutive lost requests, × the interval: roughly the outage. */
  longestGapMs: number;
  /** How long the operation itself took. */
  operationMs: number;
}

const INTERVAL_MS = 5;
/** Hard bounds on one window: ping ends by itself after this, whatever happens here. */
const MAX_WINDOW_SEC = 60;
const FIRST_REPLY_WAIT_MS = 3_000;
/** Quiet time before and after the operation, so its edges fall well inside the window. */
const LEAD_MS = 200;
const TAIL_MS = 300;

export async function lostRepliesDuring<T>(
  lab: Lab,
  operation: () => Promise<T>,
  /** The address pinged; default the lab's host address (the router's reservation). */
  address: string = lab.hostAddress,
): Promise<{ result: T; replies: LostReplies }> {
  const count = Math.floor((MAX_WINDOW_SEC * 1000) / INTERVAL_MS);
  // `ip netns exec` execs ping, so the child's pid is ping's own: it is stopped by that pid.
  const ping = spawn(
    'ip',
    [
      'netns',
      'exec',
      lab.ns.peer,
      'ping',
      '-n',
      '-i',
      String(INTERVAL_MS / 1000),
      '-c',
      String(count),
      '-w',
      String(MAX_WINDOW_SEC),
      '-W',
      '1',
      address,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  ping.stdout.on('data', (chunk) => {
    output += chunk;
  });
  ping.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const closed = new Promise<void>((done) => ping.once('close', () => done()));
  try {
    const firstReply = await waitForReply(() => output, FIRST_REPLY_WAIT_MS);
    if (!firstReply) throw new Error(`the peer's ping got no reply from the host:\n${output}`);
    await sleep(LEAD_MS);
    const started = performance.now();
    const result = await operation();
    const operationMs = performance.now() - started;
    await sleep(TAIL_MS);
    ping.kill('SIGINT'); // ping prints its summary on SIGINT
    if ((await within(closed, 3_000, 'timeout')) === 'timeout')
      throw new Error('ping did not stop on SIGINT');
    return { result, replies: { ...countReplies(output), operationMs } };
  } finally {
    if (ping.exitCode === null && ping.signalCode === null) {
      ping.kill('SIGKILL');
      await within(closed, 3_000, undefined);
    }
  }
}

async function waitForReply(read: () => string, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (/icmp_seq=\d+/.test(read())) return true;
    await sleep(20);
  }
  return false;
}

export function countReplies(output: string): Omit<LostReplies, 'operationMs'> {
  const answered = new Set<number>();
  for (const match of output.matchAll(/bytes from [^:]+: icmp_seq=(\d+)/g)) answered.add(Number(match[1]));
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  const highest = Math.max(0, ...answered);
  let lost = 0;
  let run = 0;
  let longest = 0;
  for (let seq = 1; seq <= highest; seq++) {
    if (answered.has(seq)) {
      run = 0;
      continue;
    }
    lost += 1;
    run += 1;
    longest = Math.max(longest, run);
  }
  return {
    lost,
    transmitted: summary ? Number(summary[1]) : Number.NaN,
    received: summary ? Number(summary[2]) : answered.size,
    longestGapMs: longest * INTERVAL_MS,
  };
}

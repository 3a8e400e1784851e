import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Runner } from '../system/runner.js';
import type { LabProcess, ProcessTable } from './processes.js';
import { waitFor } from './wait.js';

/**
 * A TCP session that must survive a change: socat echoes in the server namespace, and a small
 * client in the client namespace opens ONE connection and keeps it. Each `echo()` asks the client,
 * over a Unix socket in the lab's temp dir, to send a fresh token on that same connection and say
 * whether it came back in time. A connection reset or a black hole after the change shows up as
 * `broken` or `timeout` instead of `ok`; a new connection can never hide it.
 */
export interface TcpSession {
  readonly serverAddress: string;
  readonly port: number;
  readonly server: LabProcess;
  readonly client: LabProcess;
  /** One round trip on the established connection, bounded by `timeoutMs`. */
  echo(timeoutMs?: number): Promise<EchoResult>;
  /** Stops client and server (by pid). */
  close(): Promise<void>;
}

export interface EchoResult {
  ok: boolean;
  /** `ok`, `timeout`, or `broken <reason>` as the client saw it. */
  detail: string;
}

export interface TcpSessionOptions {
  serverNs: string;
  clientNs: string;
  serverAddress: string;
  port: number;
}

const CLIENT_SCRIPT = `// TCP session client written by the bridge-migrate lab (see source/lab/tcp-echo.ts).
import net from 'node:net';
const [host, port, control, connectMs] = process.argv.slice(2);
let received = '';
let broken = null;
const waiters = new Set();
const wake = () => { for (const waiter of [...waiters]) waiter(); };
const socket = net.connect({ host, port: Number(port) });
socket.setNoDelay(true);
const connectTimer = setTimeout(() => { console.error('connect timed out'); process.exit(2); }, Number(connectMs));
socket.on('data', (chunk) => { received += chunk; wake(); });
socket.on('error', (error) => { broken = error.code || error.message; wake(); });
socket.on('close', () => { broken = broken || 'closed'; wake(); });
socket.on('connect', () => {
  clearTimeout(connectTimer);
  console.log('connected ' + socket.localAddress + ':' + socket.localPort + ' -> ' + host + ':' + port);
  net.createServer(answer).listen(control, () => console.log('ready'));
});
let serial = 0;
function answer(conn) {
  conn.on('error', () => {});
  conn.once('data', (request) => {
    const timeoutMs = Number(String(request).trim()) || 2000;
    if (broken) { conn.end('broken ' + broken + '\\n'); return; }
    serial += 1;
    const token = 'echo-' + serial + '-' + process.hrtime.bigint() + '\\n';
    const finish = (outcome) => { clearTimeout(timer); waiters.delete(check); conn.end(outcome + '\\n'); };
    const check = () => {
      if (received.includes(token)) finish('ok');
      else if (broken) finish('broken ' + broken);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    waiters.add(check);
    socket.write(token);
  });
}
process.on('SIGTERM', () => { socket.destroy(); process.exit(0); });
`;

const LISTEN_WAIT = { attempts: 50, intervalMs: 50, timeoutMs: 5_000 };
const CONNECT_WAIT = { attempts: 100, intervalMs: 50, timeoutMs: 8_000 };

export async function openTcpSession(
  deps: { runner: Runner; processes: ProcessTable; dir: string },
  options: TcpSessionOptions,
): Promise<TcpSession> {
  const { runner, processes, dir } = deps;
  const { serverNs, clientNs, serverAddress, port } = options;
  const server = await processes.start(serverNs, ['socat', `TCP4-LISTEN:${port},reuseaddr`, 'PIPE'], {
    label: `echo-server-${port}`,
  });
  try {
    await waitFor(`socat listening on port ${port} in ${serverNs}`, LISTEN_WAIT, async (problem) => {
      if (server.hasExited()) throw new Error(`echo server exited: ${server.readLog().trim()}`);
      const listening = await runner.run([
        'ip',
        'netns',
        'exec',
        serverNs,
        'ss',
        '-H',
        '-l',
        '-t',
        '-n',
        'sport',
        '=',
        `:${port}`,
      ]);
      return listening.stdout.trim() ? true : problem(listening.stderr.trim() || 'not listening yet');
    });
    const script = join(dir, 'tcp-client.mjs');
    if (!existsSync(script)) writeFileSync(script, CLIENT_SCRIPT, { mode: 0o600 });
    const control = join(dir, `tcp-${port}.sock`);
    const client = await processes.start(
      clientNs,
      [process.execPath, script, serverAddress, String(port), control, '5000'],
      {
        label: `echo-client-${port}`,
      },
    );
    await waitFor(
      `the TCP client in ${clientNs} to connect to ${serverAddress}:${port}`,
      CONNECT_WAIT,
      (problem) => {
        if (client.hasExited()) throw new Error(`TCP client exited: ${client.readLog().trim()}`);
        return /^ready$/m.test(client.readLog())
          ? true
          : problem(client.readLog().trim() || 'not connected yet');
      },
    );
    return {
      serverAddress,
      port,
      server,
      client,
      echo: (timeoutMs = 2_000) => askClient(control, timeoutMs),
      close: async () => {
        await processes.stop(client);
        await processes.stop(server);
      },
    };
  } catch (error) {
    await processes.stop(server);
    throw error;
  }
}

/** Connects to the client's control socket; the answer arrives within timeoutMs plus a margin. */
function askClient(control: string, timeoutMs: number): Promise<EchoResult> {
  return new Promise((resolve) => {
    let answer = '';
    let settled = false;
    const settle = (detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: detail === 'ok', detail });
    };
    const socket = connect(control);
    const timer = setTimeout(() => settle('timeout (client did not answer)'), timeoutMs + 2_000);
    socket.on('connect', () => socket.write(`${timeoutMs}\n`));
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => settle(answer.trim() || 'broken client closed the control socket'));
    socket.on('error', (error) => settle(`broken client unreachable: ${error.message}`));
  });
}

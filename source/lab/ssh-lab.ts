/**
 * A real sshd in a lab namespace (lab-recipes.md, "sshd in the host namespace"), so a test or a
 * benchmark can be the operator: log in from the peer over the LAN that the migration rewires, run
 * the tool there, and lose the session for real by killing the ssh client. The one copy used by
 * test/e2e and bench/.
 *
 * Everything it needs is made here, in the lab's temp dir (removed by the lab's teardown): host
 * key, client key, authorized_keys, known_hosts, sshd_config, ssh_config, pid file. The client
 * reads only this ssh_config (`-F`), never the machine's or root's. sshd runs in the foreground
 * through `lab.spawn`, so the lab ends it by pid; the sessions it forks live in the lab's
 * namespace and are ended by the lab's teardown too. Its login records go to a private tmpfs. The one thing left behind on purpose is
 * `/run/sshd`, the privilege-separation directory sshd insists on: it is created when missing and
 * left, as the recipe notes (an sshd of the machine may use it too).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../system/runner.js';
import type { LabProcess } from './processes.js';
import type { Lab } from './types.js';
import { waitFor } from './wait.js';

/** The name the client config knows the lab host by. */
const HOST_ALIAS = 'bm-lab-host';
const SSHD = '/usr/sbin/sshd';
const READY = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };
const LOGIN = { attempts: 20, intervalMs: 250, timeoutMs: 15_000 };

export interface SshServer {
  readonly process: LabProcess;
  /** The address sshd listens on (the host's lab address). */
  readonly address: string;
  readonly dir: string;
  /**
   * argv that runs ssh in the client namespace as root@host with `remoteCommand` (one string,
   * given to the remote shell; build it with `shellLine`). `tty` adds `-tt` (a terminal on the
   * host even when the client's stdin is not one). Starts with `ip netns exec`, which execs
   * ssh: the pid of this argv is the ssh client's own pid.
   */
  clientArgv(remoteCommand: string, options?: { tty?: boolean }): string[];
  /** Runs `remoteCommand` over a new, non-interactive ssh session from the client namespace. */
  run(remoteCommand: string, options?: { timeoutMs?: number }): Promise<RunResult>;
  /** sshd's own log (stderr with -e). */
  log(): string;
}

export interface SshdOptions {
  /** Namespace sshd runs in; default the lab host. */
  serverNs?: string;
  /** Namespace the client runs in; default the lab peer. */
  clientNs?: string;
  /** Address to listen on and log in to; default the lab host's address. */
  address?: string;
}

export async function startSshd(lab: Lab, options: SshdOptions = {}): Promise<SshServer> {
  const serverNs = options.serverNs ?? lab.ns.host;
  const clientNs = options.clientNs ?? lab.ns.peer;
  const address = options.address ?? lab.hostAddress;
  const dir = join(lab.dir, 'ssh');
  mkdirSync(dir, { mode: 0o700 });
  const path = (name: string) => join(dir, name);
  await keygen(path('hostkey'));
  await keygen(path('clientkey'));
  writeFileSync(path('authorized_keys'), readFileSync(path('clientkey.pub')), { mode: 0o600 });
  // Pinning the host key (instead of StrictHostKeyChecking=no) keeps "Permanently added ..."
  // warnings out of the terminal the test reads, and checks that it reached this sshd.
  const hostKey = readFileSync(path('hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(path('known_hosts'), `${address} ${hostKey}\n`, { mode: 0o600 });
  writeFileSync(path('sshd_config'), sshdConfig(address, dir), { mode: 0o600 });
  writeFileSync(path('ssh_config'), sshConfig(address, dir), { mode: 0o600 });
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  // sshd writes login records (wtmp, lastlog) for every session with a terminal. In its private
  // mount namespace a tmpfs over /var/log catches them, so none reaches this machine's files.
  const privateLogs =
    'mount -t tmpfs -o mode=0755 tmpfs /var/log && : > /var/log/wtmp && : > /var/log/lastlog && exec "$@"';
  const sshd = await lab.spawn(
    serverNs,
    ['/bin/sh', '-c', privateLogs, 'sshd', SSHD, '-D', '-e', '-f', path('sshd_config')],
    { label: 'sshd', privateMounts: true },
  );
  // sshd writes its pid file once its listening socket is bound.
  await waitFor('sshd to listen', READY, (problem) => {
    if (sshd.hasExited()) throw new Error(`sshd exited: ${sshd.readLog().trim()}`);
    const text = existsSync(path('sshd.pid')) ? readFileSync(path('sshd.pid'), 'utf8').trim() : '';
    return text === String(sshd.pid) ? true : problem(`pid file says "${text}"`);
  });

  const clientArgv = (remoteCommand: string, clientOptions: { tty?: boolean } = {}) => [
    'ssh',
    ...(clientOptions.tty ? ['-tt'] : ['-T']),
    '-F',
    path('ssh_config'),
    HOST_ALIAS,
    remoteCommand,
  ];
  const server: SshServer = {
    process: sshd,
    address,
    dir,
    clientArgv: (remoteCommand, clientOptions) => [
      'ip',
      'netns',
      'exec',
      clientNs,
      ...clientArgv(remoteCommand, clientOptions),
    ],
    run: (remoteCommand, runOptions = {}) =>
      lab.exec(clientNs, clientArgv(remoteCommand), {
        check: false,
        timeoutMs: runOptions.timeoutMs ?? 30_000,
      }),
    log: () => sshd.readLog(),
  };
  // The real readiness check: a login from the client side works.
  await waitFor('a first ssh login', LOGIN, async (problem) => {
    const result = await server.run('true', { timeoutMs: 10_000 });
    return result.exitCode === 0 ? true : problem(`exit ${result.exitCode}: ${result.stderr.trim()}`);
  });
  return server;
}

function sshdConfig(address: string, dir: string): string {
  return `# bridge-migrate lab sshd
Port 22
ListenAddress ${address}
HostKey ${join(dir, 'hostkey')}
PidFile ${join(dir, 'sshd.pid')}
AuthorizedKeysFile ${join(dir, 'authorized_keys')}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
ClientAliveInterval 0
LogLevel VERBOSE
`;
}

function sshConfig(address: string, dir: string): string {
  return `# bridge-migrate lab ssh client
Host ${HOST_ALIAS}
  HostName ${address}
  User root
  IdentityFile ${join(dir, 'clientkey')}
  IdentitiesOnly yes
  UserKnownHostsFile ${join(dir, 'known_hosts')}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  ServerAliveInterval 0
  LogLevel ERROR
`;
}

function keygen(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', 'bridge-migrate-lab', '-f', file],
      { timeout: 10_000 },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`ssh-keygen: ${stderr || error.message}`)) : resolve(),
    );
  });
}

/** One shell command line from an argv: every word single-quoted, for the remote shell. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

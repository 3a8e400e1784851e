/**
 * sshd in a lab's host namespace, so the benchmark can run the TUI the way an operator does: over
 * `ssh -tt` from the peer. Follows notes/lab-recipes.md ("sshd in the host namespace"): host and
 * client keys made here, in the lab's private dir (removed with the lab), sshd in the foreground
 * so the lab owns its pid and ends it at teardown.
 *
 * sshd writes login records (wtmp, lastlog) for every session with a pty; it runs in a private
 * mount namespace with a tmpfs over /var/log so those records never reach this machine's files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Lab, LabProcess } from '../source/lab/index.js';
import { waitFor } from '../source/lab/wait.js';

export interface SshServer {
  process: LabProcess;
  /** The argv that runs `command` on the host over ssh, from the peer namespace, with a pty. */
  clientArgv(command: readonly string[]): string[];
}

const LISTEN_WAIT = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };

export async function startSshd(lab: Lab): Promise<SshServer> {
  const dir = join(lab.dir, 'ssh');
  mkdirSync(dir, { mode: 0o700 });
  for (const key of ['hostkey', 'clientkey']) {
    await execa(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', 'bridge-migrate bench', '-f', join(dir, key)],
      {
        stdin: 'ignore',
        timeout: 10_000,
      },
    );
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'clientkey.pub')), { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'Port 22',
      `ListenAddress ${lab.hostAddress}`,
      `HostKey ${join(dir, 'hostkey')}`,
      'PermitRootLogin prohibit-password',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PrintMotd no',
      'PrintLastLog no',
      'UseDNS no',
      // An operator's client sends its UTF-8 locale (Debian: SendEnv LANG LC_*); the lab's
      // client has none to send, so the server sets the one an operator would have.
      'SetEnv LANG=C.UTF-8',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // sshd's privilege-separation directory; Debian's package creates it at boot.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const sshd = await lab.spawn(
    lab.ns.host,
    [
      '/bin/sh',
      '-c',
      'mount -t tmpfs -o mode=0755 tmpfs /var/log && : > /var/log/lastlog && : > /var/log/wtmp && exec "$@"',
      'sshd-private-logs',
      '/usr/sbin/sshd',
      '-D',
      '-e',
      '-f',
      config,
    ],
    { label: 'sshd', privateMounts: true },
  );
  await waitFor('sshd to listen', LISTEN_WAIT, (problem) => {
    if (sshd.hasExited()) throw new Error(`sshd exited: ${sshd.readLog().trim()}`);
    return /Server listening on/.test(sshd.readLog()) ? true : problem(sshd.readLog().trim());
  });
  return {
    process: sshd,
    clientArgv: (command) => [
      'ip',
      'netns',
      'exec',
      lab.ns.peer,
      'ssh',
      '-tt',
      '-F',
      '/dev/null',
      '-i',
      join(dir, 'clientkey'),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=5',
      `root@${lab.hostAddress}`,
      '--',
      remoteCommandLine(command),
    ],
  };
}

/** ssh hands the remote side one command line, which the login shell splits again. */
function remoteCommandLine(command: readonly string[]): string {
  return command
    .map((token) => (/^[\w@%+=:,./-]+$/.test(token) ? token : `'${token.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

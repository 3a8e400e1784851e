#!/usr/bin/env node
/**
 * Records recordings/hosts/lab-dhcp-host.json or lab-static-host.json for real: builds a lab
 * (source/lab: router with dnsmasq, host, peer, in network namespaces with TEST-NET-2 addresses),
 * starts sshd in the host namespace, and runs the built CLI's `capture` through a real SSH session
 * from the lab peer, so SSH_CONNECTION and `ip route get` are the session's own. Then tears the lab
 * down. Run as root after `npm run build`:
 *
 *   node scripts/capture-lab-host.mjs dhcp     # udhcpc left running on ens18, lease lifetimes
 *   node scripts/capture-lab-host.mjs static   # two static addresses and a route with a metric
 *
 * A plain node script importing dist/ (no build config of its own); the tests never run it, they
 * replay the files it wrote.
 *
 * One edit after capture, stated in the header: `ps -eo pid=,netns=,args=` lists every process on
 * the machine (namespaces do not hide processes), so its output is cut to the processes of the lab
 * host's own network namespace, and the /proc/PID/cmdline reads of the removed lines are dropped.
 * That keeps the machine's unrelated processes out of the repository and makes the replay the same
 * whatever else runs on the machine.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab } from '../dist/source/lab/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SSH_WAIT = { attempts: 50, intervalMs: 100 };

const VARIANTS = {
  dhcp: {
    name: 'lab-dhcp-host',
    lab: { host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } },
    description:
      'Captured in the bridge-migrate lab on the build machine (Debian 12 container, iproute2 6.1): a host ' +
      'network namespace whose ens18 (a veth on the lab LAN) took 198.51.100.240/24 and its default route ' +
      'via 198.51.100.1 by DHCP from dnsmasq, with busybox udhcpc left running on ens18 (addresses carry ' +
      'the lease lifetimes, as networkd sets them). The capture ran through a real SSH session from the ' +
      'lab peer 198.51.100.50. Commands and /sys/class/net, /proc/self/ns/net, /proc/sys/net are the ' +
      "namespace's own; /etc/resolv.conf is the lab's /etc/netns file; DMI, systemd-detect-virt " +
      "(docker), the hostname, /etc/netplan, /etc/network and /sys/module are the build machine's (its " +
      'kernel has br_netfilter built in, so /sys/module/br_netfilter is absent while the bridge-nf sysctls ' +
      "exist). ps output cut to the host namespace's processes.",
  },
  static: {
    name: 'lab-static-host',
    lab: {
      host: {
        kind: 'static',
        addresses: ['198.51.100.240/24', '198.51.100.241/24'],
        routes: [{ to: '203.0.113.0/24', via: '198.51.100.2', metric: 50 }],
        rules: [{ priority: 1000, from: '198.51.100.241', table: 100 }],
      },
    },
    description:
      'Captured in the bridge-migrate lab on the build machine (Debian 12 container, iproute2 6.1): a host ' +
      'network namespace whose ens18 (a veth on the lab LAN) has static 198.51.100.240/24 and secondary ' +
      '198.51.100.241/24, a default route via 198.51.100.1, a route to 203.0.113.0/24 via 198.51.100.2 ' +
      'metric 50 and a policy rule from 198.51.100.241 to table 100, set with ip by the lab (no ' +
      'renderer). The capture ran through a real SSH session from the lab peer 198.51.100.50. Commands ' +
      "and /sys/class/net, /proc/self/ns/net, /proc/sys/net are the namespace's own; /etc/resolv.conf is " +
      "the lab's /etc/netns file; DMI, systemd-detect-virt (docker), the hostname, /etc/netplan, " +
      "/etc/network and /sys/module are the build machine's (its kernel has br_netfilter built in, so " +
      '/sys/module/br_netfilter is absent while the bridge-nf sysctls exist). ps output cut to the host ' +
      "namespace's processes.",
  },
};

async function main() {
  const variant = VARIANTS[process.argv[2] ?? ''];
  if (!variant) {
    process.stderr.write(`usage: node scripts/capture-lab-host.mjs ${Object.keys(VARIANTS).join('|')}\n`);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('run it as root: the lab creates network namespaces\n');
    return 1;
  }
  const lab = await createLab(variant.lab);
  // `ip netns exec` bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf for that namespace only.
  const netnsEtc = join('/etc/netns', lab.ns.host);
  const madeNetnsDir = !existsSync('/etc/netns');
  try {
    mkdirSync(netnsEtc, { recursive: true });
    writeFileSync(join(netnsEtc, 'resolv.conf'), `nameserver ${lab.gateway}\nsearch lab.example\n`);
    const ssh = await startSshd(lab);
    const raw = join(lab.dir, 'capture.json');
    const remote = [process.execPath, join(ROOT, 'dist/cli.js'), 'capture', '-o', raw, '--name', variant.name]
      .concat(['--description', variant.description])
      .map(shellQuote)
      .join(' ');
    await lab.exec(lab.ns.peer, [...ssh.client, remote], { timeoutMs: 30_000 });
    const doc = trimToHostNamespace(JSON.parse(readFileSync(raw, 'utf8')));
    const out = join(ROOT, 'recordings/hosts', `${variant.name}.json`);
    writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
    chmodSync(out, 0o644);
    process.stdout.write(
      `wrote ${out} (${doc.commands.length} commands, ${Object.keys(doc.files).length} files)\n`,
    );
    return 0;
  } finally {
    rmSync(netnsEtc, { recursive: true, force: true });
    if (madeNetnsDir) rmSync('/etc/netns', { recursive: true, force: true });
    const report = await lab.teardown();
    if (report.problems.length > 0)
      process.stderr.write(`teardown problems: ${report.problems.join('; ')}\n`);
  }
}

/** sshd in the host namespace with its own keys and config in the lab dir (the recipe in notes/lab-recipes.md). */
async function startSshd(lab) {
  const dir = lab.dir;
  for (const key of ['hostkey', 'clientkey']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, key)]);
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'clientkey.pub')));
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
      '',
    ].join('\n'),
  );
  // sshd's privilege separation directory; the recipe creates it the same way.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  await lab.spawn(lab.ns.host, ['/usr/sbin/sshd', '-D', '-f', config, '-E', join(dir, 'sshd.log')], {
    label: 'sshd',
  });
  const client = [
    'ssh',
    '-i',
    join(dir, 'clientkey'),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    `root@${lab.hostAddress}`,
  ];
  for (let attempt = 0; attempt < SSH_WAIT.attempts; attempt++) {
    const probe = await lab.exec(lab.ns.peer, [...client, 'true'], { check: false, timeoutMs: 5_000 });
    if (probe.exitCode === 0) return { client };
    await new Promise((done) => setTimeout(done, SSH_WAIT.intervalMs));
  }
  throw new Error(
    `sshd in ${lab.ns.host} did not accept the lab key: ${readFileSync(join(dir, 'sshd.log'), 'utf8')}`,
  );
}

/** Keeps the ps lines of the capturing process's own network namespace, and their cmdline reads. */
function trimToHostNamespace(doc) {
  const own = /^net:\[(\d+)\]$/.exec(doc.links['/proc/self/ns/net'] ?? '')?.[1];
  if (!own) throw new Error('the capture has no /proc/self/ns/net link');
  const ps = doc.commands.find((command) => command.argv.join(' ') === 'ps -eo pid=,netns=,args=');
  const kept = ps.stdout.split('\n').filter((line) => line.trim().split(/\s+/)[1] === own);
  ps.stdout = `${kept.join('\n')}\n`;
  const pids = new Set(kept.map((line) => line.trim().split(/\s+/)[0]));
  for (const path of Object.keys(doc.files)) {
    const pid = /^\/proc\/(\d+)\/cmdline$/.exec(path)?.[1];
    if (pid && !pids.has(pid)) delete doc.files[path];
  }
  return doc;
}

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);

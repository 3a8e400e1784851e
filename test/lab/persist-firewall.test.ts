/**
 * The NAT removed at apply also leaves the host's boot-time firewall at confirm: a Firecracker
 * host (bridge fcbr0 with a gateway address and a TAP, a MASQUERADE rule in iptables and a native
 * nftables masquerade rule) whose uplink networkd runs (the lab's networkd machine), with
 * /etc/iptables/rules.v4 (what `iptables-save` printed, as netfilter-persistent saves it) and
 * /etc/nftables.conf in the scratch root. The BUILT CLI runs inside the machine with
 * `--root-dir ROOT`: the machine binds ROOT's netplan and networkd directories over its own, and
 * the firewall files exist only under ROOT (never the machine's own /etc).
 * Confirm must remove exactly the two masquerade lines after the real `iptables-restore --test`
 * and `nft -c` accepted the new files, with byte-exact backups in the journal's directory; a
 * rollback of the persisted migration puts both files back byte-exact.
 * Needs root and `npm run build`.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Lab, NetworkdMachine } from '../../source/lab/index.js';
import { startNetworkdMachine } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { DIST_CLI, requireBuiltCli } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';
import { natBridge } from './helpers/nat-bridge.js';
import { ipv4 } from './helpers/networkd-keep-lab.js';

const NETPLAN =
  'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n      dhcp-identifier: mac\n';
const SETTLED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };
const MASQUERADE_LINE = '-A POSTROUTING -s 203.0.113.128/25 -o ens18 -j MASQUERADE';
const NFT_MASQUERADE_LINE = '\t\tiifname "fcbr0" masquerade # the microVMs\n';
const NFTABLES_CONF = `#!/usr/sbin/nft -f
# NAT for the Firecracker guests (kept by the migration except the masquerade line)
table ip fcnat {
\tchain post {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\toifname "lo" return
${NFT_MASQUERADE_LINE}\t\tudp dport 9 return
\t}
}
`;

/** The original plan's NAT setup: fcbr0 + gateway address + TAP, MASQUERADE in iptables and in nftables. */
async function natSetup(lab: Lab): Promise<void> {
  const run = (...argv: string[]) => lab.exec(lab.ns.host, argv);
  await natBridge(lab);
  await run('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'lo', '-j', 'RETURN');
  await run('iptables', '-t', 'nat', '-A', 'POSTROUTING', ...MASQUERADE_LINE.split(' ').slice(2));
  await run('nft', 'add', 'table', 'ip', 'fcnat');
  await run('nft', 'add', 'chain', 'ip', 'fcnat', 'post', '{ type nat hook postrouting priority 100; }');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'oifname', 'lo', 'return');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'iifname', 'fcbr0', 'masquerade');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'udp', 'dport', '9', 'return');
}

test('confirm takes exactly the masquerade lines out of rules.v4 and nftables.conf (checked by iptables-restore --test and nft -c, backed up); rollback puts them back byte-exact', async () => {
  requireBuiltCli();
  await withLab({ host: { kind: 'dhcp' }, reservation: false }, async (lab) => {
    await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
    const root = mkdtempSync(join(lab.dir, 'root-'));
    const machine: NetworkdMachine = await startNetworkdMachine(lab, {
      root,
      netplan: { '50-lab.yaml': NETPLAN },
    });
    try {
      await waitFor('networkd to configure ens18', SETTLED, async (problem) => {
        const addresses = await ipv4(lab, 'ens18');
        return addresses.length === 1 ? true : problem(`${addresses}`);
      });
      await natSetup(lab);

      // The boot-time firewall as the host saved it: `iptables-save > /etc/iptables/rules.v4`.
      const saved = (await lab.exec(lab.ns.host, ['iptables-save'])).stdout;
      expect(saved).toContain(`${MASQUERADE_LINE}\n`);
      const rulesV4 = `# saved by netfilter-persistent\n${saved}`;
      mkdirSync(join(root, 'etc/iptables'));
      writeFileSync(join(root, 'etc/iptables/rules.v4'), rulesV4, { mode: 0o640 });
      writeFileSync(join(root, 'etc/nftables.conf'), NFTABLES_CONF, { mode: 0o755 });

      const stateDir = join(lab.dir, 'state');
      const cli = (args: string[]) =>
        machine.exec([process.execPath, DIST_CLI, ...args, '--state-dir', stateDir, '--root-dir', root], {
          check: false,
          timeoutMs: 180_000,
        });

      const plan = await cli(['plan', '--nic', 'ens18']);
      expect(plan.exitCode, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('/etc/iptables/rules.v4 (firewall)');
      expect(plan.stdout).toContain(`    -${MASQUERADE_LINE}`);
      expect(plan.stdout).toContain('/etc/nftables.conf (firewall)');

      const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--timeout', '120']);
      expect(apply.exitCode, `${apply.stdout}\n${apply.stderr}`).toBe(0);
      // apply removed the runtime rules; the files are untouched until confirm.
      expect((await lab.exec(lab.ns.host, ['iptables-save'])).stdout).not.toContain('MASQUERADE');
      expect(readFileSync(join(root, 'etc/iptables/rules.v4'), 'utf8')).toBe(rulesV4);

      const confirm = await cli(['confirm']);
      expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(0);
      expect(confirm.stderr).toContain(
        'also checked: /etc/iptables/rules.v4 (iptables-restore --test), /etc/nftables.conf (nft -c -f -)',
      );
      expect(readFileSync(join(root, 'etc/iptables/rules.v4'), 'utf8')).toBe(
        rulesV4.replace(`${MASQUERADE_LINE}\n`, ''),
      );
      expect(readFileSync(join(root, 'etc/nftables.conf'), 'utf8')).toBe(
        NFTABLES_CONF.replace(NFT_MASQUERADE_LINE, ''),
      );
      // The real checks ran on the new files and passed (the debug log records each run).
      const log = readFileSync(join(stateDir, 'debug.log'), 'utf8');
      expect(log).toContain('persist: iptables-restore --test < new /etc/iptables/rules.v4 → exit 0');
      expect(log).toContain('persist: nft -c -f - < new /etc/nftables.conf → exit 0');
      // Backups in the journal's directory, byte for byte.
      const journal = await createJournalStore().load(stateDir);
      expect(journal?.phase).toBe('persisted');
      const backupOf = (path: string) => {
        const backup = journal?.files.find((file) => file.path === path)?.backup?.backup;
        expect(backup?.startsWith(join(stateDir, 'backups'))).toBe(true);
        return readFileSync(backup as string, 'utf8');
      };
      expect(backupOf('/etc/iptables/rules.v4')).toBe(rulesV4);
      expect(backupOf('/etc/nftables.conf')).toBe(NFTABLES_CONF);

      const rollback = await cli(['rollback', '--yes']);
      expect(rollback.exitCode, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
      expect(readFileSync(join(root, 'etc/iptables/rules.v4')).equals(Buffer.from(rulesV4))).toBe(true);
      expect(readFileSync(join(root, 'etc/nftables.conf')).equals(Buffer.from(NFTABLES_CONF))).toBe(true);
      expect((await lab.exec(lab.ns.host, ['iptables-save'])).stdout).toContain(MASQUERADE_LINE);
    } finally {
      await machine.stop();
    }
  });
}, 480_000);

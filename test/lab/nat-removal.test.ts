/**
 * Removing the NAT of a Firecracker host for real: the lab's host namespace gets the seed's NAT
 * setup — bridge fcbr0 with a gateway address and a TAP (held open, as a running VM holds it, so
 * the bridge has a carrier), a MASQUERADE rule in iptables at position 2 of nat/POSTROUTING
 * (another rule before it, one after), and a native nftables masquerade rule, also second in its
 * chain. The BUILT tool applies (deleting both rules and the address) and rolls back; iptables-save
 * and `nft -a list ruleset` must then be what they were, rule order included, and so must the
 * links, addresses, routes and rules.
 *
 * iptables here is iptables-nft, so its rules are also nftables rules (table ip nat): the plan
 * must count each MASQUERADE rule once, and both views are compared.
 * Needs root and `npm run build`. The guardian apply starts is ended by pid afterwards; the TAP
 * holder is a lab process (ended by the lab's teardown), and the TAP and nftables state die with
 * the namespace.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect, test } from 'vitest';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import { comparable } from './helpers/engine-lab.js';
import { APPLY_PENDING, killAlive, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';
import { natBridge } from './helpers/nat-bridge.js';

/** Attaches to the persistent TAP (TUNSETIFF, IFF_TAP | IFF_NO_PI) and holds it, as Firecracker does. */
const TAP_HOLDER = `
import fcntl, os, struct, time
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', b'fctap0', 0x0002 | 0x1000))
print('attached', flush=True)
time.sleep(600)
`;

const MASQUERADE = ['-s', '203.0.113.128/25', '-o', 'ens18', '-j', 'MASQUERADE'];

async function natSetup(lab: Lab, vmRunning: boolean): Promise<void> {
  const host = lab.ns.host;
  const run = (...argv: string[]) => lab.exec(host, argv);
  await natBridge(lab);
  if (vmRunning) await holdTap(lab);
  // nat/POSTROUTING: MASQUERADE second, between two rules that are not the bridge's.
  await run(
    'iptables',
    '-t',
    'nat',
    '-A',
    'POSTROUTING',
    '-o',
    'ens18',
    '-p',
    'udp',
    '--dport',
    '9',
    '-j',
    'RETURN',
  );
  await run('iptables', '-t', 'nat', '-A', 'POSTROUTING', ...MASQUERADE);
  await run('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'lo', '-j', 'RETURN');
  // A native nftables NAT table, masquerade second as well.
  await run('nft', 'add', 'table', 'ip', 'fcnat');
  await run('nft', 'add', 'chain', 'ip', 'fcnat', 'post', '{ type nat hook postrouting priority 100; }');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'oifname', 'lo', 'return');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'iifname', 'fcbr0', 'masquerade');
  await run('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'udp', 'dport', '9', 'return');
}

async function holdTap(lab: Lab): Promise<void> {
  const host = lab.ns.host;
  await lab.spawn(host, ['/usr/bin/python3', '-c', TAP_HOLDER], { label: 'tap-holder' });
  await waitFor(
    'the TAP to have a carrier',
    { attempts: 50, intervalMs: 100, timeoutMs: 10_000 },
    async (problem) => {
      const link = await lab.exec(host, ['ip', '-br', 'link', 'show', 'dev', 'fcbr0']);
      return /\bUP\b.*LOWER_UP/.test(link.stdout) ? true : problem(link.stdout.trim());
    },
  );
}

/**
 * Both netfilter views, normalised only where the kernel changes them by itself: iptables-save's
 * "# Generated/Completed on DATE" comments and its [packets:bytes] chain counters (the verify
 * checks' traffic passes nat/POSTROUTING), nft's per-rule counters (iptables-nft gives every rule
 * one) and rule handles (a rule put back is a new rule with a new handle; its place in the chain,
 * which is what matters, is kept by the line order).
 */
async function netfilter(lab: Lab): Promise<{ iptables: string; nft: string }> {
  const save = await lab.exec(lab.ns.host, ['iptables-save']);
  const nft = await lab.exec(lab.ns.host, ['nft', '-a', 'list', 'ruleset']);
  return {
    iptables: save.stdout
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .map((line) => line.replace(/\[\d+:\d+\]$/, '[:]'))
      .join('\n'),
    nft: nft.stdout.replace(/ # handle \d+/g, '').replace(/counter packets \d+ bytes \d+/g, 'counter'),
  };
}

/**
 * With no VM behind the TAP the bridge has no carrier and so no IPv6 link-local address; the
 * uplink joining it gives it a carrier and the kernel makes one, which stays after the revert
 * (compare.ts withoutNewLinkLocals). That address and its IPv6 routes are taken out of the
 * after-snapshot here, and everything else must match exactly.
 */
function withoutNewLinkLocal(snapshot: ReturnType<typeof comparable>, dev: string) {
  type Addr = { ifname: string; addr_info: Array<{ family: string; scope: string }> };
  const addresses = (snapshot.addresses as Addr[]).map((link) =>
    link.ifname === dev
      ? {
          ...link,
          addr_info: link.addr_info.filter((info) => !(info.family === 'inet6' && info.scope === 'link')),
        }
      : link,
  );
  const routes6 = (snapshot.routes6 as Array<{ dev?: string }>).filter((route) => route.dev !== dev);
  return { ...snapshot, addresses, routes6 };
}

test.each([
  { vmRunning: true, what: 'a VM holds the TAP' },
  { vmRunning: false, what: 'no VM: the bridge has no carrier' },
])(
  'NAT removed on apply (iptables rule at position 2, nftables rule) and put back in place by the rollback ($what)',
  async ({ vmRunning }) => {
    requireBuiltCli();
    const scratch = mkdtempSync(join(tmpdir(), 'bm-nat-removal-'));
    const stateDir = join(scratch, 'state');
    const rootDir = join(scratch, 'root');
    mkdirSync(rootDir);
    const guardians = new Set<number>();
    try {
      await withLab({ host: { kind: 'static', addresses: ['198.51.100.240/24'] } }, async (lab) => {
        const host = lab.ns.host;
        const cli = (args: readonly string[]) =>
          runCliIn(host, [...args, '--state-dir', stateDir, '--root-dir', rootDir], { timeoutMs: 90_000 });
        try {
          await natSetup(lab, vmRunning);
          await lab.settle(host);
          const before = { ip: comparable(await lab.snapshot(host)), ...(await netfilter(lab)) };
          expect(before.iptables).toContain(`-A POSTROUTING ${MASQUERADE.join(' ')}`);
          expect(before.nft).toMatch(/table ip fcnat \{[\s\S]*iifname "fcbr0" masquerade/);

          // Each rule once, though iptables-nft's rule is in the nft ruleset too.
          const plan = await cli(['plan', '--nic', 'ens18', '--persist', 'none', '--json']);
          expect(plan.code, plan.stderr).toBe(0);
          const removeNat = (
            JSON.parse(plan.stdout) as { steps: Array<{ id: string; commands: unknown[] }> }
          ).steps.find((step) => step.id === 'remove-nat');
          expect(JSON.stringify(removeNat?.commands)).toContain('"iptables","-t","nat","-D","POSTROUTING"');
          expect(
            removeNat?.commands.filter((command) => /"(iptables|nft)"/.test(JSON.stringify(command))),
          ).toHaveLength(2);

          const apply = await cli(APPLY_PENDING);
          const guardian = /guardian armed: pid (\d+)/.exec(apply.stderr)?.[1];
          if (guardian) guardians.add(Number(guardian));
          expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);

          // Applied: both MASQUERADE rules and the bridge's address are gone, the other rules stay.
          const applied = await netfilter(lab);
          expect(applied.iptables).not.toContain('MASQUERADE');
          expect(applied.iptables).toContain('-A POSTROUTING -o ens18 -p udp -m udp --dport 9 -j RETURN');
          expect(applied.iptables).toContain('-A POSTROUTING -o lo -j RETURN');
          expect(applied.nft).not.toContain('masquerade');
          expect(applied.nft).toMatch(/oifname "lo" return\s+udp dport 9 return/);
          const bridgeAddresses = await lab.exec(host, ['ip', '-4', '-br', 'addr', 'show', 'dev', 'fcbr0']);
          expect(bridgeAddresses.stdout).not.toContain('203.0.113.129');

          const rollback = await cli(['rollback', '--yes']);
          expect(rollback.code, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
          expect(rollback.stdout).toMatch(/Reverted \(operator's choice\): the host matches its pre-state\./);

          // Rules back in their places: iptables and nftables exactly as before (see netfilter()).
          expect(await netfilter(lab)).toEqual({ iptables: before.iptables, nft: before.nft });
          await lab.settle(host);
          const seen = async () => {
            const now = comparable(await lab.snapshot(host));
            return vmRunning ? now : withoutNewLinkLocal(now, 'fcbr0');
          };
          await waitFor(
            'the pre-state',
            { attempts: 50, intervalMs: 100, timeoutMs: 10_000 },
            async (problem) =>
              isDeepStrictEqual(await seen(), before.ip) ? true : problem('still different'),
          );
          expect(await seen()).toEqual(before.ip);
          if (!vmRunning) {
            // The kernel's new address is really there: it is what the comparison let pass.
            const bridge6 = await lab.exec(host, ['ip', '-6', '-br', 'addr', 'show', 'dev', 'fcbr0']);
            expect(bridge6.stdout).toMatch(/fe80::\S+\/64/);
          }
        } finally {
          killAlive(guardians);
        }
      });
    } finally {
      killAlive(guardians);
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);

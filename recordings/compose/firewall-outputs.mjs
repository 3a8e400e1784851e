#!/usr/bin/env node
/**
 * Composition aid (run by hand as root, never by the tests): produces the real iptables-save and
 * nft output for a composed host's firewall. It loads the host's `firewallRules` (iptables-restore
 * input) into a scratch network namespace made for the purpose, reads back `iptables-save`,
 * `nft -j list ruleset` and `nft -a list ruleset`, deletes the namespace, and writes
 * ./hosts/NAME.firewall.json, which compose-hosts.mjs uses. The output is from this machine's
 * iptables-nft and nft (Debian 12: iptables 1.8.9, nftables 1.0.6); the hosts' descriptions say so.
 *
 *   node recordings/compose/firewall-outputs.mjs nat-fcbr0-taps
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: node recordings/compose/firewall-outputs.mjs HOST\n');
  process.exit(2);
}
const host = (await import(join(HERE, 'hosts', `${name}.mjs`))).default;
if (!host.firewallRules) throw new Error(`${name} has no firewallRules`);

const ns = `bmfw${randomBytes(3).toString('hex')}`;
/** Runs argv inside the scratch namespace; its stdout and stderr, as a capture would keep them. */
function inNs(argv, input) {
  const result = spawnSync('ip', ['netns', 'exec', ns, ...argv], { input, encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}
execFileSync('ip', ['netns', 'add', ns]);
try {
  inNs(['iptables-restore'], host.firewallRules);
  // iptables-save stamps each table with the time; the composed host gets a fixed one instead.
  const save = inNs(['iptables-save']);
  save.stdout = save.stdout.replace(/ on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/gm, ` on ${host.firewallSavedAt}`);
  const outputs = {
    'iptables-save': save,
    'nft -j list ruleset': inNs(['nft', '-j', 'list', 'ruleset']),
    'nft -a list ruleset': inNs(['nft', '-a', 'list', 'ruleset']),
  };
  writeFileSync(join(HERE, 'hosts', `${name}.firewall.json`), `${JSON.stringify(outputs, null, 2)}\n`);
  process.stdout.write(`${name}: firewall outputs written\n`);
} finally {
  execFileSync('ip', ['netns', 'delete', ns]);
}

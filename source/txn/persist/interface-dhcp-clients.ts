/**
 * The DHCP clients serving one interface right now, found the way the probe finds the uplink's
 * (host/probes/dhcp.ts): ps for candidates, then /proc/PID for the exact argv, who runs it and
 * what the kernel runs. Only root's DHCP client programs in this runner's network namespace count:
 * argv is the process's own to write, so anything else is never signalled (plan/steps/stop-dhcp.ts).
 * Everything goes through the Runner so that, in the lab, it looks inside the host namespace.
 */
import {
  describeDhcpClient,
  isClientExe,
  netnsInode,
  parseCmdline,
  parsePsDhcpCandidates,
  parseStatusUids,
} from '../../host/parse/dhcp-clients.js';
import { PS_ARGV } from '../../host/probes/dhcp.js';
import { isSignallablePid } from '../../system/process-signal.js';
import { type Runner, succeeded } from '../../system/runner.js';

export interface ServingClient {
  pid: number;
  program: 'dhclient' | 'udhcpc' | 'dhcpcd';
  argv: string[];
}

export async function clientsServing(runner: Runner, ifname: string): Promise<ServingClient[]> {
  const [ps, own] = await Promise.all([runner.run(PS_ARGV), runner.run(['readlink', '/proc/self/ns/net'])]);
  const netns = succeeded(own) ? netnsInode(own.stdout) : null;
  if (!succeeded(ps) || netns === null) return [];
  const found: ServingClient[] = [];
  for (const candidate of parsePsDhcpCandidates(ps.stdout)) {
    if (candidate.netns !== netns || !isSignallablePid(candidate.pid)) continue;
    const proc = `/proc/${candidate.pid}`;
    const [cmdline, status, exe] = await Promise.all([
      runner.run(['cat', `${proc}/cmdline`]),
      runner.run(['cat', `${proc}/status`]),
      runner.run(['readlink', `${proc}/exe`]),
    ]);
    if (!succeeded(cmdline) || !succeeded(status) || !succeeded(exe)) continue;
    const argv = parseCmdline(cmdline.stdout);
    const { program, ifname: serves } = describeDhcpClient(argv);
    const uids = parseStatusUids(status.stdout);
    if (program === 'other' || serves !== ifname || uids?.uid !== 0 || uids.euid !== 0) continue;
    if (!isClientExe(program, exe.stdout.trim())) continue;
    found.push({ pid: candidate.pid, program, argv });
  }
  return found;
}

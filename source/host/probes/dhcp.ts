/**
 * Running DHCP clients (dhclient, udhcpc, dhcpcd): candidates from ps, exact argv from
 * /proc/PID/cmdline, and whether each runs in our own network namespace: ps's netns inode compared
 * with /proc/self/ns/net. A client in another namespace (another container or lab host with the
 * same interface name) is listed but never ours to stop. So is a process of another user: argv is
 * whatever the process wrote, so `nobody` can call itself "dhclient ens18". Who runs it (the
 * `Uid:` line of /proc/PID/status) and what the kernel runs (readlink /proc/PID/exe) are recorded
 * for the plan to decide; either unreadable counts as not ours.
 */
import { ReplayMiss } from '../../system/capture.js';
import { parseProcStat } from '../../system/process-identity.js';
import { succeeded } from '../../system/runner.js';
import {
  describeDhcpClient,
  netnsInode,
  parseCmdline,
  parsePsDhcpCandidates,
  parseStatusUids,
} from '../parse/dhcp-clients.js';
import type { DhcpClient } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runTool, whyNot } from './context.js';

export const PS_ARGV = ['ps', '-eo', 'pid=,netns=,args='] as const;
export const OWN_NETNS = '/proc/self/ns/net';

export async function probeDhcpClients(context: ProbeContext): Promise<ProbeOutcome<DhcpClient[]>> {
  const [ps, ownLink] = await Promise.all([runTool(context, PS_ARGV), context.files.readLink(OWN_NETNS)]);
  // ps missing is a fact about the host (noted); ps that ran and failed leaves the clients unknown,
  // and a plan that does not see a client on the uplink would leave it fighting the bridge.
  if (ps.notFound) return { value: [], note: `DHCP clients unknown: ${whyNot(ps)}` };
  if (!succeeded(ps)) throw new Error(whyNot(ps));
  const own = netnsInode(ownLink);
  const clients = await Promise.all(
    parsePsDhcpCandidates(ps.stdout).map(async (candidate): Promise<DhcpClient | null> => {
      const proc = `/proc/${candidate.pid}`;
      const [raw, status, exe, stat] = await Promise.all([
        context.files.readFile(`${proc}/cmdline`),
        context.files.readFile(`${proc}/status`),
        context.files.readLink(`${proc}/exe`),
        readStat(context, candidate.pid),
      ]);
      // The process may have exited between ps and this read: then it serves nothing any more.
      if (raw === null || raw === '') return null;
      const argv = parseCmdline(raw);
      const { program, ifname } = describeDhcpClient(argv);
      if (program === 'other') return null;
      const uids = parseStatusUids(status);
      return {
        pid: candidate.pid,
        program,
        argv,
        ifname,
        sameNetns: own !== null && candidate.netns === own,
        uid: uids?.uid ?? null,
        euid: uids?.euid ?? null,
        exe,
        startTime: stat === null ? null : (parseProcStat(candidate.pid, stat)?.startTime ?? null),
      };
    }),
  );
  const found = clients.filter((client): client is DhcpClient => client !== null);
  return { value: found, note: own === null ? `cannot read ${OWN_NETNS}: no client counts as ours` : null };
}

/**
 * /proc/PID/stat, for the client's start time. Recordings made before it was read lack the file:
 * there the start time is unknown (a replay is never applied, so nothing is signalled from it).
 */
async function readStat(context: ProbeContext, pid: number): Promise<string | null> {
  try {
    return await context.files.readFile(`/proc/${pid}/stat`);
  } catch (error) {
    if (error instanceof ReplayMiss) return null;
    throw error;
  }
}

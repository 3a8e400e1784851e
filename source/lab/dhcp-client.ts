import { join } from 'node:path';
import { type RunResult, succeeded } from '../system/runner.js';
import {
  type Lease,
  readLeaseRecord,
  udhcpcDaemonArgv,
  udhcpcOneShotArgv,
  writeUdhcpcScript,
} from './dhcp.js';
import type { LabProcess, ProcessTable } from './processes.js';
import type { ExecOptions } from './types.js';
import { waitFor } from './wait.js';

const LEASE_WAIT = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };
const ONE_SHOT_TIMEOUT_MS = 15_000;

export interface DhcpClientDeps {
  dir: string;
  exec(ns: string, argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  processes: ProcessTable;
}

/** udhcpc inside lab namespaces: its event script applies the lease and records it in the lab dir. */
export interface DhcpClients {
  /** One-shot udhcpc; resolves with the lease its script applied. */
  leaseOnce(ns: string, ifname: string, lifetimes?: boolean): Promise<Lease>;
  /** A udhcpc left running bound to `ifname`; resolves once its first lease is applied. */
  leaseKept(ns: string, ifname: string, lifetimes?: boolean): Promise<{ client: LabProcess; lease: Lease }>;
}

export function createDhcpClients({ dir, exec, processes }: DhcpClientDeps): DhcpClients {
  function files(ns: string, ifname: string, lifetimes: boolean) {
    const record = join(dir, `${ns}.${ifname}.lease`);
    const script = join(dir, `${ns}.${ifname}.udhcpc.sh`);
    writeUdhcpcScript(script, record, { lifetimes });
    return { record, script };
  }

  return {
    async leaseOnce(ns, ifname, lifetimes = false) {
      const { record, script } = files(ns, ifname, lifetimes);
      const result = await exec(ns, udhcpcOneShotArgv(ifname, script), {
        timeoutMs: ONE_SHOT_TIMEOUT_MS,
        check: false,
      });
      const lease = readLeaseRecord(record);
      if (!succeeded(result) || !lease) {
        throw new Error(`no DHCP lease on ${ifname} in ${ns}: ${(result.stderr || result.stdout).trim()}`);
      }
      return lease;
    },

    async leaseKept(ns, ifname, lifetimes = false) {
      const { record, script } = files(ns, ifname, lifetimes);
      const client = await processes.start(ns, udhcpcDaemonArgv(ifname, script), {
        label: `udhcpc-${ifname}`,
      });
      const lease = await waitFor(`a DHCP lease on ${ifname} in ${ns}`, LEASE_WAIT, (problem) => {
        if (client.hasExited()) throw new Error(`udhcpc exited: ${client.readLog().trim()}`);
        return readLeaseRecord(record) ?? problem(client.readLog().trim() || 'no lease yet');
      });
      return { client, lease };
    },
  };
}

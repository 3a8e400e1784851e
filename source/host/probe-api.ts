/**
 * The probe's contract, shared by the store (which shows a spinner per probe), `capture`, and the
 * benchmarks. The implementation lives in probe.ts.
 */
import type { FileReader } from '../system/files.js';
import type { Runner } from '../system/runner.js';

export interface ProbeEnv {
  /** Effective uid of the tool (root is needed to apply). */
  uid: number;
  /** $SSH_CONNECTION: "client_ip client_port server_ip server_port", or null. */
  sshConnection: string | null;
  /** Where /etc/netplan, /etc/network/interfaces etc. are read; "/" for the machine itself. */
  rootDir: string;
}

export interface ProbeDeps {
  runner: Runner;
  files: FileReader;
  env: ProbeEnv;
  /** Times the bounded wait for the uplink's IPv6 DAD (probes/dad.ts); tests pass a virtual one. */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
}

export type ProbeEvent = { name: string; state: 'running' | 'ok' | 'failed'; note?: string | null };

export type ProbeListener = (event: ProbeEvent) => void;

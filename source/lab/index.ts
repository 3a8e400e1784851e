/** The network-namespace lab: what tests, benchmarks and `bridge-migrate lab` import. */
export type { Lease } from './dhcp.js';
export { LAN } from './dhcp.js';
export { activeExitHooks } from './exit-hooks.js';
export { createLab, DEFAULT_HOST_MAC } from './lab.js';
export type { LabNames, VmNames } from './names.js';
export type { NetworkdMachine, NetworkdMachineOptions } from './networkd-machine.js';
export { startNetworkdMachine } from './networkd-machine.js';
export type { NetworkManagerMachine, NetworkManagerMachineOptions } from './networkmanager-machine.js';
export { startNetworkManagerMachine } from './networkmanager-machine.js';
export type { LabProcess, StopOutcome } from './processes.js';
export type { NetnsSnapshot } from './snapshot.js';
export { SNAPSHOT_COMMANDS, snapshotDifferences } from './snapshot.js';
export type { EchoResult, TcpSession } from './tcp-echo.js';
export type {
  ExecOptions,
  HostAddressing,
  Lab,
  LabOptions,
  LabVm,
  PingResult,
  SpawnOptions,
  StaticRoute,
  StaticRule,
  TeardownReport,
} from './types.js';
export { WaitTimedOut } from './wait.js';

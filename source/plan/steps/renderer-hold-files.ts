/**
 * The files of the renderer hold: runtime-only config, under /run, telling the renderer to keep
 * its hands off the uplink and the bridge while a migration is pending. /run is a tmpfs, so a
 * reboot drops them with everything else the pending change did ("reboot brings the old network
 * back"), and a daemon restart reads them again (which is the event they are there for).
 *
 * systemd-networkd (systemd.network(5)): all .network files from /etc, /run and /usr/lib are
 * sorted by file name, and the FIRST that matches a link configures it. netplan writes
 * /run/systemd/network/10-netplan-IF.network (checked with `netplan generate --root-dir`, netplan
 * 0.106) and deletes only its own 10-netplan-* files on the next generate, so a file named
 * "00-bridge-migrate-..." sorts before it and outlives a `netplan apply`. `Unmanaged=yes` makes
 * networkd treat the links as if no file matched: on a restart it neither takes the port out of
 * the bridge nor runs DHCP on it, and it leaves the bridge's addresses and routes alone.
 *
 * NetworkManager (NetworkManager.conf(5)): /run/NetworkManager/conf.d is read before
 * NetworkManager.conf and /etc/NetworkManager/conf.d, in name order, and later files override
 * earlier ones, so the hold APPENDS (`unmanaged-devices+=`, which NM merges for device-spec keys)
 * rather than setting the list another file may have set; `interface-name:=` matches the name
 * literally, without globbing.
 */
import { checkedName } from '../names.js';
import { UnplannableValue } from '../tokens.js';
import type { Command } from '../types.js';

export const NETWORKD_HOLD_PATH = '/run/systemd/network/00-bridge-migrate-hold.network';
export const NETWORKMANAGER_HOLD_PATH = '/run/NetworkManager/conf.d/99-bridge-migrate-hold.conf';
/** Config files are read by daemons that do not run as root (networkd runs as systemd-network). */
export const HOLD_FILE_MODE = 0o644;

/**
 * Makes networkd read its .network files again (over D-Bus: no systemd as PID 1 needed). It
 * reconfigures only the links whose matching file changed (manager_reload → link_reconfigure with
 * force=false), so a link networkd already configures from an unchanged file is left alone.
 */
export const NETWORKCTL_RELOAD: readonly string[] = ['networkctl', 'reload'];

/**
 * The daemon a revert command hands the uplink back to, when that is all the command does, else
 * null: today `networkctl reload` (the hold's inverse, renderer-hold.ts). The revert treats its
 * failure apart from the others (txn/engine/revert.ts): the links, addresses and routes it puts back
 * do not depend on it and are compared as always, and the bus that refused a hand-over (persist)
 * must not turn a complete revert into an incomplete one; it is reported as not done, with the
 * commands to run once the daemon answers.
 */
export function handBackDaemon(command: Command): string | null {
  if (
    command.kind === 'exec' &&
    command.argv.length === NETWORKCTL_RELOAD.length &&
    command.argv.every((arg, i) => arg === NETWORKCTL_RELOAD[i])
  )
    return 'systemd-networkd';
  return null;
}

export interface HoldFile {
  path: string;
  content: string;
}

/** networkd's Name= takes globs (fnmatch) and a leading "!" negates: such a name is refused. */
export function literalNetworkdName(name: string): string {
  checkedName(name);
  if (/[*?[\]]/.test(name) || name.startsWith('!'))
    throw new UnplannableValue('interface name for a networkd Name= match', name);
  return name;
}

/** NM splits device specs on "," and ";" (nm_match_spec_split); "=" prefixed names are literal. */
function literalNmName(name: string): string {
  checkedName(name);
  if (/[,;]/.test(name)) throw new UnplannableValue('interface name for a NetworkManager device spec', name);
  return name;
}

export function networkdHoldFile(nic: string, bridge: string): HoldFile {
  const names = [literalNetworkdName(nic), literalNetworkdName(bridge)];
  return {
    path: NETWORKD_HOLD_PATH,
    content: [
      `# bridge-migrate: ${nic} is moving into ${bridge} and the change is not confirmed yet.`,
      '# systemd-networkd leaves both alone until it is confirmed or reverted; this runtime file',
      '# is removed then, and is gone after a reboot anyway.',
      '[Match]',
      `Name=${names.join(' ')}`,
      '',
      '[Link]',
      'Unmanaged=yes',
      '',
    ].join('\n'),
  };
}

export function networkManagerHoldFile(nic: string, bridge: string): HoldFile {
  const specs = [literalNmName(nic), literalNmName(bridge)].map((name) => `interface-name:=${name}`);
  return {
    path: NETWORKMANAGER_HOLD_PATH,
    content: [
      `# bridge-migrate: ${nic} is moving into ${bridge} and the change is not confirmed yet.`,
      '# NetworkManager leaves both alone until it is confirmed or reverted; this runtime file',
      '# is removed then, and is gone after a reboot anyway.',
      '[keyfile]',
      `unmanaged-devices+=${specs.join(';')}`,
      '',
    ].join('\n'),
  };
}

export function writeHoldFile(file: HoldFile): Command {
  return { kind: 'write-file', path: file.path, content: file.content, mode: HOLD_FILE_MODE };
}

export function removeHoldFile(file: HoldFile): Command {
  return { kind: 'remove-file', path: file.path };
}

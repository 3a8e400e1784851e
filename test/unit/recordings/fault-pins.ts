/**
 * What each damaged recording (recordings/faults/*.json: the lab-dhcp-host capture with one tool
 * output damaged, see recordings/compose/derive-faults.mjs) must yield: the one probe that fails,
 * its note, and the one blocker that names it. A new file there needs its entry here.
 *
 * `{json}` in a note or reason stands for the error JSON.parse gives for the damaged output of
 * `jsonOf`, which is V8's wording and differs between Node versions.
 */
export interface FaultPin {
  probe: string;
  note: string;
  /** The blocker's reason; its id is probe-failed-PROBE. */
  reason: string;
  /** The command(s) the fix tells the operator to run. */
  run: string;
  /** The command whose cut-short JSON the note quotes the parse error of. */
  jsonOf?: string;
}

const FIX_TAIL =
  'on the host to see why, fix what it reports (or report its output if it looks valid), then plan again.';

export function fixOf(pin: FaultPin): string {
  return `Run ${pin.run} ${FIX_TAIL}`;
}

const ADDRESSES_STAKE = 'so the addresses the cutover must move are unknown.';
const FIREWALL_STAKE = 'so NAT rules for the bridge and a FORWARD DROP policy are unknown.';
const FIREWALL_RUN = '`iptables-save` and `nft -j list ruleset`';

export const FAULT_PINS: Record<string, FaultPin> = {
  'fault-truncated-ip-rule': {
    probe: 'rules',
    note: 'could not parse ip -4 -j rule: {json}',
    reason:
      'The rules probe failed (could not parse ip -4 -j rule: {json}), so policy rules that name the uplink would not be moved.',
    run: '`ip -4 -j rule show`',
    jsonOf: 'ip -4 -j rule show',
  },
  'fault-ps-exit-1': {
    probe: 'dhcp-clients',
    note: 'ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self',
    reason:
      'The dhcp-clients probe failed (ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self), so a DHCP client on the uplink would not be stopped and would fight the bridge for the lease.',
    run: '`ps -eo pid=,netns=,args=`',
  },
  'fault-unparsable-nft': {
    probe: 'firewall',
    note: 'could not parse nft -j list ruleset: {json}',
    reason: `The firewall probe failed (could not parse nft -j list ruleset: {json}), ${FIREWALL_STAKE}`,
    run: FIREWALL_RUN,
    jsonOf: 'nft -j list ruleset',
  },
  'fault-unparsable-iptables': {
    probe: 'firewall',
    note: 'could not parse iptables-save: table nat has no COMMIT (cut short?)',
    reason: `The firewall probe failed (could not parse iptables-save: table nat has no COMMIT (cut short?)), ${FIREWALL_STAKE}`,
    run: FIREWALL_RUN,
  },
  'fault-bad-prefix-length': {
    probe: 'addresses',
    note: 'ip -j addr: ens18 address 198.51.100.240/99: prefix length 99 is not 0–32',
    reason: `The addresses probe failed (ip -j addr: ens18 address 198.51.100.240/99: prefix length 99 is not 0–32), ${ADDRESSES_STAKE}`,
    run: '`ip -j address show`',
  },
  'fault-non-ip-address': {
    probe: 'addresses',
    note: 'ip -j addr: ens18 address 198.51.100.2400/24: "198.51.100.2400" is not an IPv4 address',
    reason: `The addresses probe failed (ip -j addr: ens18 address 198.51.100.2400/24: "198.51.100.2400" is not an IPv4 address), ${ADDRESSES_STAKE}`,
    run: '`ip -j address show`',
  },
  'fault-non-numeric-mtu': {
    probe: 'links',
    note: 'ip -j -d link: ens18: mtu "1500" is not a whole number of bytes',
    reason:
      'The links probe failed (ip -j -d link: ens18: mtu "1500" is not a whole number of bytes), so the host\'s interfaces are unknown.',
    run: '`ip -j -d link show`',
  },
};

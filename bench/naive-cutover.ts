/**
 * The baseline the tool is measured against: the cutover as a hand-written script does it (the
 * `fc-bridge-physical.sh` of the original plan, and its fallback section for the way back). One
 * `ip` process per step, run by a shell, and the address deleted from the uplink before it is
 * added to the bridge — so between those two lines the host has no address at all, and deleting
 * it also takes the default route with it.
 *
 * The script text is fixed; names and addresses reach it only as positional parameters ($1…),
 * never spliced into it.
 */
import { LAN, type Lab } from '../source/lab/index.js';
import { checkedName } from '../source/plan/names.js';

const NAIVE_APPLY = `set -eu
br=$1 nic=$2 addr=$3 gw=$4
ip link add "$br" type bridge
ip link set "$br" up
ip link set "$nic" master "$br"
ip addr del "$addr" dev "$nic"
ip addr add "$addr" dev "$br"
ip route add default via "$gw" dev "$br"
`;

const NAIVE_REVERT = `set -eu
br=$1 nic=$2 addr=$3 gw=$4
ip link set "$nic" nomaster
ip link del "$br"
ip addr add "$addr" dev "$nic"
ip route add default via "$gw" dev "$nic"
`;

export interface NaiveTarget {
  bridge: string;
  nic: string;
  /** CIDR, e.g. 198.51.100.240/24. */
  address: string;
  gateway: string;
}

export function naiveTarget(lab: Lab, bridge: string): NaiveTarget {
  return {
    bridge: checkedName(bridge),
    nic: checkedName(lab.uplink),
    address: `${lab.hostAddress}/${LAN.prefixLength}`,
    gateway: lab.gateway,
  };
}

export async function naiveApply(lab: Lab, target: NaiveTarget): Promise<void> {
  await runScript(lab, NAIVE_APPLY, target);
}

export async function naiveRevert(lab: Lab, target: NaiveTarget): Promise<void> {
  await runScript(lab, NAIVE_REVERT, target);
}

async function runScript(lab: Lab, script: string, target: NaiveTarget): Promise<void> {
  await lab.exec(
    lab.ns.host,
    ['/bin/sh', '-c', script, 'naive', target.bridge, target.nic, target.address, target.gateway],
    { timeoutMs: 10_000 },
  );
}

/**
 * The before/after picture as plain lines: each device with its addresses, ports drawn under
 * the bridge (or bond) they belong to. Shared by the preview and `plan` text output.
 */
import type { DhcpLease } from '../host/snapshot.js';
import type { TopologyNode } from '../plan/types.js';
import type { Glyphs } from './glyphs.js';

/**
 * `compact` (the 80-column preview) drops the role tags the tree already shows and shortens the
 * default-route mark; the plain-text plan keeps them.
 */
export function topologyLines(nodes: readonly TopologyNode[], glyphs: Glyphs, compact = false): string[] {
  const names = new Set(nodes.map((node) => node.name));
  const isTopLevel = (node: TopologyNode) => node.master === null || !names.has(node.master);
  const lines: string[] = [];
  for (const node of nodes.filter(isTopLevel)) {
    lines.push(glyphs.text(describe(node, names, compact)));
    if (node.lease) lines.push(glyphs.text(`  ${leaseLine(node.lease, glyphs, compact)}`));
    for (const port of nodes.filter((candidate) => candidate.master === node.name)) {
      lines.push(glyphs.text(`  ${glyphs.branch} ${describe(port, names, compact)}`));
    }
  }
  return lines.length > 0 ? lines : ['(no devices)'];
}

const IMPLIED_BY_TREE = new Set<TopologyNode['role']>(['uplink', 'bridge', 'port']);

function describe(node: TopologyNode, shown: ReadonlySet<string>, compact: boolean): string {
  const parts = [compact && IMPLIED_BY_TREE.has(node.role) ? node.name : `${node.name} [${node.role}]`];
  if (node.addresses.length > 0) parts.push(node.addresses.join(' '));
  if (node.defaultRoute) parts.push(compact ? 'default' : 'default route');
  if (node.master !== null && !shown.has(node.master)) parts.push(`master ${node.master}`);
  return parts.join(' ');
}

/** Client ids longer than this many bytes are cut in the 80-column preview (a DUID runs to 20). */
const COMPACT_ID_BYTES = 7;

/**
 * "lease: client id 01:02:62:6d:00:00:18, udhcpc's default, ends 14:32 UTC": the identity the
 * uplink's lease was obtained with and where it was read, so the operator can check it is the one
 * the bridge will renew with. Host text (the file path) is escaped by the caller's glyphs.text.
 */
export function leaseLine(lease: DhcpLease, glyphs: Glyphs, compact = false): string {
  const bytes = lease.clientId?.split(':') ?? [];
  const id =
    lease.clientId === null
      ? 'no client id (the server keys it by MAC)'
      : `client id ${compact && bytes.length > COMPACT_ID_BYTES ? `${bytes.slice(0, COMPACT_ID_BYTES).join(':')}${glyphs.ellipsis}` : lease.clientId}`;
  const from =
    lease.source === 'client-default'
      ? `${lease.client}'s default`
      : lease.source === 'argv'
        ? `from ${lease.client}'s arguments`
        : `from ${lease.file ?? lease.client}`;
  const parts = [`lease: ${id}`, from];
  if (lease.expiresAt !== null) {
    const iso = new Date(lease.expiresAt).toISOString();
    parts.push(`ends ${compact ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`} UTC`);
  }
  return parts.join(', ');
}

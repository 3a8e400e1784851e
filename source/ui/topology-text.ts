/**
 * The before/after picture as plain lines: each device with its addresses, ports drawn under
 * the bridge (or bond) they belong to. Shared by the preview and `plan` text output.
 */
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

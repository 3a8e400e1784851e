/** The renderer that writes each --persist choice; null where this version has none yet. */
import type { Plan } from '../../plan/types.js';
import { ifupdownRenderer } from './ifupdown-renderer.js';
import { netplanRenderer } from './netplan-renderer.js';
import { networkManagerRenderer } from './networkmanager-renderer.js';
import type { PersistRenderer } from './persist-renderer.js';

const RENDERERS: Partial<Record<Plan['persistWith'], PersistRenderer>> = {
  netplan: netplanRenderer,
  ifupdown: ifupdownRenderer,
  networkmanager: networkManagerRenderer,
};

export function persistRendererFor(persistWith: Plan['persistWith']): PersistRenderer | null {
  return RENDERERS[persistWith] ?? null;
}

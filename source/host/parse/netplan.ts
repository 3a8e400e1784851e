/**
 * netplan YAML: which file configures an interface, how, and with which renderer.
 *
 * netplan reads *.yaml from /lib/netplan, /etc/netplan and /run/netplan; a file in /run shadows one
 * of the same name in /etc, which shadows /lib; the survivors are read in lexical order of their
 * names, later ones amending earlier ones (netplan(5), "General structure"). A stanza's ID is the
 * interface name unless it has `match:` (then the ID is only a label and `match` selects the
 * device, by name glob, MAC or driver). cloud-init writes 50-cloud-init.yaml with a header saying
 * it will be regenerated.
 *
 * Scalars are read with the YAML 1.2 core schema, so a MAC address stays a string (YAML 1.1 would
 * read 12:34:56 as a base-60 number) and "yes" stays "yes"; netplanTrue() reads booleans the way
 * netplan does.
 */
import { parse } from 'yaml';
import type { NetplanFile } from '../snapshot.js';
import { globMatches } from './glob.js';
import { isObject, type JsonObject } from './json-fields.js';

export const NETPLAN_DIRS: readonly string[] = ['/lib/netplan', '/etc/netplan', '/run/netplan'];

/** Sections whose stanzas can carry an uplink's addresses. */
const DEVICE_SECTIONS = ['ethernets', 'bonds', 'vlans', 'bridges', 'wifis', 'vrfs'] as const;

export type NetplanRenderer = 'networkd' | 'NetworkManager';

export interface LinkIdentity {
  name: string;
  mac: string | null;
  permanentMac: string | null;
  driver: string | null;
}

export interface NetplanStanza {
  section: string;
  id: string;
  /** Last file that defines this stanza: the one to edit. */
  file: string;
  files: string[];
  /** The stanza merged across files. */
  config: JsonObject;
  renderer: NetplanRenderer;
  /** How it names the interface: its ID, `match:` rules, or `set-name`. */
  via: 'id' | 'match' | 'set-name';
}

/** Effective file paths in netplan's reading order, from each directory's listing (null = absent). */
export function netplanFileOrder(listings: Record<string, string[] | null>): string[] {
  const byName = new Map<string, string>();
  for (const dir of NETPLAN_DIRS) {
    for (const name of listings[dir] ?? []) {
      if (name.endsWith('.yaml')) byName.set(name, `${dir}/${name}`);
    }
  }
  return [...byName.keys()].sort().map((name) => byName.get(name) as string);
}

export function isCloudInitFile(path: string, content: string): boolean {
  if (/(^|\/)50-cloud-init(\.yaml|\.cfg)?$/.test(path)) return true;
  const header = content.split('\n').filter((line) => line.trimStart().startsWith('#'));
  return header.some((line) => /cloud-init/i.test(line));
}

/** The `network:` mapping of a file, or an error message when it is not valid YAML. */
export function netplanNetwork(content: string): { network: JsonObject | null; error: string | null } {
  try {
    const document = parse(content);
    if (document === null || document === undefined) return { network: null, error: null };
    if (!isObject(document)) return { network: null, error: 'top level is not a mapping' };
    return { network: isObject(document.network) ? document.network : null, error: null };
  } catch (error) {
    return { network: null, error: (error as Error).message.split('\n')[0] ?? 'invalid YAML' };
  }
}

export function netplanTrue(value: unknown): boolean {
  return (
    value === true || (typeof value === 'string' && ['true', 'yes', 'on', 'y'].includes(value.toLowerCase()))
  );
}

/** The stanza configuring `link`, merged over all files, or null when no file names it. */
export function findNetplanStanza(files: NetplanFile[], link: LinkIdentity): NetplanStanza | null {
  // Stanzas naming the link, merged per section and ID; the last one named wins.
  const merged = new Map<string, Omit<NetplanStanza, 'renderer'>>();
  let lastKey: string | null = null;
  // Renderers are resolved after merging, like netplan: stanza, then its section, then global.
  const sectionRenderer = new Map<string, NetplanRenderer>();
  for (const file of files) {
    const { network } = netplanNetwork(file.content);
    if (!network) continue;
    for (const section of DEVICE_SECTIONS) {
      const devices = network[section];
      if (!isObject(devices)) continue;
      const declared = rendererName(devices.renderer);
      if (declared) sectionRenderer.set(section, declared);
      for (const [id, stanza] of Object.entries(devices)) {
        if (id === 'renderer' || !isObject(stanza)) continue;
        const via = namesLink(id, stanza, link);
        if (!via) continue;
        const key = `${section}/${id}`;
        const previous = merged.get(key);
        merged.set(key, {
          section,
          id,
          file: file.path,
          files: previous ? [...previous.files, file.path] : [file.path],
          config: previous ? mergeMappings(previous.config, stanza) : stanza,
          via,
        });
        lastKey = key;
      }
    }
  }
  const found = lastKey ? merged.get(lastKey) : undefined;
  if (!found) return null;
  const renderer =
    rendererName(found.config.renderer) ??
    sectionRenderer.get(found.section) ??
    netplanGlobalRenderer(files) ??
    'networkd';
  return { ...found, renderer };
}

/** The renderer netplan files declare globally (the last one read wins), or null. */
export function netplanGlobalRenderer(files: NetplanFile[]): NetplanRenderer | null {
  let renderer: NetplanRenderer | null = null;
  for (const file of files) {
    const { network } = netplanNetwork(file.content);
    if (network) renderer = rendererName(network.renderer) ?? renderer;
  }
  return renderer;
}

/** Bridges and bonds whose `interfaces:` list the interface (the uplink is already a port). */
export function netplanPortOf(files: NetplanFile[], ifname: string): Array<{ id: string; file: string }> {
  const owners: Array<{ id: string; file: string }> = [];
  for (const file of files) {
    const { network } = netplanNetwork(file.content);
    for (const section of ['bridges', 'bonds'] as const) {
      const devices = network?.[section];
      if (!isObject(devices)) continue;
      for (const [id, stanza] of Object.entries(devices)) {
        const ports = isObject(stanza) && Array.isArray(stanza.interfaces) ? stanza.interfaces : [];
        if (ports.includes(ifname)) owners.push({ id, file: file.path });
      }
    }
  }
  return owners;
}

function namesLink(id: string, stanza: JsonObject, link: LinkIdentity): NetplanStanza['via'] | null {
  const match = stanza.match;
  if (!isObject(match)) return id === link.name ? 'id' : null;
  if (stanza['set-name'] === link.name && matchesRules(match, link)) return 'set-name';
  return matchesRules(match, link) ? 'match' : null;
}

/** Every rule given in `match:` must hold (netplan ANDs them). */
function matchesRules(match: JsonObject, link: LinkIdentity): boolean {
  const rules = Object.entries(match);
  if (rules.length === 0) return false;
  return rules.every(([key, value]) => {
    if (key === 'name') return typeof value === 'string' && globMatches(value, link.name);
    if (key === 'macaddress') {
      // networkd compares with the permanent MAC; iproute2 shows permaddr only when it differs.
      const mac = (link.permanentMac ?? link.mac)?.toLowerCase();
      return typeof value === 'string' && value.toLowerCase() === mac;
    }
    if (key === 'driver') {
      const patterns = Array.isArray(value) ? value : [value];
      return (
        link.driver !== null &&
        patterns.some((pattern) => typeof pattern === 'string' && globMatches(pattern, link.driver as string))
      );
    }
    return false;
  });
}

function rendererName(value: unknown): NetplanRenderer | null {
  if (value === 'networkd' || value === 'NetworkManager') return value;
  return null;
}

/** netplan merges mappings key by key; a later scalar or list replaces the earlier one. */
function mergeMappings(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = merged[key];
    merged[key] = isObject(previous) && isObject(value) ? mergeMappings(previous, value) : value;
  }
  return merged;
}

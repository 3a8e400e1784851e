/**
 * /etc/network/interfaces (interfaces(5), ifupdown and ifupdown2): "iface NAME inet|inet6 METHOD"
 * stanzas with indented options, "auto"/"allow-*" lines, and "source GLOB" / "source-directory DIR"
 * lines that pull in more files. A line ending in "\" continues on the next one.
 */
import { posix } from 'node:path';

export interface IfaceStanza {
  name: string;
  family: string;
  method: string;
  options: Array<[string, string]>;
}

export interface InterfacesFile {
  stanzas: IfaceStanza[];
  auto: string[];
  sources: Array<{ kind: 'source' | 'source-directory'; path: string }>;
}

const PORT_OPTIONS = new Set(['bridge_ports', 'bridge-ports', 'bond-slaves', 'bond_slaves', 'slaves']);

export function parseInterfaces(text: string): InterfacesFile {
  const result: InterfacesFile = { stanzas: [], auto: [], sources: [] };
  let current: IfaceStanza | null = null;
  for (const line of logicalLines(text)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword === 'iface') {
      const [name = '', family = '', method = ''] = rest;
      current = { name, family, method, options: [] };
      result.stanzas.push(current);
    } else if (keyword === 'auto' || keyword.startsWith('allow-')) {
      result.auto.push(...rest);
      current = null;
    } else if (keyword === 'source' || keyword === 'source-directory') {
      if (rest[0]) result.sources.push({ kind: keyword, path: rest.join(' ') });
      current = null;
    } else if (keyword === 'mapping' || keyword === 'no-auto-down' || keyword === 'no-scripts') {
      current = null;
    } else if (current) {
      current.options.push([keyword, rest.join(' ')]);
    }
  }
  return result;
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const trimmed = raw.trim();
    if (pending === '' && trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }
    const line = (pending + trimmed).trim();
    pending = '';
    if (line !== '') lines.push(line);
  }
  if (pending.trim() !== '') lines.push(pending.trim());
  return lines;
}

/**
 * A relative `source` path is taken relative to the directory of the file naming it (ifupdown2
 * does this; Debian's ifupdown documents absolute paths, so both agree on those).
 */
export function resolveSourcePath(path: string, fromFile: string): string {
  return posix.isAbsolute(path) ? posix.normalize(path) : posix.join(posix.dirname(fromFile), path);
}

/** source-directory includes files named like run-parts(8) accepts: letters, digits, "_" and "-". */
export function sourceDirectoryIncludes(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

/** The method ("dhcp", "static", "manual", ...) of the interface's inet stanza, else its inet6 one. */
export function ifupdownMethod(files: InterfacesFile[], ifname: string): string | null {
  const stanzas = files.flatMap((file) => file.stanzas).filter((stanza) => stanza.name === ifname);
  const inet = stanzas.filter((stanza) => stanza.family === 'inet').at(-1);
  return (inet ?? stanzas.at(-1))?.method ?? null;
}

/** Stanzas (bridges, bonds) that list the interface among their ports. */
export function ifupdownPortOf(files: InterfacesFile[], ifname: string): string[] {
  const owners = new Set<string>();
  for (const stanza of files.flatMap((file) => file.stanzas)) {
    for (const [key, value] of stanza.options) {
      if (PORT_OPTIONS.has(key) && value.split(/\s+/).includes(ifname)) owners.add(stanza.name);
    }
  }
  return [...owners];
}

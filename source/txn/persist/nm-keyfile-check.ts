/**
 * Reading what `nmcli --offline connection modify` made of a keyfile. NetworkManager 1.42 has
 * `--offline` (no daemon): it reads a keyfile on stdin, checks the profile and prints it back
 * normalised. It fails on what makes the profile invalid (a bad UUID, "method=bogus", a line that
 * is not key=value), but a value it cannot parse for one key is dropped with no error and exit 0
 * (seen: bridge "forward-delay=99", "stp=maybe" vanished from the output). So the output is read
 * back too: every key the file sets must still be there, except where NM omits a value because it
 * is the default (then the file said what NM does anyway).
 */

export type KeyfileEntries = Map<string, string>;

/** "section.key" → value for every key=value line of a keyfile (comments and blanks skipped). */
export function keyfileEntries(text: string): KeyfileEntries {
  const entries: KeyfileEntries = new Map();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    entries.set(`${section}.${line.slice(0, equals).trim()}`, line.slice(equals + 1).trim());
  }
  return entries;
}

/** Values NetworkManager leaves out of a normalised keyfile because they are its defaults. */
const NM_DEFAULTS: Readonly<Record<string, string>> = {
  'connection.autoconnect': 'true',
};

/** The keys of `written` that NetworkManager's normalised `normalised` no longer has, as "section.key=value". */
export function keysNmDropped(written: string, normalised: string): string[] {
  const kept = keyfileEntries(normalised);
  const dropped: string[] = [];
  for (const [key, value] of keyfileEntries(written)) {
    if (kept.has(key)) continue;
    if (NM_DEFAULTS[key] === value.toLowerCase()) continue;
    dropped.push(`${key}=${value}`);
  }
  return dropped;
}

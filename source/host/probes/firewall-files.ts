/**
 * The firewall files the host loads at boot, read so that NAT removed at runtime can also leave
 * them (plan/persist/firewall.ts): otherwise a reboot brings the MASQUERADE rules back.
 * - /etc/iptables/rules.v4: what netfilter-persistent (iptables-persistent) restores with
 *   `iptables-restore`. Its IPv6 twin rules.v6 is not read: the NAT step removes IPv4 iptables
 *   rules only (iptables-save is probed, ip6tables-save is not), so there is nothing to take out
 *   of it.
 * - /etc/nftables.conf: what nftables.service loads with `nft -f`. Files it `include`s are not
 *   read (the planner says so when a rule it removes is not in the main file).
 *
 * Every file is hostile input: read with a byte cap; a symlink (the persist transaction writes
 * through no link, config-files.ts), a file over the cap, or bytes that are not UTF-8 text come
 * back without content and with the reason, never a guess. A recording made before these files
 * were read cannot answer for them: the field is then left out, not invented.
 */
import { ReplayMiss } from '../../system/capture.js';
import type { PersistedFirewallFile } from '../snapshot.js';
import { configPath, type ProbeContext } from './context.js';

export const PERSISTED_FIREWALL_FILES: ReadonlyArray<Pick<PersistedFirewallFile, 'path' | 'format'>> = [
  { path: '/etc/iptables/rules.v4', format: 'iptables-save' },
  { path: '/etc/nftables.conf', format: 'nft' },
];

/**
 * Both files go into the journal's plan three times (before, after, diff); a large host firewall
 * is a few hundred kilobytes, and the journal is capped at 8 MiB (journal.ts MAX_JOURNAL_BYTES).
 */
export const FIREWALL_FILE_MAX_BYTES = 1024 * 1024;

export async function readPersistedFirewall(
  context: ProbeContext,
): Promise<PersistedFirewallFile[] | undefined> {
  try {
    const files = await Promise.all(PERSISTED_FIREWALL_FILES.map((file) => readOne(context, file)));
    return files.filter((file): file is PersistedFirewallFile => file !== null);
  } catch (error) {
    if (error instanceof ReplayMiss) return undefined;
    throw error;
  }
}

async function readOne(
  context: ProbeContext,
  file: Pick<PersistedFirewallFile, 'path' | 'format'>,
): Promise<PersistedFirewallFile | null> {
  const path = configPath(context, file.path);
  const content = await context.files.readFile(path, { maxBytes: FIREWALL_FILE_MAX_BYTES });
  if (content === null) return null;
  const problem = await whyNotEditable(context, path, content);
  return problem === null ? { ...file, content } : { ...file, content: null, problem };
}

async function whyNotEditable(context: ProbeContext, path: string, content: string): Promise<string | null> {
  if ((await context.files.readLink(path)) !== null) return 'it is a symbolic link';
  if (Buffer.byteLength(content) > FIREWALL_FILE_MAX_BYTES)
    return `it is larger than ${FIREWALL_FILE_MAX_BYTES} bytes`;
  // U+FFFD is what UTF-8 decoding made of bytes that are not UTF-8: writing the text back would not
  // give the same bytes. NUL and other control characters (tab, CR, LF aside) are not a rules file.
  if (/[\uFFFD\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(content)) return 'it is not plain text';
  return null;
}

/**
 * The two facts the ifupdown handover needs from ISC dhclient's lease files
 * (/var/lib/dhcp/dhclient.IFACE.leases, dhclient.leases(5)): the `default-duid` line, and the
 * lease time of the newest lease for an address. Both files are the host's, so both are read as
 * hostile text: a DUID line is copied only in the exact form dhclient writes it (a quoted string
 * of printable characters and octal escapes), and a lease time only as digits.
 */

/** `default-duid "\000\001…";` as dhclient writes it (non-printable bytes as \ooo escapes). */
const DUID_LINE = /^default-duid "(?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\[0-7]{3}|\\["\\])+";$/m;

export function defaultDuidLine(text: string): string | null {
  return DUID_LINE.exec(text)?.[0] ?? null;
}

/**
 * The `option dhcp-lease-time` of the last lease block that names `address` — the newest, since
 * dhclient appends each lease it binds — or null when no block does.
 */
export function leaseSecondsFor(text: string, address: string): number | null {
  let seconds: number | null = null;
  for (const block of text.split(/^lease \{$/m).slice(1)) {
    const body = block.split(/^\}$/m)[0] ?? '';
    if (!body.split('\n').some((line) => line.trim() === `fixed-address ${address};`)) continue;
    const time = /^\s*option dhcp-lease-time (\d{1,10});$/m.exec(body);
    seconds = time ? Number(time[1]) : null;
  }
  return seconds;
}

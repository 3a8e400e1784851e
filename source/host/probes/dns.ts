/**
 * DNS servers the host uses. /etc/resolv.conf is read as the running system sees it (not under
 * --root-dir: it is the live resolver, used by the DNS check after the cutover). When it points
 * only at systemd-resolved's stub, the upstream servers are in /run/systemd/resolve/resolv.conf.
 */
import { onlyResolvedStub, parseResolvConf } from '../parse/resolv-conf.js';
import type { Dns } from '../snapshot.js';
import type { ProbeContext, ProbeOutcome } from './context.js';

export const RESOLV_CONF = '/etc/resolv.conf';
export const RESOLVED_UPSTREAM = '/run/systemd/resolve/resolv.conf';

export async function probeDns(context: ProbeContext): Promise<ProbeOutcome<Dns>> {
  const text = await context.files.readFile(RESOLV_CONF);
  if (text === null)
    return { value: { nameservers: [], search: [], source: null }, note: `no ${RESOLV_CONF}` };
  const conf = parseResolvConf(text);
  if (onlyResolvedStub(conf)) {
    const upstream = await context.files.readFile(RESOLVED_UPSTREAM);
    const real = upstream === null ? null : parseResolvConf(upstream);
    if (real && real.nameservers.length > 0) {
      return { value: { ...real, source: RESOLVED_UPSTREAM }, note: null };
    }
    return {
      value: { ...conf, source: RESOLV_CONF },
      note: `systemd-resolved stub without upstream servers in ${RESOLVED_UPSTREAM}`,
    };
  }
  return { value: { ...conf, source: RESOLV_CONF }, note: null };
}

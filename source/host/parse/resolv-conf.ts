/**
 * resolv.conf(5): "nameserver ADDR" lines, and "search"/"domain" (the last of the two wins, as in
 * glibc). Comments start with "#" or ";".
 */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
}

/**
 * systemd-resolved's stub listeners. When resolv.conf only points there, the real upstream servers
 * are in /run/systemd/resolve/resolv.conf.
 */
export const RESOLVED_STUBS: readonly string[] = ['127.0.0.53', '127.0.0.54'];

export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, ...values] = line.split(/\s+/);
    if (keyword === 'nameserver' && values[0]) nameservers.push(values[0]);
    else if (keyword === 'search') search = values;
    else if (keyword === 'domain' && values[0]) search = [values[0]];
  }
  return { nameservers, search };
}

export function onlyResolvedStub(conf: ResolvConf): boolean {
  return conf.nameservers.length > 0 && conf.nameservers.every((server) => RESOLVED_STUBS.includes(server));
}

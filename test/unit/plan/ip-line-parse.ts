/**
 * The words of `ip addr add|del` and `ip route` lines as the kernel model reads them, strictly: an
 * unknown token is an error, so a malformed line cannot pass a test.
 */
import { networkOf, parsePrefix } from '../../../source/system/ip-math.js';

export interface ModelAddress {
  dev: string;
  family: 4 | 6;
  local: string;
  prefixlen: number;
  peer: string | null;
  /** Everything else given on `addr add`, as "key value" strings, sorted. */
  attributes: string[];
}

export interface ModelRoute {
  family: 4 | 6;
  table: string;
  dst: string;
  metric: number;
  /** All other route attributes, device names included, in command order. */
  attributes: string[];
  devs: string[];
  gateways: string[];
  onlink: boolean;
}

export class ModelError extends Error {}

export const fail = (message: string): never => {
  throw new ModelError(message);
};

const ADDRESS_VALUE_KEYS = new Set(['broadcast', 'label', 'scope', 'metric', 'valid_lft', 'preferred_lft']);
const ADDRESS_FLAGS = new Set(['home', 'mngtmpaddr', 'nodad', 'optimistic', 'noprefixroute', 'autojoin']);

export function parseAddressAdd(tokens: string[]): {
  address: Omit<ModelAddress, 'attributes'>;
  attributes: string[];
} {
  const [first = '', ...rest] = tokens;
  const [local = '', length] = first.split('/');
  let peer: string | null = null;
  let prefixlen = length === undefined ? -1 : Number(length);
  let index = 0;
  if (rest[0] === 'peer') {
    const [peerAddress = '', peerLength = ''] = (rest[1] ?? '').split('/');
    peer = peerAddress;
    prefixlen = Number(peerLength);
    index = 2;
  }
  const family = local.includes(':') ? 6 : 4;
  const attributes: string[] = [];
  let dev = '';
  while (index < rest.length) {
    const token = rest[index] as string;
    if (token === 'dev') dev = rest[++index] ?? fail('dev without name');
    else if (ADDRESS_VALUE_KEYS.has(token))
      attributes.push(`${token} ${rest[++index] ?? fail(`${token} without value`)}`);
    else if (ADDRESS_FLAGS.has(token)) attributes.push(token);
    else fail(`unknown addr token ${token}`);
    index++;
  }
  if (prefixlen < 0) prefixlen = family === 4 ? 32 : 128;
  return { address: { dev, family, local, prefixlen, peer }, attributes };
}

export function parseRoute(tokens: string[]): ModelRoute {
  const types = new Set([
    'local',
    'blackhole',
    'unreachable',
    'prohibit',
    'broadcast',
    'multicast',
    'anycast',
  ]);
  let index = 0;
  const attributes: string[] = [];
  if (types.has(tokens[0] as string)) attributes.push(`type ${tokens[index++]}`);
  const dstText = tokens[index++] ?? fail('route without dst');
  const family: 4 | 6 =
    dstText.includes(':') || tokens.some((token) => token.includes(':') && !token.includes('/')) ? 6 : 4;
  const prefix =
    parsePrefix(dstText === 'default' ? 'default' : dstText, family) ?? fail(`bad dst ${dstText}`);
  let table = 'main';
  let metric = family === 4 ? 0 : 1024;
  const devs: string[] = [];
  const gateways: string[] = [];
  let onlink = false;
  while (index < tokens.length) {
    const token = tokens[index] as string;
    const value = () => tokens[++index] ?? fail(`${token} without value`);
    if (token === 'via') gateways.push(value());
    else if (token === 'dev') devs.push(value());
    else if (token === 'table') table = value();
    else if (token === 'metric') metric = Number(value());
    else if (token === 'proto' || token === 'scope' || token === 'src' || token === 'weight')
      attributes.push(`${token} ${value()}`);
    else if (token === 'onlink') onlink = true;
    else if (token === 'nexthop') attributes.push('nexthop');
    else fail(`unknown route token ${token}`);
    if (token === 'via' || token === 'dev') attributes.push(`${token} ${tokens[index]}`);
    index++;
  }
  const dst = `${networkText(prefix.address, prefix.prefixlen)}`;
  return { family, table, dst, metric, attributes, devs, gateways, onlink };
}

export function networkText(address: string, prefixlen: number): string {
  return `${networkOf(address, prefixlen).toString(16)}/${prefixlen}`;
}

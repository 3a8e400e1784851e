/**
 * Interface names reach `ip` argv and batch files, so each one is validated before use. Linux
 * (net/core/dev.c dev_valid_name) allows 1–15 bytes (IFNAMSIZ 16 with the NUL), not "." or "..",
 * and no "/", ":" or whitespace. We are stricter about what a batch line may contain: a name with
 * a quote or backslash would need escaping in `ip -batch`, so it is refused too.
 */
import { IP_FORBIDDEN_TOKENS } from './ip-keywords.js';

const IFNAMSIZ = 16;

export function interfaceNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (Buffer.byteLength(name, 'utf8') > IFNAMSIZ - 1)
    return `is ${Buffer.byteLength(name, 'utf8')} bytes long; Linux allows at most 15`;
  if (name === '.' || name === '..') return 'is "." or ".."';
  if (/[/:]/.test(name)) return 'contains "/" or ":"';
  if (/\s/.test(name)) return 'contains whitespace';
  if (/["'\\#]/.test(name)) return 'contains a quote, backslash or "#"';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character';
  return null;
}

/**
 * A bridge is a name this tool makes up, so it may also not be one `ip` would read as an option
 * (a leading "-") or as a keyword: the revert refuses such lines, so the change could never be undone.
 */
export function bridgeNameProblem(name: string): string | null {
  const problem = interfaceNameProblem(name);
  if (problem) return problem;
  if (name.startsWith('-')) return 'starts with "-", which ip would read as an option';
  if (IP_FORBIDDEN_TOKENS.has(name)) return `is "${name}", which ip reads as a keyword`;
  return null;
}

export function isValidInterfaceName(name: string): boolean {
  return interfaceNameProblem(name) === null;
}

export class InvalidInterfaceName extends Error {
  constructor(
    readonly ifname: string,
    problem: string,
  ) {
    super(`interface name "${ifname}" ${problem}`);
    this.name = 'InvalidInterfaceName';
  }
}

/** Returns the name if valid; throws otherwise. Every builder of argv calls this on every name. */
export function checkedName(name: string): string {
  const problem = interfaceNameProblem(name);
  if (problem) throw new InvalidInterfaceName(name, problem);
  return name;
}

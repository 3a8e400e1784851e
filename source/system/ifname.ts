/**
 * Interface names reach `ip` argv and batch files, so each one is validated before use. Linux
 * (net/core/dev.c dev_valid_name) allows 1–15 bytes (IFNAMSIZ 16 with the NUL), not "." or "..",
 * and no "/", ":" or whitespace. We are stricter about what a batch line may contain: a name with
 * a quote or backslash would need escaping in `ip -batch`, so it is refused too.
 *
 * Here, below host/ and plan/, because both check names: the probes skip a link the kernel
 * reports under a name no command may carry, and the planner checks every name it writes.
 */
import { EXIT, SystemError } from './operator-error.js';

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

export function isValidInterfaceName(name: string): boolean {
  return interfaceNameProblem(name) === null;
}

/** Its message is the problem alone: the planner quotes it in a verdict ("The plan needs …"). */
export class InvalidInterfaceName extends SystemError {
  constructor(
    readonly ifname: string,
    problem: string,
  ) {
    const text = `interface name "${ifname}" ${problem}`;
    super(text, 'choose a name of 1-15 bytes without "/", ":" or spaces', {
      exit: EXIT.usage,
      message: text,
    });
    this.name = 'InvalidInterfaceName';
  }
}

/** Returns the name if valid; throws otherwise. Every builder of argv calls this on every name. */
export function checkedName(name: string): string {
  const problem = interfaceNameProblem(name);
  if (problem) throw new InvalidInterfaceName(name, problem);
  return name;
}

/**
 * Names `ip netns` gives a network namespace (a file under /run/netns): no "/", not "." or "..",
 * printable. Anything else is not trusted: it reaches argv (`ip netns exec NAME`) and the terminal.
 */
const NETNS_NAME = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,64}$/;

export function isNetnsName(name: unknown): name is string {
  return typeof name === 'string' && NETNS_NAME.test(name);
}

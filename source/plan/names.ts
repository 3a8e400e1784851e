/**
 * Names the planner checks. The kernel's rule for an interface name, and the check every argv
 * builder calls, are system/ifname.ts (below host/ and plan/, which both use them); re-exported
 * here for the planner's files. A bridge name has rules of its own on top.
 */
import { interfaceNameProblem } from '../system/ifname.js';
import { IP_FORBIDDEN_TOKENS } from './ip-keywords.js';

export {
  checkedName,
  InvalidInterfaceName,
  interfaceNameProblem,
  isValidInterfaceName,
} from '../system/ifname.js';

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

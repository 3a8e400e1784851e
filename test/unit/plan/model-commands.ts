/**
 * Planner commands run against the kernel model: `ip -batch` lines and `ip` commands go to the
 * model's links, addresses, routes and rules; signals and spawns to its processes; iptables and nft to its
 * NAT chains, with iptables' 1-based `-I` positions and nft's `insert` / `add ... index N` ("after
 * the rule at 0-based index N") semantics.
 */
import type { Command } from '../../../source/plan/types.js';
import { fail } from './ip-line-parse.js';
import { applyIpLine, applyRule, type ModelState } from './kernel-model.js';

/** Run one planner Command against the model. */
export function applyCommand(state: ModelState, command: Command): void {
  if (command.kind === 'ip-batch') {
    for (const line of command.lines) applyIpLine(state, line);
    return;
  }
  if (command.kind === 'spawn-detached') {
    state.processes.set(`spawned-${state.processes.size}`, JSON.stringify(command.argv));
    return;
  }
  // Runtime files (the renderer hold) are not kernel state: the model has nothing to change.
  if (command.kind === 'write-file' || command.kind === 'remove-file') return;
  if (command.kind === 'stop-started') {
    const argv = JSON.stringify(command.argv);
    const started = [...state.processes].filter(([, running]) => running === argv);
    if (started.length === 0) fail(`no process runs ${argv}`);
    for (const [pid] of started) state.processes.delete(pid);
    return;
  }
  if (command.kind === 'signal') {
    if (!state.processes.delete(String(command.pid))) fail(`no process ${command.pid}`);
    return;
  }
  const [program, ...args] = command.argv;
  if (program === 'ip' && args[0] === '-6' && args[1] === 'rule')
    applyRule(state, args[2] as string, args.slice(3), 6);
  else if (program === 'ip') applyIpLine(state, args);
  else if (program === 'iptables') applyIptables(state, args);
  else if (program === 'nft') applyNft(state, args);
  else fail(`unknown program ${program}`);
}

function applyIptables(state: ModelState, args: string[]): void {
  const [dashT, table, op, chain, ...rest] = args;
  if (dashT !== '-t') fail('iptables without -t');
  const key = `iptables ip ${table} ${chain}`;
  const rules = state.chains.get(key) ?? [];
  if (op === '-D') {
    const index = rules.indexOf(rest.join(' '));
    if (index < 0) fail(`no iptables rule ${rest.join(' ')}`);
    rules.splice(index, 1);
  } else if (op === '-I') {
    const position = Number(rest[0]);
    if (position < 1 || position > rules.length + 1)
      fail(`iptables: index of insertion too big (${position})`);
    rules.splice(position - 1, 0, rest.slice(1).join(' '));
  } else if (op === '-A') rules.push(rest.join(' '));
  else fail(`iptables ${op}`);
  state.chains.set(key, rules);
}

function applyNft(state: ModelState, args: string[]): void {
  const [verb, object, family, table, chain, ...rest] = args;
  if (object !== 'rule') fail(`nft ${verb} ${object}`);
  const key = `nftables ${family} ${table} ${chain}`;
  const rules = state.chains.get(key) ?? [];
  if (verb === 'delete') {
    const index = rules.findIndex((rule) => rule.endsWith(`#${rest[1]}`));
    if (rest[0] !== 'handle' || index < 0) fail(`no nft rule handle ${rest[1]}`);
    rules.splice(index, 1);
  } else if (verb === 'insert') rules.unshift(`${rest.join(' ')}#restored`);
  else if (verb === 'add' && rest[0] === 'index') {
    const after = Number(rest[1]);
    if (after >= rules.length) fail(`nft: index ${after} out of range`);
    rules.splice(after + 1, 0, `${rest.slice(2).join(' ')}#restored`);
  } else if (verb === 'add') rules.push(`${rest.join(' ')}#restored`);
  else fail(`nft ${verb}`);
  state.chains.set(key, rules);
}

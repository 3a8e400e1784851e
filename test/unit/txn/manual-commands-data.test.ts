/**
 * The commands an incomplete revert leaves for the operator are argv data from the revert to the
 * screen. The journal that stores them is hostile input: what is read back must be a list of
 * Commands within bounds, and an older journal's shell text is refused, not re-split.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandText } from '../../../source/plan/command-text.js';
import { inNamespace } from '../../../source/plan/operator-commands.js';
import type { Command } from '../../../source/plan/types.js';
import { createJournalStore, JournalUnreadable } from '../../../source/txn/journal/journal.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

let temp: ReturnType<typeof makeTempStateDir>;
beforeEach(() => {
  temp = makeTempStateDir();
});
afterEach(() => temp.cleanup());

/** A revert-incomplete journal on disk whose outcome's manualCommands are `manual`, as written by hand. */
async function journalWith(manual: unknown): Promise<void> {
  const store = createJournalStore();
  await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });
  await store.setPhase(temp.stateDir, 'applying');
  await store.setPhase(temp.stateDir, 'reverting');
  await store.recordOutcome(temp.stateDir, {
    kind: 'revert-incomplete',
    reason: 'timeout',
    differences: ['fcbr0 still exists'],
    manualCommands: [],
  });
  const file = join(temp.stateDir, 'journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8'));
  journal.outcome.manualCommands = manual;
  writeFileSync(file, JSON.stringify(journal), { mode: 0o600 });
}

const load = () => createJournalStore().load(temp.stateDir);

describe('a journal read back: outcome.manualCommands', () => {
  it('argv data is read as it was written, and rendered shell-quoted only where shown', async () => {
    const commands: Command[] = [{ kind: 'exec', argv: ['ip', 'link', 'set', 'dev', 'eth 0', 'nomaster'] }];
    await journalWith(commands);
    const journal = await load();
    expect(journal?.outcome?.manualCommands).toEqual(commands);
    expect(journal?.outcome?.manualCommands?.flatMap(commandText)).toEqual([
      "ip link set dev 'eth 0' nomaster",
    ]);
  });

  it("an older version's shell text is refused, with the way forward", async () => {
    await journalWith(['ip link del dev fcbr0']);
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalUnreadable);
    expect((error as Error).message).toContain(
      '"outcome.manualCommands" entry #0 is text from an older version, not a command as data',
    );
    expect((error as Error).message).toContain('move the file aside');
  });

  it.each([
    ['not a list', { kind: 'exec', argv: ['ip'] }, /is not a list/],
    ['an argv word that is not text', [{ kind: 'exec', argv: ['ip', 7] }], /entry #0 has argv with a word/],
    ['an empty argv', [{ kind: 'exec', argv: [] }], /entry #0 has argv that is not a list/],
    ['an unknown kind', [{ kind: 'shell', line: 'rm -rf /' }], /entry #0 has an unknown kind/],
    ['a relative file path', [{ kind: 'remove-file', path: 'run/x' }], /has no absolute path/],
    [
      'too many commands',
      Array.from({ length: 1025 }, () => ({ kind: 'exec', argv: ['true'] })),
      /more than 1024/,
    ],
    ['a word too long', [{ kind: 'exec', argv: ['x'.repeat(4097)] }], /over 4096 characters/],
    [
      'a batch token that would end the here-document it is shown in',
      [{ kind: 'ip-batch', lines: [['link', 'del', 'x\nEOF\ntouch /tmp/INJECTED\ncat <<EOF2']] }],
      /entry #0 has a line with the token "x\\nEOF\\ntouch \/tmp\/INJECTED\\ncat <<EOF2", which is not safe in an ip batch/,
    ],
    [
      'a batch token with a space',
      [{ kind: 'ip-batch', lines: [['link', 'del', 'a b']] }],
      /not safe in an ip batch/,
    ],
    [
      'an argv word with a newline',
      [{ kind: 'exec', argv: ['ip', 'link', 'del', 'x\nrm -rf /'] }],
      /has argv with a word holding a NUL, newline or carriage return/,
    ],
    [
      'a signal to a pid no process can have',
      [{ kind: 'signal', pid: 0, signal: 'TERM' }],
      /signal command whose pid is not a positive integer/,
    ],
  ])('%s is refused', async (_what, manual, problem) => {
    await journalWith(manual);
    await expect(load()).rejects.toThrow(problem);
  });
});

describe("commands to run by hand in the lab's namespace", () => {
  it('get `ip netns exec NS` as argv; a batch becomes one ip command per line; files stay as they are', () => {
    const batch: Command = {
      kind: 'ip-batch',
      lines: [
        ['link', 'set', 'ens18', 'nomaster'],
        ['link', 'del', 'fcbr0'],
      ],
    };
    const file: Command = { kind: 'remove-file', path: '/run/systemd/network/10-hold.network' };
    expect(
      [batch, file].flatMap((command) => inNamespace('bm-x host', command)).flatMap(commandText),
    ).toEqual([
      "ip netns exec 'bm-x host' ip link set ens18 nomaster",
      "ip netns exec 'bm-x host' ip link del fcbr0",
      'rm -f /run/systemd/network/10-hold.network',
    ]);
    expect(inNamespace(null, batch)).toEqual([batch]);
  });
});

/**
 * What the operator reads when a command fails: every layer's error comes out as one line,
 * `bridge-migrate: problem; fix`, with the exit code README documents (1 refused, 2 usage), and
 * only an error none of the layers raised says "unexpected error".
 */

import { describe, expect, it } from 'vitest';
import { describeError, Refused, UsageError } from '../../../source/cli/errors.js';
import { MalformedHostValue } from '../../../source/host/parse/host-values.js';
import { ParseError } from '../../../source/host/parse/json-fields.js';
import { buildOperatorCommands } from '../../../source/plan/operator-commands.js';
import { UnplannableValue } from '../../../source/plan/tokens.js';
import { UnsafePath } from '../../../source/system/atomic-file.js';
import { CaptureInvalid, ReplayMiss } from '../../../source/system/capture.js';
import { checkedName } from '../../../source/system/ifname.js';
import { CommandFailed } from '../../../source/system/runner.js';
import { UntrustedPath } from '../../../source/system/trusted-path.js';
import {
  ArmingFailed,
  HostChangedSincePlan,
  NothingToRevert,
  PersistError,
  PlanNotApplicable,
} from '../../../source/txn/engine/engine-errors.js';
import { GuardianNotArmed } from '../../../source/txn/guardian/guardian-launch.js';
import {
  IllegalPhaseTransition,
  type Journal,
  MigrationPending,
  NoJournal,
} from '../../../source/txn/journal/journal.js';
import { JournalRefused } from '../../../source/txn/journal/journal-edits.js';
import { JournalUnreadable } from '../../../source/txn/journal/journal-parse.js';
import { MigrationLocked } from '../../../source/txn/journal/lock.js';

/** A non-default state directory: every fix that names a command must carry it. */
const commands = buildOperatorCommands({ stateDir: '/var/lib/bm' });

/** What cli.tsx writes to stderr for an error, and the process's exit code. */
function operatorSees(error: unknown): { stderr: string; exit: number } {
  const { line, exitCode } = describeError(error);
  return { stderr: `bridge-migrate: ${line}`, exit: exitCode };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const failedRun = {
  argv: ['ip', 'link', 'add', 'fcbr0', 'type', 'bridge'],
  exitCode: 2,
  stdout: '',
  stderr: 'RTNETLINK answers: File exists\nmore\n',
  durationMs: 12,
  timedOut: false,
  notFound: false,
};

const pendingJournal = {
  nic: 'ens18',
  bridge: 'fcbr0',
  phase: 'applied',
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
} as unknown as Journal;

const LAYERS: { layer: string; error: unknown; line: string; exit: number }[] = [
  {
    layer: 'cli usage',
    error: new UsageError('--timeout "5" is below 15 s', 'pass --timeout 15..3600'),
    line: '--timeout "5" is below 15 s; pass --timeout 15..3600',
    exit: 2,
  },
  {
    layer: 'cli refusal',
    error: new Refused('apply needs root', 'run it with sudo'),
    line: 'apply needs root; run it with sudo',
    exit: 1,
  },
  {
    layer: 'system: interface name',
    error: thrownBy(() => checkedName('a/b')),
    line: 'interface name "a/b" contains "/" or ":"; choose a name of 1-15 bytes without "/", ":" or spaces',
    exit: 2,
  },
  {
    layer: 'system: capture',
    error: new CaptureInvalid('/tmp/x.json', 'not JSON'),
    line: '/tmp/x.json is not a bridge-migrate capture (not JSON); pass a file written by `bridge-migrate capture`',
    exit: 2,
  },
  {
    layer: 'system: replay',
    error: new ReplayMiss('ip -j route', '/tmp/x.json'),
    line: 'ip -j route is not in the recording /tmp/x.json; capture the host again with `bridge-migrate capture`',
    exit: 2,
  },
  {
    layer: 'system: path',
    error: new UnsafePath('/var/lib/x', 'is a symlink', 'remove it'),
    line: '/var/lib/x is a symlink; remove it',
    exit: 1,
  },
  {
    layer: 'system: untrusted path',
    error: new UntrustedPath('/var/lib/x', 'is mode 0777', 'chmod 700 /var/lib/x'),
    line: '/var/lib/x is mode 0777; chmod 700 /var/lib/x',
    exit: 1,
  },
  {
    layer: 'system: command',
    error: new CommandFailed(failedRun),
    line: 'ip link add fcbr0 type bridge exited 2: RTNETLINK answers: File exists; see the debug log for the full output',
    exit: 1,
  },
  {
    layer: 'host: value',
    error: new MalformedHostValue('ip -j addr', 'ens18', 'prefixlen 99'),
    line: 'ip -j addr: ens18: prefixlen 99; please report it with the debug log',
    exit: 1,
  },
  {
    layer: 'host: parse',
    error: new ParseError('ip -j link', 'not an array'),
    line: 'could not parse ip -j link: not an array; please report it with the debug log',
    exit: 1,
  },
  {
    layer: 'plan',
    error: new UnplannableValue('address', 'x y'),
    line: 'address "x y" cannot be written into a command safely; please report it with the debug log',
    exit: 1,
  },
  {
    layer: 'journal: unreadable',
    error: new JournalUnreadable('/var/lib/bm/journal.json', 'not JSON', 'move it aside'),
    line: 'the migration journal /var/lib/bm/journal.json cannot be used: not JSON; move it aside',
    exit: 1,
  },
  {
    layer: 'journal: refused',
    error: new JournalRefused('the migration is already confirmed', 'no guardian is needed'),
    line: 'the migration is already confirmed; no guardian is needed',
    exit: 1,
  },
  {
    layer: 'journal: pending',
    error: new MigrationPending(pendingJournal, commands),
    line: 'a migration of ens18 into fcbr0 is already pending (phase applied, started 2026-01-02T03:04:05.000Z); confirm it with `bridge-migrate confirm --state-dir /var/lib/bm`, undo it with `bridge-migrate rollback --yes --state-dir /var/lib/bm`, or see `bridge-migrate status --state-dir /var/lib/bm`',
    exit: 1,
  },
  {
    layer: 'journal: none',
    error: new NoJournal('/var/lib/bm', commands.status),
    line: 'there is no migration journal in /var/lib/bm; nothing is pending; `bridge-migrate status --state-dir /var/lib/bm` shows the host',
    exit: 1,
  },
  {
    layer: 'journal: phase',
    error: new IllegalPhaseTransition('confirmed', 'applying', commands.rollback),
    line: 'a migration in phase "confirmed" cannot move to "applying"; this is a bug; please report it with the debug log',
    exit: 1,
  },
  {
    layer: 'journal: lock',
    error: new MigrationLocked(
      { pid: 4242, startTime: '1', purpose: 'apply', acquiredAt: 0 } as never,
      '/var/lib/bm/lock',
      commands.status,
    ),
    line: 'another bridge-migrate process (pid 4242, apply) holds the lock /var/lib/bm/lock; wait for it to finish, or run `bridge-migrate status --state-dir /var/lib/bm` to see the migration it is working on',
    exit: 1,
  },
  {
    layer: 'engine: not applicable',
    error: new PlanNotApplicable('the plan has blockers', 'fix them and plan again'),
    line: 'the plan has blockers; fix them and plan again',
    exit: 1,
  },
  {
    layer: 'engine: host changed',
    error: new HostChangedSincePlan(['ens18 lost 203.0.113.5/24']),
    line: 'the host changed since the plan was made (ens18 lost 203.0.113.5/24); nothing was changed; run plan/apply again to plan for the host as it is now',
    exit: 1,
  },
  {
    layer: 'engine: arming',
    error: new ArmingFailed(
      new GuardianNotArmed('the guardian did not start: it exited', '/var/lib/bm/debug.log'),
    ),
    line: 'the guardian could not be armed (the guardian did not start: it exited (its output is in /var/lib/bm/debug.log)); nothing was changed; see the debug log, fix the cause and apply again',
    exit: 1,
  },
  {
    layer: 'engine: nothing to revert',
    error: new NothingToRevert('confirmed', commands.status),
    line: 'the migration is confirmed; there is nothing to revert; see `bridge-migrate status --state-dir /var/lib/bm`',
    exit: 1,
  },
  {
    layer: 'guardian launch',
    error: new GuardianNotArmed('the guardian did not start: it exited', null),
    line: 'the guardian did not start: it exited; please report it with the debug log',
    exit: 1,
  },
  {
    layer: 'persist (reserved for the persist step)',
    error: new PersistError(
      'netplan generate exited 1',
      'fix /etc/netplan/60-bridge.yaml and run `netplan apply`',
    ),
    line: 'netplan generate exited 1; fix /etc/netplan/60-bridge.yaml and run `netplan apply`',
    exit: 1,
  },
];

describe('each layer’s error reaches the operator as "problem; fix" with its exit code', () => {
  it.each(LAYERS)('$layer', ({ error, line, exit }) => {
    const seen = operatorSees(error);
    expect(seen).toEqual({ stderr: `bridge-migrate: ${line}`, exit });
    expect(seen.stderr).not.toContain('unexpected');
  });
});

describe('an error no layer raised is still reported as unexpected', () => {
  it('a plain Error', () => {
    expect(operatorSees(new TypeError('x is undefined'))).toEqual({
      stderr: 'bridge-migrate: unexpected error: x is undefined; please report it with the debug log',
      exit: 1,
    });
  });

  it('something thrown that is not an Error', () => {
    expect(operatorSees('boom').stderr).toBe(
      'bridge-migrate: unexpected error: boom; please report it with the debug log',
    );
  });
});

describe('the message other text quotes is unchanged', () => {
  it('a failed command and an invalid name keep the problem alone as their message', () => {
    expect(new CommandFailed(failedRun).message).toBe(
      'ip link add fcbr0 type bridge exited 2: RTNETLINK answers: File exists',
    );
    expect((thrownBy(() => checkedName('')) as Error).message).toBe('interface name "" is empty');
  });
});

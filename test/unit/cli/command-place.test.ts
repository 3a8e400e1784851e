/**
 * Every command the tool suggests for later must act where this run acted: the lab's network
 * namespace (`ip netns exec NS`), its --state-dir and --root-dir. Without them, `rollback` pasted
 * from a lab's output would revert the machine's real uplink.
 */
import { describe, expect, it } from 'vitest';
import { applyCommand, operatorCommands, selfCommand } from '../../../source/cli/command-deps.js';
import { describeError, Refused } from '../../../source/cli/errors.js';
import { currentNetns } from '../../../source/cli/host-access.js';
import { planRequest } from '../../../source/cli/target.js';
import { buildPlan } from '../../../source/plan/build.js';
import { commandLine, hereCommand, type OperatorCommands } from '../../../source/plan/operator-commands.js';
import type { Runner } from '../../../source/system/runner.js';
import { renderPlanText } from '../../../source/ui/plan-text.js';
import { probeReplay } from './command-fixture.js';

const lab = { stateDir: '/tmp/bm-lab-x/state', rootDir: '/tmp/bm-lab-x/root', netns: 'bm-x-host' };
const inLab = 'ip netns exec bm-x-host bridge-migrate';
const where = '--state-dir /tmp/bm-lab-x/state --root-dir /tmp/bm-lab-x/root';
/** Each command as the line the operator copies. */
const lines = (commands: OperatorCommands) =>
  Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, commandLine(command)]));

describe('the commands suggested for another session', () => {
  it('carry the namespace, the state and the root directory of the run', () => {
    expect(lines(operatorCommands(lab))).toEqual({
      confirm: `${inLab} confirm ${where}`,
      rollback: `${inLab} rollback --yes ${where}`,
      guidedRollback: `${inLab} rollback ${where}`,
      status: `${inLab} status ${where}`,
      rearm: `${inLab} guard --rearm ${where}`,
    });
    expect(commandLine(applyCommand(lab, { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 60 }))).toBe(
      `${inLab} apply --yes --nic ens18 --timeout 60 ${where}`,
    );
  });

  it('on a host with the defaults they are the bare commands', () => {
    const host = { stateDir: '/var/lib/bridge-migrate', rootDir: '/', netns: null };
    expect(commandLine(operatorCommands(host).rollback)).toBe('bridge-migrate rollback --yes');
    expect(commandLine(applyCommand(host, { nic: null, bridge: 'fcbr0', timeoutSec: 120 }))).toBe(
      'bridge-migrate apply --yes',
    );
  });

  it('quote what a shell would split', () => {
    const odd = { stateDir: "/srv/my state/it's", netns: null };
    expect(commandLine(operatorCommands(odd).confirm)).toBe(
      `bridge-migrate confirm --state-dir '/srv/my state/it'\\''s'`,
    );
  });

  it('are the ones the plan text and the ssh warning name', async () => {
    const common = { ...lab, persist: 'auto' as const, replay: null, log: null };
    const request = planRequest({ nic: null, bridge: 'fcbr0', timeoutSec: 120 }, common);
    const plan = buildPlan(await probeReplay(0), request);
    const text = renderPlanText(plan, { ascii: true, commands: operatorCommands(common) });
    expect(text).toContain(`Confirm (best from a new SSH session): ${inLab} confirm ${where}`);
    expect(text).toContain(`Roll back now:                         ${inLab} rollback --yes ${where}`);
    expect(plan.verdicts.find((verdict) => verdict.id === 'ssh-over-uplink')?.fix).toContain(
      `\`${inLab} confirm ${where}\``,
    );
    // No suggestion anywhere in the plan runs the bare tool, which would act on the real host.
    expect(text).not.toMatch(/(?<!bm-x-host )bridge-migrate (confirm|rollback|status|apply)/);
  });
});

describe('the program the suggested commands start', () => {
  it('is `bridge-migrate` when the tool was run by that name (installed)', () => {
    expect(selfCommand(['/usr/bin/node', '/usr/local/bin/bridge-migrate'])).toEqual(['bridge-migrate']);
  });

  it('is `node /abs/dist/cli.js` for a checkout run as the README runs it, quoted for a shell', () => {
    const spaced = {
      stateDir: '/var/lib/bridge-migrate',
      program: selfCommand(['/usr/bin/node', '/srv/bridge migrate/dist/cli.js']),
    };
    expect(commandLine(operatorCommands(spaced).status)).toBe(
      "node '/srv/bridge migrate/dist/cli.js' status",
    );
    const checkout = { ...lab, program: selfCommand(['/usr/bin/node', '/opt/bm/dist/cli.js']) };
    expect(commandLine(operatorCommands(checkout).confirm)).toBe(
      `ip netns exec bm-x-host node /opt/bm/dist/cli.js confirm ${where}`,
    );
  });
});

describe('commands the operator runs by hand as root (inverses, leftovers of a revert)', () => {
  it('act in the namespace the plan was made in, prefixed where the shell reads the command', () => {
    expect(hereCommand({ netns: 'bm-x-host' }, "ip -batch - <<'EOF'")).toBe(
      "ip netns exec bm-x-host ip -batch - <<'EOF'",
    );
    expect(hereCommand({ netns: null }, 'ip link del dev fcbr0')).toBe('ip link del dev fcbr0');
    expect(hereCommand(undefined, 'ip link del dev fcbr0')).toBe('ip link del dev fcbr0');
  });

  it('carry the namespace from the CLI into the plan request', () => {
    const common = { ...lab, persist: 'auto' as const, replay: null, log: null };
    expect(planRequest({ nic: null, bridge: 'fcbr0', timeoutSec: 120 }, common).netns).toBe('bm-x-host');
  });
});

describe('the namespace this process runs in', () => {
  const answering = (exitCode: number, stdout: string): Runner => ({
    run: async (argv) => {
      expect(argv).toEqual(['ip', 'netns', 'identify']);
      return {
        argv: [...argv],
        exitCode,
        stdout,
        stderr: '',
        durationMs: 1,
        timedOut: false,
        notFound: false,
      };
    },
  });

  it('is the name `ip netns identify` prints', async () => {
    expect(await currentNetns(answering(0, 'bm-x-host\n'))).toBe('bm-x-host');
  });

  it('is none in the host namespace or when ip fails', async () => {
    expect(await currentNetns(answering(0, '\n'))).toBeNull();
    expect(await currentNetns(answering(1, 'bm-x-host\n'))).toBeNull();
  });

  it('refuses a name that is not a plain name (fail closed: "none" would mean the real host)', async () => {
    for (const name of ['$(reboot)', '..', 'trialatk-z $(id)\u001b[31m']) {
      const error = await currentNetns(answering(0, `${name}\n`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Refused);
      const { line, exitCode } = describeError(error);
      expect(exitCode).toBe(1);
      expect(line).toContain('this process runs in a network namespace whose name');
      expect(line).toContain('rename the namespace');
      expect(line).not.toMatch(/[\u0000-\u001f]/);
    }
    // A plain second name of the same namespace is used.
    expect(await currentNetns(answering(0, '$(reboot)\nbm-x-host\n'))).toBe('bm-x-host');
  });
});

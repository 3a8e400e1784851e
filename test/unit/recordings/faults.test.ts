/**
 * The damaged recordings (recordings/faults/*.json) replay through the real probe and planner:
 * exactly one probe fails, with the tool's error as its note, and the plan is blocked by one
 * blocker that names the probe and its error, with no steps. These are the host shapes where a
 * plan used to look fine while rules, a DHCP client or NAT were silently left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { CaptureDocument } from '../../../source/system/capture.js';
import { createReplay, parseCaptureDocument } from '../../../source/system/capture.js';
import { FAULT_PINS, type FaultPin, fixOf } from './fault-pins.js';
import { askedOf, askingReplay, DEFAULT_REQUEST, recordedEntries } from './replay.js';

const FAULTS_DIR = fileURLToPath(new URL('../../../recordings/faults', import.meta.url));

const names = readdirSync(FAULTS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

async function replayFault(name: string) {
  const path = join(FAULTS_DIR, `${name}.json`);
  const doc = parseCaptureDocument(readFileSync(path, 'utf8'), path);
  const asked = new Set<string>();
  const { runner, files } = askingReplay(createReplay(doc, path), asked);
  const snapshot = await probeHost({ runner, files, env: doc.env });
  return { doc, snapshot, asked };
}

/** The pin's text with {json} replaced by JSON.parse's error for the damaged output. */
function expand(text: string, pin: FaultPin, doc: CaptureDocument): string {
  if (!pin.jsonOf) return text;
  const command = doc.commands.find((candidate) => candidate.argv.join(' ') === pin.jsonOf);
  let message = '(it parsed)';
  try {
    JSON.parse(command?.stdout.trim() ?? '');
  } catch (error) {
    message = (error as Error).message;
  }
  return text.replace('{json}', message);
}

describe('recordings/faults', () => {
  it('holds the damaged shapes, each one pinned', () => {
    expect(names).toEqual(Object.keys(FAULT_PINS).sort());
  });
});

describe.each(names)('damaged recording %s', (name) => {
  const pin = FAULT_PINS[name];

  it('holds exactly what the probe asks for, and only the damaged probe fails, with its error', async () => {
    const { doc, snapshot, asked } = await replayFault(name);
    expect(doc.header.name).toBe(name);
    expect(askedOf(asked, doc)).toEqual([...recordedEntries(doc)].sort());
    expect(snapshot.probes.filter((probe) => !probe.ok).map(({ name, note }) => ({ name, note }))).toEqual([
      { name: pin?.probe, note: pin && expand(pin.note, pin, doc) },
    ]);
  });

  it('plans nothing but the blocker naming the probe and its error', async () => {
    const { doc, snapshot } = await replayFault(name);
    const plan = buildPlan(snapshot, DEFAULT_REQUEST);
    expect(plan.verdicts).toEqual([
      {
        id: `probe-failed-${pin?.probe}`,
        level: 'blocker',
        reason: pin && expand(pin.reason, pin, doc),
        fix: pin && fixOf(pin),
      },
    ]);
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
  });
});

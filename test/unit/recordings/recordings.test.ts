/**
 * Every recorded host shape (recordings/hosts/*.json) replays through the real probe and planner:
 * the document is a valid capture that holds exactly what the probe asks for, every probe
 * succeeds, and the default plan has the pinned uplink, verdicts, steps and renderer (pins.ts).
 */
import { describe, expect, it } from 'vitest';
import { PROBE_NAMES } from '../../../source/host/probe.js';
import { buildPlan } from '../../../source/plan/build.js';
import { PINS } from './pins.js';
import {
  askedOf,
  DEFAULT_REQUEST,
  recordedEntries,
  recordingNames,
  replayHost,
  verdictIds,
} from './replay.js';

const names = recordingNames();

describe('recordings/hosts', () => {
  it('holds at least ten host shapes, each one pinned', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(names).toEqual(Object.keys(PINS).sort());
  });

  it('has real captures among them (the lab counts)', () => {
    expect(names.filter((name) => PINS[name]?.origin === 'captured').length).toBeGreaterThanOrEqual(1);
  });
});

describe.each(names)('recorded host %s', (name) => {
  const pin = PINS[name];

  it('is a capture document whose header says what it is and where it came from', async () => {
    const { doc } = await replayHost(name);
    expect(doc.header.name).toBe(name);
    expect(doc.header.origin).toBe(pin?.origin);
    expect(doc.header.description.length).toBeGreaterThan(80);
    expect(doc.header.description).toMatch(pin?.origin === 'captured' ? /^Captured/ : /[Cc]omposed/);
    expect(new Date(doc.header.capturedAt).toISOString()).toBe(doc.header.capturedAt);
    expect(doc.env.rootDir).toBe('/');
  });

  it('holds exactly what the probe asks for, and every probe succeeds', async () => {
    const { doc, snapshot, asked } = await replayHost(name);
    expect(askedOf(asked, doc)).toEqual([...recordedEntries(doc)].sort());
    expect(snapshot.probes.map((probe) => probe.name)).toEqual([...PROBE_NAMES]);
    expect(snapshot.probes.filter((probe) => !probe.ok)).toEqual([]);
    const notes = Object.fromEntries(
      snapshot.probes.filter((probe) => probe.note !== null).map((probe) => [probe.name, probe.note]),
    );
    expect(notes).toEqual(pin?.notes);
  });

  it('plans the pinned uplink, verdicts, steps and renderer with the default request', async () => {
    const { snapshot } = await replayHost(name);
    const plan = buildPlan(snapshot, DEFAULT_REQUEST);
    expect({
      nic: plan.nic,
      persistWith: plan.persistWith,
      blockers: verdictIds(plan, 'blocker'),
      warnings: verdictIds(plan, 'warning'),
      infos: verdictIds(plan, 'info'),
      steps: plan.steps.map((step) => step.kind),
      blocked: plan.blocked,
    }).toEqual({
      nic: pin?.nic,
      persistWith: pin?.persistWith,
      blockers: pin?.blockers,
      warnings: pin?.warnings,
      infos: pin?.infos,
      steps: pin?.steps,
      blocked: (pin?.blockers.length ?? 0) > 0,
    });
  });

  it('gives every step an inverse and every verdict a reason and a fix', async () => {
    const { snapshot } = await replayHost(name);
    const plan = buildPlan(snapshot, DEFAULT_REQUEST);
    for (const step of plan.steps) expect(step.inverse.length, step.id).toBeGreaterThan(0);
    for (const verdict of plan.verdicts) {
      expect(verdict.reason, verdict.id).toMatch(/\S/);
      expect(verdict.fix, verdict.id).toMatch(/\S/);
    }
  });
});

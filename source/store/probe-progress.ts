/**
 * Progress of each probe, for the probe screen's spinners. Starts with every probe the prober
 * announces (PROBE_NAMES) as waiting, so the list does not jump around as events arrive.
 */
import type { ProbeEvent } from '../host/probe-api.js';

export type ProbeState = 'waiting' | 'running' | 'ok' | 'failed';

export interface ProbeProgress {
  name: string;
  state: ProbeState;
  note: string | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export function initialProbes(names: readonly string[]): ProbeProgress[] {
  return names.map((name) => ({ name, state: 'waiting', note: null, startedAt: null, finishedAt: null }));
}

/** Applies one event; a probe the list did not know about is appended rather than dropped. */
export function withProbeEvent(
  list: readonly ProbeProgress[],
  event: ProbeEvent,
  now: number,
): ProbeProgress[] {
  const update = (previous: ProbeProgress | undefined): ProbeProgress => {
    const base = previous ?? {
      name: event.name,
      state: 'waiting',
      note: null,
      startedAt: null,
      finishedAt: null,
    };
    // A probe may say what it waits for while it runs (the uplink's IPv6 DAD).
    if (event.state === 'running')
      return { ...base, state: 'running', startedAt: now, note: event.note ?? null };
    return {
      ...base,
      state: event.state,
      note: event.note ?? null,
      startedAt: base.startedAt ?? now,
      finishedAt: now,
    };
  };
  const index = list.findIndex((probe) => probe.name === event.name);
  if (index === -1) return [...list, update(undefined)];
  return list.map((probe, at) => (at === index ? update(probe) : probe));
}

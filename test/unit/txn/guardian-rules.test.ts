import { describe, expect, it } from 'vitest';
import { trackDeadline, trackWatchFailures } from '../../../source/txn/guardian/guardian-rules.js';
import { check } from './guardian-fixture.js';

describe('trackDeadline', () => {
  it('counts by the wall clock while it runs steadily', () => {
    const tracker = trackDeadline();
    expect(tracker.remainingMs({ deadline: 10_000, now: 1_000, monotonic: 50 })).toBe(9_000);
    expect(tracker.remainingMs({ deadline: 10_000, now: 9_000, monotonic: 8_050 })).toBe(1_000);
    expect(tracker.remainingMs({ deadline: 10_000, now: 10_000, monotonic: 9_050 })).toBe(0);
  });

  it('takes whichever clock says less: a wall step back does not postpone, a step forward does not wait', () => {
    const back = trackDeadline();
    back.remainingMs({ deadline: 10_000, now: 1_000, monotonic: 0 });
    expect(back.remainingMs({ deadline: 10_000, now: -50_000, monotonic: 9_000 })).toBe(0);
    const forward = trackDeadline();
    forward.remainingMs({ deadline: 10_000, now: 1_000, monotonic: 0 });
    expect(forward.remainingMs({ deadline: 10_000, now: 12_000, monotonic: 2_000 })).toBe(-2_000);
  });

  it('re-anchors when the deadline is extended', () => {
    const tracker = trackDeadline();
    tracker.remainingMs({ deadline: 10_000, now: 0, monotonic: 0 });
    expect(tracker.remainingMs({ deadline: 40_000, now: 8_000, monotonic: 8_000 })).toBe(32_000);
    expect(tracker.remainingMs({ deadline: 40_000, now: 39_999, monotonic: 39_999 })).toBe(1);
  });
});

describe('trackWatchFailures', () => {
  it('needs two failed watches in a row spanning the whole period', () => {
    const tracker = trackWatchFailures({ failForMs: 10_000 });
    tracker.record([check('gateway-icmp', false)], 0, 12_000); // one long watch is not enough
    expect(tracker.broken()).toEqual([]);
    tracker.record([check('gateway-icmp', false)], 12_000, 13_000);
    expect(tracker.broken()).toEqual([
      expect.objectContaining({ id: 'gateway-icmp', failures: 2, failingForMs: 13_000, detail: 'no reply' }),
    ]);
  });

  it('starts over after a success, and tracks each check on its own', () => {
    const tracker = trackWatchFailures({ failForMs: 4_000 });
    tracker.record([check('gateway-icmp', false), check('dns', false)], 0, 1_000);
    tracker.record([check('gateway-icmp', true), check('dns', false)], 2_000, 3_000);
    tracker.record([check('gateway-icmp', false), check('dns', false)], 4_000, 5_000);
    expect(tracker.broken().map((broken) => broken.id)).toEqual(['dns']);
  });

  it('forgets a check that is no longer watched', () => {
    const tracker = trackWatchFailures({ failForMs: 1_000 });
    tracker.record([check('peer-icmp', false)], 0, 1_000);
    tracker.record([], 2_000, 2_100);
    tracker.record([check('peer-icmp', false)], 3_000, 3_500);
    expect(tracker.broken()).toEqual([]);
  });
});

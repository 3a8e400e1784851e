/**
 * Every wait in the lab is bounded twice: by a number of attempts and by elapsed time, whichever
 * ends first. A lab that hangs forever would hold namespaces and processes long after the test
 * that made them gave up.
 */
export interface WaitBounds {
  attempts: number;
  intervalMs: number;
  timeoutMs: number;
}

export class WaitTimedOut extends Error {
  constructor(what: string, bounds: WaitBounds, lastProblem: string | null) {
    super(
      `gave up waiting for ${what} after ${bounds.attempts} attempts / ${bounds.timeoutMs} ms` +
        (lastProblem ? `: ${lastProblem}` : ''),
    );
    this.name = 'WaitTimedOut';
  }
}

/**
 * Calls `probe` until it returns a value other than undefined. A probe may return a string via
 * `problem` to say why it is not ready yet; the last one goes into the timeout message.
 */
export async function waitFor<T>(
  what: string,
  bounds: WaitBounds,
  probe: (problem: (why: string) => undefined) => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = performance.now() + bounds.timeoutMs;
  let lastProblem: string | null = null;
  const problem = (why: string) => {
    lastProblem = why;
    return undefined;
  };
  for (let attempt = 0; attempt < bounds.attempts; attempt++) {
    const value = await probe(problem);
    if (value !== undefined) return value;
    if (performance.now() >= deadline) break;
    await sleep(Math.min(bounds.intervalMs, Math.max(0, deadline - performance.now())));
  }
  throw new WaitTimedOut(what, bounds, lastProblem);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the promise's value, or with `onTimeout` once `ms` have passed. */
export async function within<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one place that reads the wall clock. Everything that needs "now" takes a Clock,
 * so tests (and the sandbox) can move time by advancing a clock instead of sleeping.
 */
export type Clock = { now(): Date };

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that only moves when told to: for tests and the sandbox. */
export type ManualClock = Clock & {
  set(at: Date | string): void;
  advanceBy(ms: number): void;
};

export function createManualClock(start: Date | string = '2026-01-05T09:00:00+08:00'): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime();
    },
    advanceBy(ms) {
      current += ms;
    },
  };
}

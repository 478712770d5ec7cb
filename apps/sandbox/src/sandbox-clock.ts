import { systemClock, type Clock, type ManualClock } from '../../../src/shared/clock.js';

/**
 * The sandbox's clock: the wall clock plus an offset that only the sandbox's clock controls move.
 *
 * Why not a frozen ManualClock: the same clock drives the bot and the outbox dispatcher (so that
 * messages planned "now" by the moved business clock are due for the dispatcher too), and the
 * dispatcher paces sends per chat by that clock; a clock that never moves on its own would make
 * every message carry the same time and could leave a paced message waiting forever.
 */
export type SandboxClock = ManualClock & {
  /** How far the sandbox's time is ahead of the wall clock, in ms (persisted across restarts). */
  offsetMs(): number;
};

export function createSandboxClock(options: { offsetMs?: number; wall?: Clock } = {}): SandboxClock {
  const wall = options.wall ?? systemClock;
  let offset = options.offsetMs ?? 0;
  return {
    now: () => new Date(wall.now().getTime() + offset),
    set(at) {
      offset = new Date(at).getTime() - wall.now().getTime();
    },
    advanceBy(ms) {
      offset += ms;
    },
    offsetMs: () => offset,
  };
}

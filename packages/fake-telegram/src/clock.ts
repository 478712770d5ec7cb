/**
 * What the fake reads the time from. Structural on purpose: any `{ now(): Date }` (a test's manual
 * clock, a sandbox's movable one) fits without depending on this package's type.
 */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

import { describe, expect, it } from 'vitest';
import { HEALTHY, noteSendOutcome, type SendHealth, type SendOutcome } from '../../src/outbox/send-health.js';

const t = (s: number) => new Date(Date.UTC(2026, 2, 2, 1, 0, s));

/** Feeds outcomes (outcome, send started at s, failed/answered at s) and collects what would be logged. */
function run(events: [SendOutcome, number, number][]) {
  let health: SendHealth = HEALTHY;
  const said: string[] = [];
  for (const [outcome, started, at] of events) {
    const next = noteSendOutcome(health, { outcome, startedAt: t(started), at: t(at), reason: outcome });
    health = next.health;
    for (const r of next.reports) said.push(r.say === 'started' ? `started ${r.kind}` : `ended ${r.kind} after ${r.failures} in ${r.lastedMs} ms`);
  }
  return { said, health };
}

describe('the dispatcher health log', () => {
  it('says once that the Bot API is unreachable, however many sends fail, and once that it is back', () => {
    const failures: [SendOutcome, number, number][] = Array.from({ length: 50 }, (_, i) => ['unreachable', i, i]);
    const { said, health } = run([['ok', 0, 0], ...failures, ['ok', 60, 61], ['ok', 62, 62]]);
    expect(said).toEqual(['started unreachable', 'ended unreachable after 50 in 61000 ms']);
    expect(health.trouble).toBeNull();
  });

  it('does not reopen an outage for a send that started before a later one got through', () => {
    const { said } = run([
      ['unreachable', 0, 1],
      ['ok', 5, 6],
      ['unreachable', 2, 7], // begun during the outage, timed out after it
      ['unreachable', 8, 9], // a new failure: a new outage
    ]);
    expect(said).toEqual(['started unreachable', 'ended unreachable after 1 in 5000 ms', 'started unreachable']);
  });

  it('tells a refused token from an unreachable Bot API', () => {
    const { said } = run([
      ['unreachable', 0, 0],
      ['unauthorized', 1, 1],
      ['unauthorized', 2, 2],
      ['ok', 3, 3],
    ]);
    expect(said).toEqual(['started unreachable', 'ended unreachable after 1 in 1000 ms', 'started unauthorized', 'ended unauthorized after 2 in 2000 ms']);
  });
});

import cron from 'node-cron';
import { afterAll, describe, expect, it } from 'vitest';
import { matchesInstant, nextFire, parseCron, previousFire } from '../../src/scheduler/cron-matcher.js';
import { createRandom as random } from '../helpers/random.js';

const TZ = 'Asia/Shanghai';
const EXPRESSIONS = [
  '30 8 * * *',
  '0 9 * * 1',
  '0 9 * * 7',
  '*/15 9-17 * * 1-5',
  '0 0 L * *',
  '0 9 * * 1#2',
  '0 18 * * 5L',
  '15 10 1,15 * *',
  '0 */2 * * *',
  '0 9 * jan,jul mon',
  '@daily',
  '* * * * *',
];

describe('cron matching, apart from the timer', () => {
  const tasks: ReturnType<typeof cron.createTask>[] = [];
  afterAll(async () => {
    for (const task of tasks) await task.destroy();
  });

  it('reads a daily digest time in the organisation’s zone, not the machine’s (TZ=UTC here)', () => {
    const fields = parseCron('30 8 * * *');
    expect(previousFire(fields, new Date('2026-03-02T01:00:00Z'), TZ, new Date('2026-02-20T00:00:00Z'))).toEqual(new Date('2026-03-02T00:30:00Z'));
    expect(previousFire(fields, new Date('2026-03-02T00:29:59Z'), TZ, new Date('2026-02-20T00:00:00Z'))).toEqual(new Date('2026-03-01T00:30:00Z'));
    expect(nextFire(fields, new Date('2026-03-02T00:30:00Z'), TZ)).toEqual(new Date('2026-03-03T00:30:00Z'));
  });

  it('finds a weekly fire up to a week back, and none before the floor', () => {
    const fields = parseCron('0 9 * * 1');
    const wednesday = new Date('2026-03-04T12:00:00+08:00');
    expect(previousFire(fields, wednesday, TZ, new Date('2026-02-25T00:00:00+08:00'))).toEqual(new Date('2026-03-02T09:00:00+08:00'));
    expect(previousFire(fields, wednesday, TZ, new Date('2026-03-02T09:00:01+08:00'))).toBeNull();
    expect(previousFire(fields, new Date('2026-03-02T09:00:00+08:00'), TZ, new Date('2026-03-02T09:00:00+08:00'))).toEqual(
      new Date('2026-03-02T09:00:00+08:00'),
    );
  });

  it('refuses tokens it could misread rather than guess', () => {
    expect(() => parseCron('0 9 15W * *')).toThrow(/not supported|invalid|Invalid/);
    expect(() => parseCron('not a cron')).toThrow();
  });

  it('agrees with node-cron’s own matcher on 3,000 instants for every expression', () => {
    const next = random(42);
    const start = Date.UTC(2026, 0, 1);
    const span = 365 * 86_400_000;
    for (const expression of EXPRESSIONS) {
      const fields = parseCron(expression);
      const task = cron.createTask(expression, () => {}, { timezone: TZ });
      tasks.push(task);
      for (let i = 0; i < 3000; i++) {
        // Whole minutes, with a bias to the expression's own hours so that matches happen.
        let ms = start + Math.floor(next() * span);
        ms -= ms % 60_000;
        if (i % 2 === 0) {
          const local = new Date(ms + 8 * 3_600_000);
          local.setUTCHours(fields.hours[Math.floor(next() * fields.hours.length)]!, fields.minutes[Math.floor(next() * fields.minutes.length)]!, 0, 0);
          ms = local.getTime() - 8 * 3_600_000;
        }
        const at = new Date(ms);
        expect(matchesInstant(fields, at, TZ), `${expression} at ${at.toISOString()}`).toBe(task.match(at));
      }
    }
  });

  it('gives the latest fire: a match at or before the instant with no match in between', () => {
    const next = random(7);
    for (const expression of EXPRESSIONS.filter((e) => e !== '* * * * *')) {
      const fields = parseCron(expression);
      for (let i = 0; i < 200; i++) {
        const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 300 * 86_400_000));
        const fire = previousFire(fields, at, TZ, new Date(at.getTime() - 400 * 86_400_000));
        expect(fire, `${expression} before ${at.toISOString()}`).not.toBeNull();
        expect(matchesInstant(fields, fire!, TZ)).toBe(true);
        expect(fire!.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(nextFire(fields, fire!, TZ)!.getTime()).toBeGreaterThan(at.getTime());
      }
    }
  });

  it('copes with a zone that skips an hour (no fire in the gap, no error)', () => {
    const fields = parseCron('30 2 * * *');
    const afterGap = new Date('2026-03-08T12:00:00Z'); // New York skipped 02:00-03:00 that morning
    const fire = previousFire(fields, afterGap, 'America/New_York', new Date('2026-03-01T00:00:00Z'));
    expect(fire).toEqual(new Date('2026-03-07T07:30:00Z'));
  });
});

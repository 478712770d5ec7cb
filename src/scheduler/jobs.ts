import { CALENDAR_REMINDER_JOB, refreshCalendarSchedules, runCalendarReminder } from '../calendar/calendar.usecases.js';
import { zonedParts } from '../calendar/model/zoned-time.js';
import { isoWeekKey } from '../digests/digest-text.js';
import { BULLETIN_JOB, DIGEST_JOB, runDailyDigests, runWeeklyBulletin } from '../digests/digests.usecases.js';
import { morningCutoff, runReminderBundles } from '../notifications/notifications.usecases.js';
import type { ScheduledJob } from './scheduler.js';
import type { AppDeps } from '../deps.js';

export const SWEEP_JOB = 'sweep';
/** The later reminder bundles run as `bundle-<HHmm>`, one job per configured time. */
export const BUNDLE_JOB = 'bundle';

/**
 * The reminder sweep as the scheduler sees it: plan what has fallen due at `now`. `purpose` says
 * which job runs it: the minutely sweep, or a bundle slot making sure its reminders are planned.
 */
export type SweepFn = (input: { now: Date; purpose?: 'minute' | 'morning' | 'bundle' }) => Promise<unknown>;

/**
 * The jobs of the app, from the configuration:
 * - digest: every day at `digests.dailyTime` (the use-case skips days off); slot = the local date.
 * - bulletin: on `digests.bulletinCron`; slot = the ISO week, so one bulletin a week.
 * - calendar_reminder: with the bulletin; tells admins a year's holiday schedule is not loaded
 *   (from 1 November for next year); slot = the ISO week.
 * - sweep: on `reminders.sweepCron`, when a sweep is given; slot = the fire instant. A missed sweep is
 *   not caught up: the next one finds the same due items in the database.
 * Digests and bulletins missed by less than `digests.lateWindowMinutes` run late; older ones are
 * recorded as skipped and logged. Every job first refreshes the imported holiday schedules.
 */
export function createAppJobs(deps: AppDeps, options: { sweep?: SweepFn } = {}): ScheduledJob[] {
  const { config } = deps;
  const [hour, minute] = config.digests.dailyTime.split(':').map(Number) as [number, number];
  const lateWindowMs = config.digests.lateWindowMinutes * 60_000;
  const localDate = (at: Date) => zonedParts(at, config.timezone).ymd;
  const jobs: ScheduledJob[] = [
    {
      name: DIGEST_JOB,
      cron: `${minute} ${hour} * * *`,
      slotOf: localDate,
      lateWindowMs,
      reportMissed: true,
      leaseMs: 10 * 60_000,
      run: async ({ scheduledAt, at }) => {
        // Plan the morning's reminders first, so that they go with the digest as one message.
        if (options.sweep) await options.sweep({ now: morningCutoff(at, config), purpose: 'morning' });
        return (await runDailyDigests(deps, { scheduledAt, at })).outcome;
      },
    },
    ...config.reminders.bundleTimes.map((time): ScheduledJob => {
      const [h, m] = time.split(':').map(Number) as [number, number];
      return {
        name: `${BUNDLE_JOB}-${time.replace(':', '')}`,
        cron: `${m} ${h} * * *`,
        slotOf: localDate,
        lateWindowMs,
        leaseMs: 10 * 60_000,
        run: async ({ scheduledAt, at }) => {
          if (options.sweep) await options.sweep({ now: at, purpose: 'bundle' });
          return (await runReminderBundles(deps, { scheduledAt, at })).outcome;
        },
      };
    }),
    {
      name: BULLETIN_JOB,
      cron: config.digests.bulletinCron,
      slotOf: (at) => isoWeekKey(localDate(at)),
      lateWindowMs,
      reportMissed: true,
      leaseMs: 15 * 60_000,
      run: async ({ scheduledAt, at }) => (await runWeeklyBulletin(deps, { scheduledAt, at })).outcome,
    },
    {
      name: CALENDAR_REMINDER_JOB,
      cron: config.digests.bulletinCron,
      slotOf: (at) => isoWeekKey(localDate(at)),
      lateWindowMs,
      reportMissed: true,
      run: async ({ scheduledAt, at }) => {
        const { planned } = await runCalendarReminder(deps, { at, week: isoWeekKey(localDate(scheduledAt)) });
        return planned > 0 ? 'sent' : 'done';
      },
    },
  ];
  const sweep = options.sweep;
  if (sweep) {
    jobs.push({
      name: SWEEP_JOB,
      cron: config.reminders.sweepCron,
      lateWindowMs: 59_999,
      leaseMs: 5 * 60_000,
      keepRunsMs: 2 * 86_400_000,
      run: async ({ at }) => {
        await sweep({ now: at, purpose: 'minute' });
        return 'done';
      },
    });
  }
  // Whichever instance runs a slot first picks up a holiday schedule another instance imported
  // (one small query when nothing changed), so it plans on the office's calendar.
  return jobs.map((job) => ({
    ...job,
    run: async (run) => {
      await refreshCalendarSchedules(deps);
      return job.run(run);
    },
  }));
}

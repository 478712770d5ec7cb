import { gt, min } from 'drizzle-orm';
import { isWorkingDay } from '../../../src/calendar/model/working-calendar.js';
import { zonedParts } from '../../../src/calendar/model/zoned-time.js';
import type { Config } from '../../../src/config.js';
import type { Db } from '../../../src/db/client.js';
import { items } from '../../../src/db/schema/index.js';
import { nextFire, parseCron } from '../../../src/scheduler/cron-matcher.js';
import type { DueKind } from './wire.js';

export type { DueKind } from './wire.js';

export type Due = { at: Date; kind: DueKind };

/**
 * The next instant after `after` at which something is due: an item's next check (a warning, a
 * nag or an escalation falls due; the reminder sweep keeps items.next_check_at), the daily digest
 * and the later reminder bundles (working days only), or the weekly bulletin. Null when nothing is known within two weeks.
 */
export async function nextDue(deps: { db: Db; config: Config }, after: Date): Promise<Due | null> {
  const candidates: Due[] = [];
  const [row] = await deps.db
    .select({ at: min(items.nextCheckAt) })
    .from(items)
    .where(gt(items.nextCheckAt, after));
  if (row?.at) candidates.push({ at: new Date(row.at), kind: 'reminder' });

  const { timezone, digests } = deps.config;
  const [hh, mm] = digests.dailyTime.split(':').map(Number);
  const daily = parseCron(`${mm} ${hh} * * *`);
  let digest = nextFire(daily, after, timezone, 14);
  while (digest && !isWorkingDay(zonedParts(digest, timezone).ymd)) digest = nextFire(daily, digest, timezone, 14);
  if (digest) candidates.push({ at: digest, kind: 'digest' });

  // The later reminder bundles (reminders.bundleTimes), on working days: when queued reminders go out.
  for (const time of deps.config.reminders.bundleTimes) {
    const [bh, bm] = time.split(':').map(Number);
    const cron = parseCron(`${bm} ${bh} * * *`);
    let at = nextFire(cron, after, timezone, 14);
    while (at && !isWorkingDay(zonedParts(at, timezone).ymd)) at = nextFire(cron, at, timezone, 14);
    if (at) candidates.push({ at, kind: 'bundle' });
  }

  const bulletin = nextFire(parseCron(digests.bulletinCron), after, timezone, 14);
  if (bulletin) candidates.push({ at: bulletin, kind: 'bulletin' });

  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  return candidates[0] ?? null;
}

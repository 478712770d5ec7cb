import type { Config } from '../config.js';
import type { Db, DbOrTx } from '../db/client.js';
import { zonedParts } from '../calendar/zoned-time.js';
import type { Translator } from '../i18n/translator.js';
import type { ItemView } from '../notifications/item-card.js';
import { messageLink } from '../notifications/item-card.js';
import { createOrgRepository } from '../org/org.repository.js';
import type { Clock } from '../shared/clock.js';
import { displayName } from '../shared/html.js';
import { formatItemCode } from './items.refs.js';
import type { StoredItem } from './items.repository.js';

/** What item use-cases need. */
export type ItemsDeps = {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'timezone' | 'locale' | 'adminIds' | 'items' | 'inviteTtlHours' | 'workingHours' | 'reminders' | 'digests'>;
  translator: Translator;
};

/** Local date and time of day in the organisation's timezone. */
export function localNow(deps: { clock: Clock; config: Pick<Config, 'timezone'> }): { at: Date; today: string; timeOfDay: string; year: number } {
  const at = deps.clock.now();
  const p = zonedParts(at, deps.config.timezone);
  return { at, today: p.ymd, timeOfDay: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, year: p.year };
}

export function itemCode(deps: { config: Pick<Config, 'items'> }, item: StoredItem): string | null {
  return item.row.codeYear && item.row.codeNumber ? formatItemCode(deps.config.items.codePrefix, item.row.codeYear, item.row.codeNumber) : null;
}

/** Builds the view of an item that cards render: names of its units and people. */
export async function buildView(deps: { clock: Clock; config: Pick<Config, 'timezone' | 'items'>; db: DbOrTx }, item: StoredItem): Promise<ItemView> {
  const org = createOrgRepository({ db: deps.db, clock: deps.clock });
  const units = await org.listUnits();
  const s = item.state;
  const unitIds = new Set(s.units.map((u) => u.unitId));
  const unitHeads = new Map(units.filter((u) => unitIds.has(u.id) && u.headPersonId !== null).map((u) => [u.id, u.headPersonId!]));
  const coordinators = s.coordinations.flatMap((c) => [c.raisedBy, c.resolved?.by ?? null, ...c.forwards.map((f) => f.by)]);
  const referral = [s.referral?.receivedBy ?? null, s.referral?.feedback?.by ?? null];
  const ids = [
    s.issuedBy,
    s.leaderInCharge,
    s.response?.by ?? null,
    s.verification?.by ?? null,
    s.lastReturn?.by ?? null,
    ...s.units.map((u) => u.handlerId),
    ...unitHeads.values(),
    ...coordinators,
    ...referral,
  ].filter((x): x is number => x !== null);
  const people = await org.peopleByIds([...new Set(ids)]);
  return {
    id: item.id,
    code: itemCode(deps, item),
    state: s,
    unitNames: new Map(units.map((u) => [u.id, u.name])),
    personNames: new Map(people.map((p) => [p.id, displayName(p)])),
    unitHeads,
    sourceLink: messageLink(item.row.sourceChatId, item.row.sourceMessageId, item.row.sourceThreadId),
    deadlineDefaulted: item.row.deadlineDefaulted,
    today: localNow(deps).today,
    timezone: deps.config.timezone,
  };
}

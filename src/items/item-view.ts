import type { Config } from '../config.js';
import type { DbOrTx } from '../db/client.js';
import { localNow } from '../calendar/model/zoned-time.js';
import type { ItemView } from '../notifications/item-card.js';
import { messageLink } from '../notifications/item-card.js';
import { createOrgRepository } from '../org/org.repository.js';
import type { Clock } from '../shared/clock.js';
import { displayName } from '../shared/html.js';
import { itemCode } from './model/refs.js';
import type { StoredItem } from './model/stored.js';

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

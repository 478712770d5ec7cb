import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { boundChats, people, unitMembers } from '../db/schema/index.js';
import { localeFor, type Locale } from '../i18n/translator.js';

/** Where a message for a unit goes: its bound group, else each member who started the bot (privately). */
export type UnitTarget = { chatId: number; threadId: number; personId: number | null; locale: Locale };

/**
 * The one resolver of who hears a unit, for every message the bot plans (item notices, cards,
 * reminders): two queries for any number of units. A unit with a bound group is heard there (in
 * the organisation's language); a unit without one through the private chats of its members who
 * started the bot, each in their own language. A unit with neither has no targets: the caller says
 * so in the leaders' group.
 */
export async function resolveUnitTargets(db: DbOrTx, input: { unitIds: number[]; defaultLocale: Locale }): Promise<Map<number, UnitTarget[]>> {
  const unitIds = [...new Set(input.unitIds)];
  const out = new Map<number, UnitTarget[]>(unitIds.map((id) => [id, []]));
  if (unitIds.length === 0) return out;
  const chats = await db
    .select({ unitId: boundChats.unitId, chatId: boundChats.chatId, threadId: boundChats.threadId })
    .from(boundChats)
    .where(and(eq(boundChats.kind, 'unit'), inArray(boundChats.unitId, unitIds)));
  for (const c of chats) out.set(c.unitId!, [{ chatId: c.chatId, threadId: c.threadId, personId: null, locale: input.defaultLocale }]);
  const withoutChat = unitIds.filter((id) => !chats.some((c) => c.unitId === id));
  if (withoutChat.length === 0) return out;
  const members = await db
    .select({ unitId: unitMembers.unitId, id: people.id, languageCode: people.languageCode })
    .from(unitMembers)
    .innerJoin(people, eq(people.id, unitMembers.personId))
    .where(and(inArray(unitMembers.unitId, withoutChat), eq(people.startedBot, true)))
    .orderBy(asc(unitMembers.joinedAt));
  for (const m of members) {
    out.get(m.unitId)!.push({ chatId: m.id, threadId: 0, personId: m.id, locale: localeFor(m.languageCode, input.defaultLocale) });
  }
  return out;
}

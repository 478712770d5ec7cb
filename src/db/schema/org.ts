import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Telegram users the bot has seen. The id is the Telegram user id. */
export const people = pgTable('people', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  username: text('username'),
  firstName: text('first_name').notNull().default(''),
  lastName: text('last_name'),
  languageCode: text('language_code'),
  /** True once the person opened a private chat with the bot (so we may write to them). */
  startedBot: boolean('started_bot').notNull().default(false),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Roles: admin (supervision office), leader, and supervisor (督查员: verifies results, records field checks). */
export const roles = pgTable(
  'roles',
  {
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['admin', 'leader', 'supervisor'] }).notNull(),
    grantedBy: bigint('granted_by', { mode: 'number' }),
    grantedAt: ts('granted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.role] }), check('roles_role_check', sql`${t.role} in ('admin', 'leader', 'supervisor')`)],
);

export const units = pgTable('units', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  headPersonId: bigint('head_person_id', { mode: 'number' }).references(() => people.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull(),
});

/** Other names a unit goes by (住建局 for 市住房和城乡建设局). Unique across all units. */
export const unitAliases = pgTable(
  'unit_aliases',
  {
    alias: text('alias').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
  },
  (t) => [index('unit_aliases_unit_idx').on(t.unitId)],
);

/**
 * One row: the version of the unit registry (units and unit_aliases). A statement trigger on both
 * tables sets `version` to the next value of a sequence on every change (drizzle/0010), so a
 * version is never used twice, not even after a rollback; `token` is random per database. A process
 * caches the registry it read under (token, version, database) and reads only this row to know
 * whether the cache still holds (src/org/org.repository.ts): a change made by any instance, or by
 * hand in SQL, is seen by every instance at its next read.
 */
export const unitRegistryVersion = pgTable(
  'unit_registry_version',
  {
    id: boolean('id').primaryKey().default(true),
    token: text('token').notNull().default(sql`gen_random_uuid()::text`),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('unit_registry_version_one_row', sql`${t.id}`)],
);

export const unitMembers = pgTable(
  'unit_members',
  {
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    joinedAt: ts('joined_at').notNull(),
    addedBy: bigint('added_by', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.personId] }), index('unit_members_person_idx').on(t.personId)],
);

/**
 * Chats bound by an admin. threadId 0 means "the whole chat" (no forum topic), so the
 * (chat, thread) pair can be a primary key.
 */
export const boundChats = pgTable(
  'bound_chats',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    threadId: integer('thread_id').notNull().default(0),
    kind: text('kind', { enum: ['leaders', 'unit', 'discipline'] }).notNull(),
    unitId: integer('unit_id').references(() => units.id, { onDelete: 'cascade' }),
    title: text('title'),
    boundBy: bigint('bound_by', { mode: 'number' }),
    boundAt: ts('bound_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.threadId] }),
    uniqueIndex('bound_chats_unit_unique').on(t.unitId).where(sql`${t.kind} = 'unit'`),
    uniqueIndex('bound_chats_discipline_unique').on(t.kind).where(sql`${t.kind} = 'discipline'`),
    check('bound_chats_kind_check', sql`${t.kind} in ('leaders', 'unit', 'discipline')`),
    check('bound_chats_unit_check', sql`(${t.kind} = 'unit') = (${t.unitId} is not null)`),
  ],
);

/** Deep-link invitations into a unit. */
export const invites = pgTable('invites', {
  token: text('token').primaryKey(),
  unitId: integer('unit_id')
    .notNull()
    .references(() => units.id, { onDelete: 'cascade' }),
  createdBy: bigint('created_by', { mode: 'number' }).notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  uses: integer('uses').notNull().default(0),
});

/**
 * The inbox of updates (src/updates/inbox.ts). An update is written here, with its payload,
 * before polling moves past it (or before a webhook request is answered), so a crash or a
 * database outage cannot lose it: an update not yet handled is taken again once its lease runs
 * out. `applied_at` is set in the same transaction as the update's effects (a redelivery or a
 * re-run then cannot apply them twice); `handled_at` when its handler has finished (answered,
 * refused or failed for good). Handled ids are remembered at least 48 hours (Telegram keeps
 * undelivered updates for 24); the payload is dropped once handled.
 */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    updateId: bigint('update_id', { mode: 'number' }).primaryKey(),
    receivedAt: ts('received_at').notNull(),
    // The update as JSON text: jsonb refuses the NUL characters and lone surrogates Telegram may deliver.
    payload: text('payload'),
    leaseUntil: ts('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    appliedAt: ts('applied_at'),
    handledAt: ts('handled_at'),
  },
  (t) => [index('processed_updates_received_idx').on(t.receivedAt), index('processed_updates_pending_idx').on(t.leaseUntil).where(sql`${t.handledAt} is null`)],
);

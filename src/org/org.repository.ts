import { and, asc, count, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { boundChats, invites, people, roles, unitAliases, unitMembers, unitRegistryVersion, units } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';
import type { ChatKind, Role, UnitRecord } from './org.models.js';

export type PersonInput = {
  id: number;
  firstName?: string;
  lastName?: string | null;
  username?: string | null;
  languageCode?: string | null;
};

export type Person = typeof people.$inferSelect;
export type BoundChat = typeof boundChats.$inferSelect;
export type Invite = typeof invites.$inferSelect;

export type UnitSummary = UnitRecord & { memberCount: number; chat: { chatId: number; threadId: number } | null };

/**
 * The unit registry as read, per database and registry version: most updates need the units'
 * names (a card, a reply naming the unit, a unit typed after a command), and reading 500 units and
 * their aliases every time was most of the rows an update read. The key is the database's
 * registry version row (token and version, see unitRegistryVersion in src/db/schema/org.ts)
 * with the database's name and oid (a database copied from a template has the template's token):
 * a statement trigger gives every change of units or unit_aliases a version never used before,
 * in the writer's own transaction, so a cached list is used only while the database still says
 * that version, whichever instance (or SQL session) made the change. The check costs one
 * single-row read per call. Lists are frozen: the callers share them (and their matchers,
 * src/org/units-matcher.ts unitMatcherFor).
 */
const registryCache = new Map<string, readonly UnitRecord[]>();
/** Versions kept: the current one, and a few for transactions that read their own change. */
const REGISTRY_CACHE_SIZE = 8;

function freezeRegistry(list: UnitRecord[]): readonly UnitRecord[] {
  for (const unit of list) {
    Object.freeze(unit.aliases);
    Object.freeze(unit);
  }
  return Object.freeze(list);
}

/** Storage of people, roles, units, memberships, bound chats and invites. */
export function createOrgRepository({ db, clock }: { db: DbOrTx; clock: Clock }) {
  return {
    /** Records (or refreshes) a Telegram user we have seen. Never downgrades what we knew. */
    async upsertPerson(input: PersonInput & { startedBot?: boolean }): Promise<void> {
      const now = clock.now();
      // What the update says of the person is written, and only when it differs from what we
      // knew (most updates come from people already known as they are); `false` when it says nothing.
      const set: Partial<typeof people.$inferInsert> = { updatedAt: now };
      const changed: SQL[] = [sql`false`];
      for (const key of ['firstName', 'lastName', 'username', 'languageCode'] as const) {
        if (input[key] === undefined) continue;
        Object.assign(set, { [key]: input[key] });
        changed.push(sql`${people[key]} is distinct from excluded.${sql.identifier(people[key].name)}`);
      }
      if (input.startedBot) {
        set.startedBot = true;
        changed.push(sql`not ${people.startedBot}`);
      }
      await db
        .insert(people)
        .values({
          id: input.id,
          firstName: input.firstName ?? '',
          lastName: input.lastName ?? null,
          username: input.username ?? null,
          languageCode: input.languageCode ?? null,
          startedBot: input.startedBot ?? false,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({ target: people.id, set, setWhere: or(...changed) });
    },

    async getPerson(id: number): Promise<Person | null> {
      const [row] = await db.select().from(people).where(eq(people.id, id));
      return row ?? null;
    },

    async findPersonByUsername(username: string): Promise<Person | null> {
      const [row] = await db
        .select()
        .from(people)
        .where(sql`lower(${people.username}) = lower(${username.replace(/^@/, '')})`);
      return row ?? null;
    },

    async rolesOf(personId: number): Promise<Role[]> {
      const rows = await db.select({ role: roles.role }).from(roles).where(eq(roles.personId, personId));
      return rows.map((r) => r.role);
    },

    /** A person's roles and units in one round trip (loadActor runs for most updates). */
    async rolesAndUnitsOf(personId: number): Promise<{ roles: Role[]; unitIds: number[] }> {
      const rows = await db
        .select({ role: sql<string | null>`${roles.role}`, unitId: sql<number | null>`null::integer` })
        .from(roles)
        .where(eq(roles.personId, personId))
        .unionAll(
          db
            .select({ role: sql<string | null>`null::text`, unitId: sql<number | null>`${unitMembers.unitId}` })
            .from(unitMembers)
            .where(eq(unitMembers.personId, personId)),
        );
      return {
        roles: rows.flatMap((r) => (r.role === null ? [] : [r.role as Role])),
        unitIds: rows.flatMap((r) => (r.unitId === null ? [] : [Number(r.unitId)])),
      };
    },

    /** Everyone granted a role (config ADMIN_IDS aside: they hold no row). */
    async personIdsWithRole(role: Role): Promise<number[]> {
      const rows = await db.select({ personId: roles.personId }).from(roles).where(eq(roles.role, role));
      return rows.map((r) => r.personId);
    },

    /** Grants a role; returns false when the person already had it. */
    async grantRole(input: { personId: number; role: Role; grantedBy: number }): Promise<boolean> {
      const rows = await db
        .insert(roles)
        .values({ personId: input.personId, role: input.role, grantedBy: input.grantedBy, grantedAt: clock.now() })
        .onConflictDoNothing()
        .returning({ personId: roles.personId });
      return rows.length > 0;
    },

    /**
     * Every unit with its aliases, by id: the cached list while the registry's version has not
     * moved (see registryCache), else read and cached. The list is frozen (shared by callers).
     */
    async listUnits(): Promise<UnitRecord[]> {
      const [stamp] = await db
        .select({
          token: unitRegistryVersion.token,
          version: unitRegistryVersion.version,
          database: sql<string>`current_database() || '/' || (select oid::text from pg_database where datname = current_database())`,
        })
        .from(unitRegistryVersion);
      const key = stamp ? `${stamp.token}/${stamp.database}/${stamp.version}` : null;
      const cached = key === null ? undefined : registryCache.get(key);
      if (cached) return cached as UnitRecord[];
      const list = freezeRegistry(await this.readUnits());
      if (key !== null) {
        registryCache.delete(key);
        registryCache.set(key, list);
        if (registryCache.size > REGISTRY_CACHE_SIZE) registryCache.delete(registryCache.keys().next().value!);
      }
      return list as UnitRecord[];
    },

    /** Every unit with its aliases, read from the tables (listUnits caches it). */
    async readUnits(): Promise<UnitRecord[]> {
      const [unitRows, aliasRows] = await Promise.all([
        db.select().from(units).orderBy(asc(units.id)),
        db.select({ alias: unitAliases.alias, unitId: unitAliases.unitId }).from(unitAliases),
      ]);
      // Grouped once (not filtered per unit: 500 units by 1,000 aliases is half a million tests).
      const aliasesOf = new Map<number, string[]>();
      for (const a of aliasRows) {
        const list = aliasesOf.get(a.unitId);
        if (list) list.push(a.alias);
        else aliasesOf.set(a.unitId, [a.alias]);
      }
      return unitRows.map((u) => ({
        id: u.id,
        name: u.name,
        headPersonId: u.headPersonId,
        // Sorted here, not in SQL: PGlite and PostgreSQL may differ in collation.
        aliases: (aliasesOf.get(u.id) ?? []).sort(),
      }));
    },

    /** The units' names by id, without their aliases (the digests name units, nothing more). */
    async unitNames(): Promise<Map<number, string>> {
      return new Map((await this.listUnits()).map((u) => [u.id, u.name]));
    },

    async unitSummaries(): Promise<UnitSummary[]> {
      const list = await this.listUnits();
      const counts = await db.select({ unitId: unitMembers.unitId, n: count() }).from(unitMembers).groupBy(unitMembers.unitId);
      const chats = await db.select().from(boundChats).where(eq(boundChats.kind, 'unit'));
      return list.map((u) => {
        const chat = chats.find((c) => c.unitId === u.id);
        return {
          ...u,
          memberCount: counts.find((c) => c.unitId === u.id)?.n ?? 0,
          chat: chat ? { chatId: chat.chatId, threadId: chat.threadId } : null,
        };
      });
    },

    async getUnit(id: number): Promise<UnitRecord | null> {
      const all = await this.listUnits();
      return all.find((u) => u.id === id) ?? null;
    },

    /** Is this name taken, as a canonical name or an alias, by any unit? */
    async nameTaken(name: string): Promise<boolean> {
      const [a] = await db.select({ id: units.id }).from(units).where(eq(units.name, name));
      if (a) return true;
      const [b] = await db.select({ alias: unitAliases.alias }).from(unitAliases).where(eq(unitAliases.alias, name));
      return Boolean(b);
    },

    async insertUnit(input: { name: string; aliases: string[]; headPersonId?: number | null }): Promise<number> {
      const [row] = await db
        .insert(units)
        .values({ name: input.name, headPersonId: input.headPersonId ?? null, createdAt: clock.now() })
        .returning({ id: units.id });
      if (input.aliases.length > 0) {
        await db.insert(unitAliases).values(input.aliases.map((alias) => ({ alias, unitId: row!.id })));
      }
      return row!.id;
    },

    async insertAlias(input: { unitId: number; alias: string }): Promise<void> {
      await db.insert(unitAliases).values(input);
    },

    async setHead(input: { unitId: number; personId: number | null }): Promise<void> {
      await db.update(units).set({ headPersonId: input.personId }).where(eq(units.id, input.unitId));
    },

    /** Adds a member; returns false when already one. */
    async addMember(input: { unitId: number; personId: number; addedBy: number | null }): Promise<boolean> {
      const rows = await db
        .insert(unitMembers)
        .values({ unitId: input.unitId, personId: input.personId, addedBy: input.addedBy, joinedAt: clock.now() })
        .onConflictDoNothing()
        .returning({ unitId: unitMembers.unitId });
      return rows.length > 0;
    },

    async unitIdsOf(personId: number): Promise<number[]> {
      const rows = await db.select({ unitId: unitMembers.unitId }).from(unitMembers).where(eq(unitMembers.personId, personId));
      return rows.map((r) => r.unitId);
    },

    async membersOf(unitId: number): Promise<Person[]> {
      const rows = await db
        .select({ person: people })
        .from(unitMembers)
        .innerJoin(people, eq(people.id, unitMembers.personId))
        .where(eq(unitMembers.unitId, unitId))
        .orderBy(asc(unitMembers.joinedAt));
      return rows.map((r) => r.person);
    },

    async getBinding(input: { chatId: number; threadId: number }): Promise<BoundChat | null> {
      const [row] = await db
        .select()
        .from(boundChats)
        .where(and(eq(boundChats.chatId, input.chatId), eq(boundChats.threadId, input.threadId)));
      return row ?? null;
    },

    async listBindings(kind?: ChatKind): Promise<BoundChat[]> {
      const q = db.select().from(boundChats);
      return kind ? q.where(eq(boundChats.kind, kind)) : q;
    },

    async unitChat(unitId: number): Promise<BoundChat | null> {
      const [row] = await db
        .select()
        .from(boundChats)
        .where(and(eq(boundChats.kind, 'unit'), eq(boundChats.unitId, unitId)));
      return row ?? null;
    },

    /** Replaces whatever this chat (or topic) was bound to. */
    async bind(input: { chatId: number; threadId: number; kind: ChatKind; unitId: number | null; title: string | null; boundBy: number }): Promise<void> {
      await db.delete(boundChats).where(and(eq(boundChats.chatId, input.chatId), eq(boundChats.threadId, input.threadId)));
      if (input.kind === 'unit') {
        await db.delete(boundChats).where(and(eq(boundChats.kind, 'unit'), eq(boundChats.unitId, input.unitId!)));
      }
      if (input.kind === 'discipline') {
        await db.delete(boundChats).where(eq(boundChats.kind, 'discipline'));
      }
      await db.insert(boundChats).values({ ...input, boundAt: clock.now() });
    },

    async unbind(input: { chatId: number; threadId: number }): Promise<BoundChat | null> {
      const [row] = await db
        .delete(boundChats)
        .where(and(eq(boundChats.chatId, input.chatId), eq(boundChats.threadId, input.threadId)))
        .returning();
      return row ?? null;
    },

    async insertInvite(input: { token: string; unitId: number; createdBy: number; expiresAt: Date }): Promise<void> {
      await db.insert(invites).values({ ...input, createdAt: clock.now() });
    },

    /** Locks the invite row so two people redeeming at once count correctly. */
    async getInviteForUpdate(token: string): Promise<Invite | null> {
      const [row] = await db.select().from(invites).where(eq(invites.token, token)).for('update');
      return row ?? null;
    },

    async countInviteUse(token: string): Promise<void> {
      await db
        .update(invites)
        .set({ uses: sql`${invites.uses} + 1` })
        .where(eq(invites.token, token));
    },

    /** Revokes every live invite of a unit; returns how many. */
    async revokeInvites(input: { unitId: number }): Promise<number> {
      const rows = await db
        .update(invites)
        .set({ revokedAt: clock.now() })
        .where(and(eq(invites.unitId, input.unitId), isNull(invites.revokedAt), gt(invites.expiresAt, clock.now())))
        .returning({ token: invites.token });
      return rows.length;
    },

    async revokeInvite(token: string): Promise<Invite | null> {
      const [row] = await db
        .update(invites)
        .set({ revokedAt: clock.now() })
        .where(and(eq(invites.token, token), isNull(invites.revokedAt)))
        .returning();
      return row ?? null;
    },

    /** Everyone holding a role (the leaders an instruction may name as leader in charge). */
    async peopleWithRole(role: Role): Promise<Person[]> {
      return db
        .select({ person: people })
        .from(people)
        .innerJoin(roles, eq(roles.personId, people.id))
        .where(eq(roles.role, role))
        .orderBy(asc(people.id))
        .then((rows) => rows.map((r) => r.person));
    },

    async peopleByIds(ids: number[]): Promise<Person[]> {
      if (ids.length === 0) return [];
      return db.select().from(people).where(inArray(people.id, ids));
    },
  };
}

export type OrgRepository = ReturnType<typeof createOrgRepository>;

import { Column, SQL, Table, is, sql } from 'drizzle-orm';
import { alias, PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { items, people } from '../../src/db/schema/index.js';

// config/patches/drizzle-orm+*.patch remembers is()'s answer per (prototype, type): the answers
// must stay drizzle's own, asked once or many times (and an object without a prototype is no
// entity: drizzle threw a TypeError reading its constructor).
describe("drizzle's is() with the remembered answers (config/patches)", () => {
  it('answers as drizzle does, every time: classes, subclasses by entity kind, aliases, plain values', () => {
    for (let round = 0; round < 3; round++) {
      expect(is(items, Table)).toBe(true);
      expect(is(items, PgTable)).toBe(true);
      expect(is(items.id, Column)).toBe(true);
      expect(is(items.id, PgColumn)).toBe(true);
      expect(is(items.id, Table)).toBe(false);
      expect(is(alias(people, 'p'), Table)).toBe(true);
      expect(is(sql`select 1`, SQL)).toBe(true);
      expect(is(sql`select 1`, Column)).toBe(false);
      expect(is({ id: 1 }, SQL)).toBe(false);
      expect(is(Object.create(null), SQL)).toBe(false);
      expect(is('text', SQL)).toBe(false);
      expect(is(null, SQL)).toBe(false);
    }
  });

  it('still refuses a type that is not a drizzle entity, every time', () => {
    class NotAnEntity {}
    for (let round = 0; round < 2; round++) expect(() => is({}, NotAnEntity as never)).toThrow(/doesn't look like a Drizzle entity/);
  });
});

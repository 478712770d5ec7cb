import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatSendState, outbox } from '../../src/db/schema/index.js';
import { createOutboxDispatchRepository } from '../../src/outbox/outbox.repository.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import { resetOutbox } from './fixture.js';

/** A small deterministic generator, so that a failing case can be run again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The dispatcher's outlook (when the next row may become claimable) groups the pending rows per
 * chat before it looks at the chat's pacing and at the rows in flight. Checked against its
 * definition row by row: each pending row of a chat with nothing in flight, held by the chat's
 * next_at; each row in flight, by its lease (capped a lease from now).
 */
describe.each(storageKinds())('the outbox outlook on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('finds the earliest claimable time, as row by row, with backlogs, held chats and rows in flight', async () => {
    const repo = createOutboxDispatchRepository({ db: database.db });
    const now = new Date('2026-12-07T10:00:00.000Z');
    const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
    for (let seed = 1; seed <= 12; seed++) {
      const random = prng(seed);
      await resetOutbox(database.db);
      const chats = Array.from({ length: 6 }, (_, i) => -1000 - i);
      const rows = Array.from({ length: 40 }, (_, i) => {
        const r = random();
        const status = r < 0.12 ? 'sending' : r < 0.2 ? 'sent' : 'pending';
        return {
          key: `k${seed}-${i}`,
          chatId: chats[Math.floor(random() * chats.length)]!,
          payload: { text: String(i) },
          purpose: 'test',
          status,
          notBefore: at(Math.round((random() - 0.5) * 600_000)),
          claimedUntil: status === 'sending' ? at(Math.round((random() - 0.3) * 120_000)) : null,
          createdAt: at(-700_000),
        };
      });
      const pacing = chats.filter(() => random() < 0.6).map((chatId) => ({ chatId, nextAt: at(Math.round((random() - 0.3) * 400_000)), asOf: now }));
      await database.db.insert(outbox).values(rows);
      if (pacing.length > 0) await database.db.insert(chatSendState).values(pacing);

      const leaseMs = 60_000;
      const inFlight = new Set(rows.filter((r) => r.status === 'sending').map((r) => r.chatId));
      const times = [
        ...rows
          .filter((r) => r.status === 'pending' && !inFlight.has(r.chatId))
          .map((r) => Math.max(r.notBefore.getTime(), pacing.find((p) => p.chatId === r.chatId)?.nextAt.getTime() ?? -Infinity)),
        ...rows.filter((r) => r.status === 'sending').map((r) => Math.min(r.claimedUntil!.getTime(), now.getTime() + leaseMs)),
      ];
      const expected = times.length > 0 ? Math.min(...times) : null;

      const outlook = await repo.outlook({ now, leaseMs });
      expect(outlook.nextAt?.getTime() ?? null, `seed ${seed}`).toBe(expected);
      expect(outlook.due).toBe(rows.filter((r) => r.status === 'pending' && r.notBefore <= now).length);
      expect(outlook.inFlight).toBe(rows.filter((r) => r.status === 'sending').length);
    }
  });
});

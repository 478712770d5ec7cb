import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { User } from 'grammy/types';
import { boundChats, itemMessages, items, outbox } from '../../src/db/schema/index.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { grantRole } from '../../src/org/org.usecases.js';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

describe(`the bot removed from a group (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let englishAdmin: User;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    englishAdmin = h.tg.createUser({ firstName: 'Ada', lastName: 'Office', languageCode: 'en' });
    await grantRole(
      { db: h.database.db, clock: h.clock, config: h.config },
      {
        actor: { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] },
        person: { id: englishAdmin.id, firstName: 'Ada', lastName: 'Office', languageCode: 'en' },
        role: 'admin',
      },
    );
    for (const user of [h.admin, englishAdmin]) await h.say(user, 'private', '/start');
  });
  afterAll(async () => {
    await h.stop();
  });

  const sentTo = (chatId: number, since: number) =>
    h.tg
      .callsTo('sendMessage')
      .slice(since)
      .filter((c) => (c.params as { chat_id: number }).chat_id === chatId)
      .map((c) => (c.params as { text: string }).text);

  it('tells the leaders group and every admin at once, each in their language, when a unit’s group removes it', async () => {
    const since = h.tg.callsTo('sendMessage').length;
    h.tg.botKickedFrom(org.housingGroup.id, { by: org.housingStaff });
    await h.settle();
    const zh =
      '⚠️ 机器人已被移出「住建局工作群」（市住房和城乡建设局的工作群）。此后该群收不到事项卡片、提醒和日报。请管理员把机器人重新拉进该群；如果该群不再使用，请在新群里用 /bind 重新绑定。';
    expect(sentTo(org.leadersGroup.id, since)).toEqual([zh]);
    expect(sentTo(h.admin.id, since)).toEqual([zh]);
    expect(sentTo(englishAdmin.id, since)).toEqual([
      '⚠️ The bot was removed from “住建局工作群” (the group of 市住房和城乡建设局). That group will no longer get item cards, reminders or digests. An admin should add the bot back to the group, or, if the group is no longer used, bind a new one with /bind.',
    ]);
  });

  it('tells only the admins when the leaders group itself removes it (it left: status "left" counts too)', async () => {
    const since = h.tg.callsTo('sendMessage').length;
    h.tg.setBotStatus(org.leadersGroup.id, 'left', { by: org.leader });
    await h.settle();
    expect(sentTo(org.leadersGroup.id, since)).toEqual([]);
    expect(sentTo(h.admin.id, since)).toEqual([expect.stringContaining('机器人已被移出「市领导督办群」（领导群）')]);
  });

  it('says nothing when a group that was never bound removes it', async () => {
    const loose = h.tg.createGroup({ title: '闲聊群', members: [org.stranger] });
    const since = h.tg.callsTo('sendMessage').length;
    h.tg.botKickedFrom(loose.id, { by: org.stranger });
    await h.settle();
    expect(h.tg.callsTo('sendMessage').length).toBe(since);
  });
});

// Raw SQL moves the rows: run on both storages.
for (const storage of storageKinds()) {
  describe(`a bound group upgraded to a supergroup (${storage})`, () => {
    let h: Harness;
    let org: Org;
    let code = 0;

    beforeAll(async () => {
      h = await startHarness({ kind: storage, clock: '2026-03-02T09:00:00+08:00' });
      org = await seedOrg(h);
      const deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
      const { item } = await startAssignment(deps, {
        actorId: org.leader.id,
        text: '请市住建局牵头，于3月20日前完成。',
        source: { chatId: org.housingGroup.id, threadId: 0, messageId: null },
        chat: { chatId: org.leadersGroup.id, threadId: 0 },
      });
      code = (await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } })).item.row.codeNumber!;
      await h.settle();
      // A message planned for the group that is not due yet (the dispatcher runs on real time).
      await createOutboxRepository({ db: h.database.db, clock: h.clock }).enqueue([
        { key: 'test:later', chatId: org.housingGroup.id, payload: { text: '稍后发送' }, purpose: 'notice', notBefore: new Date(Date.now() + 3_600_000) },
      ]);
    });
    afterAll(async () => {
      await h.stop();
    });

    it('moves the binding, the cards, the pending messages and the items given there to the new id, once', async () => {
      const db = h.database.db;
      const old = org.housingGroup.id;
      const upgraded = h.tg.createGroup({ title: '住建局工作群', members: [h.admin, org.housingStaff] });
      const cardsBefore = (await db.select().from(itemMessages).where(eq(itemMessages.chatId, old))).length;
      expect(cardsBefore).toBeGreaterThan(0);
      const date = Math.floor(Date.now() / 1000);
      const first = h.tg.injectUpdate({
        message: { message_id: 900, date, chat: { id: old, type: 'group', title: '住建局工作群' }, from: org.housingStaff, migrate_to_chat_id: upgraded.id },
      });
      await h.settle(first!.update_id);
      const second = h.tg.injectUpdate({ message: { message_id: 1, date, chat: upgraded, from: org.housingStaff, migrate_from_chat_id: old } as never });
      await h.settle(second!.update_id);

      expect(await db.select({ kind: boundChats.kind, unitId: boundChats.unitId }).from(boundChats).where(eq(boundChats.chatId, upgraded.id))).toEqual([
        { kind: 'unit', unitId: org.units.housing },
      ]);
      expect(await db.select().from(boundChats).where(eq(boundChats.chatId, old))).toEqual([]);
      expect((await db.select().from(itemMessages).where(eq(itemMessages.chatId, upgraded.id))).length).toBe(cardsBefore);
      expect(await db.select().from(itemMessages).where(eq(itemMessages.chatId, old))).toEqual([]);
      const [later] = await db.select().from(outbox).where(eq(outbox.key, 'test:later'));
      expect(later!.chatId).toBe(upgraded.id);
      // Sent rows stay as they were: history of where they went.
      expect((await db.select().from(outbox).where(eq(outbox.chatId, old))).every((r) => r.status === 'sent')).toBe(true);
      expect((await db.select({ source: items.sourceChatId }).from(items)).map((r) => r.source)).toEqual([upgraded.id]);
    });

    it('answers in the new supergroup as the unit’s group', async () => {
      const upgradedId = (await h.database.db.select().from(boundChats).where(eq(boundChats.kind, 'unit'))).find((b) => b.unitId === org.units.housing)!.chatId;
      await h.say(org.housingStaff, upgradedId, `/ack ${code}`);
      expect(h.lastBotMessage(upgradedId).text).toContain('已签收');
    });
  });
}

describe(`a basic group upgraded while the bot is running (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('follows the group to its new id: the binding moves, and the next item’s card goes to the supergroup', async () => {
    const basic = h.tg.createGroup({ title: '资源局工作群', type: 'group', members: [h.admin, org.resourcesStaff] });
    await h.say(h.admin, basic, '/bind unit 自然资源局');
    const upgraded = h.tg.upgradeToSupergroup(basic.id, { from: h.admin });
    await h.settle();
    const deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    const { item } = await startAssignment(deps, {
      actorId: org.leader.id,
      text: '请市自然资源局牵头，于3月20日前完成。',
      source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
      chat: { chatId: org.leadersGroup.id, threadId: 0 },
    });
    await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
    await h.settle();
    expect(h.lastBotMessage(upgraded.id).text).toContain('请市自然资源局牵头');
  });

  it('when a message for the old id meets Telegram’s "upgraded" answer, the dispatcher moves it and sends it to the new id', async () => {
    const basic = h.tg.createGroup({ title: '城管二群', type: 'group', members: [h.admin] });
    await h.say(h.admin, basic, '/bind leaders');
    // Upgraded while the bot was down: the service messages never came.
    const upgraded = h.tg.upgradeToSupergroup(basic.id, { from: h.admin, serviceMessages: false });
    await createOutboxRepository({ db: h.database.db, clock: h.clock }).enqueue([
      { key: 'test:upgraded', chatId: basic.id, payload: { text: '发往旧群的消息' }, purpose: 'notice' },
    ]);
    await h.dispatcher.drain();
    await h.dispatcher.drain();
    expect(h.lastBotMessage(upgraded.id).text).toBe('发往旧群的消息');
    const [row] = await h.database.db.select().from(outbox).where(eq(outbox.key, 'test:upgraded'));
    expect(row).toMatchObject({ chatId: upgraded.id, status: 'sent' });
    // The binding moved with it: the new supergroup is the leaders group now.
    expect(await h.database.db.select({ kind: boundChats.kind }).from(boundChats).where(eq(boundChats.chatId, upgraded.id))).toEqual([{ kind: 'leaders' }]);
  });
});

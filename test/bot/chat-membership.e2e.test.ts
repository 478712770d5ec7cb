import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { grantRole } from '../../src/org/org.usecases.js';
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
      { actor: { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] }, person: { id: englishAdmin.id, firstName: 'Ada', lastName: 'Office', languageCode: 'en' }, role: 'admin' },
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
    const zh = '⚠️ 机器人已被移出「住建局工作群」（市住房和城乡建设局的工作群）。此后该群收不到事项卡片、提醒和日报。请管理员把机器人重新拉进该群；如果该群不再使用，请在新群里用 /bind 重新绑定。';
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

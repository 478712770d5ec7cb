import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Chat, Update, User } from 'grammy/types';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';

describe.each(storageKinds())('organisation commands through the fake Bot API (%s)', (kind) => {
  let h: Harness;
  let leadersGroup: Chat;
  let unitGroup: Chat;
  let stranger: User;
  let english: User;

  beforeAll(async () => {
    h = await startHarness({ kind });
    stranger = h.tg.createUser({ firstName: '路人', languageCode: 'zh' });
    english = h.tg.createUser({ firstName: 'Emma', languageCode: 'en' });
    leadersGroup = h.tg.createGroup({ title: '领导群', members: [h.admin, stranger, english] });
    unitGroup = h.tg.createGroup({ title: '住建局工作群', isForum: true, members: [h.admin, stranger] });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers /start in a group and in private, in Chinese by default and English for English users', async () => {
    await h.say(stranger, leadersGroup, '/start');
    expect(h.lastBotMessage(leadersGroup).text).toContain('督办机器人');
    await h.say(english, 'private', '/start');
    expect(h.lastBotMessage(english.id).text).toContain('duban supervision bot');
    await h.say(english, 'private', '/help');
    expect(h.lastBotMessage(english.id).text).toContain('/bind leaders');
  });

  it('explains to an unbound group how an admin binds it', async () => {
    await h.say(stranger, leadersGroup, '/list');
    expect(h.lastBotMessage(leadersGroup).text).toContain('/bind leaders');
  });

  it('refuses a non-admin who tries an admin command, and nothing changes', async () => {
    await h.say(stranger, leadersGroup, '/bind leaders');
    expect(h.lastBotMessage(leadersGroup).text).toContain('只有管理员');
    await h.say(english, leadersGroup, '/unit add Anything');
    expect(h.lastBotMessage(leadersGroup).text).toContain('Only admins');
    await h.say(h.admin, leadersGroup, '/unit list');
    expect(h.lastBotMessage(leadersGroup).text).toContain('还没有登记任何单位');
  });

  it('lets an admin register units with aliases and bind the leaders group and a unit forum topic', async () => {
    await h.say(h.admin, leadersGroup, '/unit add 市住房和城乡建设局 住建局 市住建局');
    expect(h.lastBotMessage(leadersGroup).text).toContain('已登记单位 市住房和城乡建设局');
    await h.say(h.admin, leadersGroup, '/unit add 市城市管理执法局 城管局');
    await h.say(h.admin, leadersGroup, '/bind leaders');
    expect(h.lastBotMessage(leadersGroup).text).toContain('领导群');

    const topic = h.tg.createTopic(unitGroup.id, '督办');
    await h.say(h.admin, unitGroup, '/bind unit 住建局', { threadId: topic.messageThreadId });
    const reply = h.lastBotMessage(unitGroup);
    expect(reply.text).toContain('市住房和城乡建设局 的工作群');
    expect(reply.message_thread_id).toBe(topic.messageThreadId);

    await h.say(h.admin, leadersGroup, '/unit list');
    const list = h.lastBotMessage(leadersGroup).text!;
    expect(list).toContain('市住房和城乡建设局（住建局、市住建局）');
    expect(list).toContain('已绑定工作群');
    expect(list).toContain('无工作群');
  });

  it('says "did you mean" for a unit name that does not match', async () => {
    await h.say(h.admin, leadersGroup, '/invite 城乡建设局');
    expect(h.lastBotMessage(leadersGroup).text).toContain('您是不是要找：市住房和城乡建设局');
  });

  it('makes whoever opens an invite deep link a member of the unit, until it is revoked', async () => {
    await h.say(h.admin, leadersGroup, '/invite 城管局');
    const text = h.lastBotMessage(leadersGroup).text!;
    const token = /start=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(token).toBeTruthy();
    const staff = h.tg.createUser({ firstName: '小李', languageCode: 'zh' });
    await h.say(staff, 'private', `/start ${token}`);
    expect(h.lastBotMessage(staff.id).text).toContain('您已加入 市城市管理执法局');
    await h.say(staff, 'private', '/whoami');
    expect(h.lastBotMessage(staff.id).text).toContain('所属单位：市城市管理执法局');

    await h.say(h.admin, leadersGroup, '/invite revoke 城管局');
    expect(h.lastBotMessage(leadersGroup).text).toContain('已作废');
    const late = h.tg.createUser({ firstName: '小赵' });
    await h.say(late, 'private', `/start ${token}`);
    expect(h.lastBotMessage(late.id).text).toContain('已被作废');
    await h.say(late, 'private', '/whoami');
    expect(h.lastBotMessage(late.id).text).toContain('所属单位：无');
  });

  it('grants leader and admin roles to the person whose message an admin replies to', async () => {
    const leader = h.tg.createUser({ firstName: '张', lastName: '市长' });
    const hello = await h.say(leader, leadersGroup, '大家好');
    await h.say(h.admin, leadersGroup, '/leader add', { replyTo: hello.message_id });
    expect(h.lastBotMessage(leadersGroup).text).toContain('已设 张市长 为领导');
    await h.say(leader, leadersGroup, '/whoami');
    expect(h.lastBotMessage(leadersGroup).text).toContain('角色：领导');
    await h.say(h.admin, leadersGroup, `/admin add ${english.id}`);
    await h.say(english, leadersGroup, '/whoami');
    expect(h.lastBotMessage(leadersGroup).text).toContain('Roles: admin');
  });

  it('grants the supervisor role (督查员), and only an admin may', async () => {
    const inspector = h.tg.createUser({ firstName: '督查', lastName: '员甲' });
    const hello = await h.say(inspector, leadersGroup, '报到');
    await h.say(inspector, leadersGroup, '/supervisor add', { replyTo: hello.message_id });
    expect(h.lastBotMessage(leadersGroup).text).not.toContain('督查员');
    await h.say(h.admin, leadersGroup, '/supervisor add', { replyTo: hello.message_id });
    expect(h.lastBotMessage(leadersGroup).text).toContain('为督查员');
    await h.say(inspector, leadersGroup, '/whoami');
    expect(h.lastBotMessage(leadersGroup).text).toContain('角色：督查员');
  });

  it('sets a unit head by reply', async () => {
    const head = h.tg.createUser({ firstName: '局长' });
    const hello = await h.say(head, unitGroup, '收到');
    await h.say(h.admin, unitGroup, '/unit head 住建局', { replyTo: hello.message_id });
    expect(h.lastBotMessage(unitGroup).text).toContain('负责人');
    await h.say(head, unitGroup, '/whoami');
    expect(h.lastBotMessage(unitGroup).text).toContain('市住房和城乡建设局（负责人）');
  });

  it('handles an update once even when Telegram delivers it twice', async () => {
    const before = h.tg.callsTo('sendMessage').length;
    const update = await new Promise<Update>((resolve) => {
      const off = h.tg.on('update', (u: Update) => {
        off();
        resolve(u);
      });
      void h.say(stranger, leadersGroup, '/whoami');
    });
    await h.settle();
    expect(h.tg.callsTo('sendMessage').length).toBe(before + 1);
    // Telegram hands the same update_id out again (a poller died before confirming it).
    // The inbox skips it (no handler runs, so nothing reports it handled): the bot has taken it once
    // Telegram forgets it, and a command sent after it is answered after it.
    h.tg.redeliver(update);
    await vi.waitFor(() => expect(h.tg.pendingUpdates().map((u) => u.update_id)).not.toContain(update.update_id), { timeout: 10_000 });
    await h.say(stranger, leadersGroup, '/whoami');
    expect(h.tg.callsTo('sendMessage').length).toBe(before + 2);
  });

  it('registers its command menus per language and scope', async () => {
    const { registerCommands } = await import('../../src/bot/commands.js');
    const { Api } = await import('grammy');
    const { createTranslator } = await import('../../src/i18n/translator.js');
    await registerCommands(new Api(h.tg.token, { apiRoot: h.tg.apiRoot }), createTranslator());
    const calls = h.tg.callsTo('setMyCommands');
    expect(calls.some((c) => (c.params as { language_code?: string }).language_code === 'en')).toBe(true);
    expect(calls.some((c) => JSON.stringify(c.params).includes('all_group_chats'))).toBe(true);
  });
});

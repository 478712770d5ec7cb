import { run, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile, type Context } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';

const TOKEN = '123456:TEST-token';

let tg: FakeTelegram;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeEach(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_bot', botFirstName: 'Duban' });
  cleanups.push(() => tg.stop());
});

afterEach(async () => {
  // bots first, the server last
  while (cleanups.length > 0) await cleanups.pop()!();
});

function newBot(fake: FakeTelegram = tg): Bot {
  return new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
}

/** A bot polling the fake; handler errors are collected so a test can assert there were none. */
function pollingBot(setup: (bot: Bot) => void, fake: FakeTelegram = tg): { bot: Bot; errors: unknown[] } {
  const bot = newBot(fake);
  const errors: unknown[] = [];
  bot.catch((error) => {
    errors.push(error.error);
  });
  setup(bot);
  void bot.start({ timeout: 1 });
  cleanups.push(() => bot.stop());
  return { bot, errors };
}

function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(GrammyError);
      return error as GrammyError;
    },
  );
}

describe('fake Telegram with a grammY bot', () => {
  it('answers getMe with the bot described by the token and options', async () => {
    const bot = newBot();
    await bot.init();
    expect(bot.botInfo).toMatchObject({
      id: 123456,
      is_bot: true,
      first_name: 'Duban',
      username: 'duban_bot',
      can_join_groups: true,
      can_read_all_group_messages: true,
      supports_inline_queries: false,
    });
    expect(tg.callsTo('getMe')).toHaveLength(1);
  });

  it('delivers a command sent in a group to bot.command with chat, sender and entities', async () => {
    const alice = tg.createUser({ firstName: 'Alice', username: 'alice_w', languageCode: 'en' });
    const group = tg.createGroup({ title: 'Leaders', members: [alice] });
    const seen: Context[] = [];
    const { errors } = pollingBot((bot) => {
      bot.command('start', async (ctx) => {
        seen.push(ctx);
        await ctx.reply(`hello ${ctx.match}`);
      });
    });

    const sent = tg.sendText({ from: alice, chat: group.id, text: '/start@duban_bot now' });
    const call = await tg.waitFor('sendMessage');

    expect(errors).toEqual([]);
    const ctx = seen[0]!;
    expect(ctx.chat).toEqual({ id: group.id, title: 'Leaders', type: 'supergroup' });
    expect(ctx.from).toEqual(alice);
    expect(ctx.msg?.message_id).toBe(sent.message_id);
    expect(ctx.msg?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 16 }]);
    expect(ctx.match).toBe('now');
    expect(call.response).toMatchObject({
      ok: true,
      result: { text: 'hello now', chat: { id: group.id }, from: { id: 123456, is_bot: true, username: 'duban_bot' } },
    });
    expect(tg.sentMessages(group.id).map((m) => m.text)).toEqual(['hello now']);
    expect(group.id).toBeLessThan(-1_000_000_000_000);
    expect(alice.id).toBeGreaterThan(2 ** 32);
  });

  it('fills reply_to_message from the stored message when the bot replies', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', type: 'group', members: [alice] });
    pollingBot((bot) => {
      bot.on('message:text', (ctx) => ctx.reply('noted', { reply_parameters: { message_id: ctx.msg.message_id } }));
    });

    const instruction = tg.sendText({ from: alice, chat: group.id, text: 'Please report by Friday' });
    await tg.waitFor('sendMessage');

    const [reply] = tg.sentMessages(group.id);
    expect(reply?.reply_to_message).toMatchObject({
      message_id: instruction.message_id,
      text: 'Please report by Friday',
      from: { id: alice.id },
    });
    expect(reply?.chat).toEqual({ id: group.id, title: 'Unit A', type: 'group' });
  });

  it('keeps forum topic thread ids on the way in and out', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const forum = tg.createGroup({ title: 'Office', isForum: true, creator: alice });
    const { messageThreadId } = tg.createTopic(forum.id, 'Deadlines');
    const threads: (number | undefined)[] = [];
    pollingBot((bot) => {
      bot.on('message:text', async (ctx) => {
        threads.push(ctx.msg.message_thread_id);
        await ctx.reply('in the topic');
      });
    });

    tg.sendText({ from: alice, chat: forum.id, text: 'status?', threadId: messageThreadId });
    await tg.waitFor('sendMessage');

    expect(threads).toEqual([messageThreadId]);
    const [answer] = tg.sentMessages(forum.id);
    expect(answer).toMatchObject({
      message_thread_id: messageThreadId,
      is_topic_message: true,
      chat: { id: forum.id, type: 'supergroup', is_forum: true },
      // as on Telegram, a topic message that replies to nothing points at the topic's creation
      reply_to_message: { message_id: messageThreadId, forum_topic_created: { name: 'Deadlines' } },
    });
    const bot = newBot();
    const error = await rejection(bot.api.sendMessage(forum.id, 'x', { message_thread_id: 999 }));
    expect(error.description).toBe('Bad Request: message thread not found');
  });

  it('delivers a pressed inline button as callback_query and records answerCallbackQuery', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const pressed: string[] = [];
    pollingBot((bot) => {
      bot.callbackQuery('ack:7', async (ctx) => {
        pressed.push(`${ctx.callbackQuery.message?.message_id}:${ctx.from.id}`);
        await ctx.answerCallbackQuery({ text: 'Acknowledged' });
      });
    });
    const bot = newBot();
    const card = await bot.api.sendMessage(group.id, 'Item 7', {
      reply_markup: new InlineKeyboard().text('Acknowledge', 'ack:7').url('Open', 'https://example.com'),
    });
    expect(card.reply_markup?.inline_keyboard[0]?.[1]).toEqual({ text: 'Open', url: 'https://example.com/' });

    const query = tg.pressButton({ from: alice, chat: group.id, messageId: card.message_id, data: 'ack:7' });
    await tg.waitFor('answerCallbackQuery');

    expect(pressed).toEqual([`${card.message_id}:${alice.id}`]);
    expect(query.message?.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: 'Acknowledge', callback_data: 'ack:7' });
    expect(tg.callbackAnswer(query.id)).toEqual({ text: 'Acknowledged' });
    expect(() => tg.pressButton({ from: alice, chat: group.id, messageId: card.message_id, data: 'nope' })).toThrow(/no button with callback_data "nope"/);
    // a query can be answered once
    const again = await rejection(bot.api.answerCallbackQuery(query.id));
    expect(again.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  it('refuses an edit that changes nothing, and an edit without reply_markup drops the keyboard', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();
    const keyboard = new InlineKeyboard().text('Done', 'done');
    const sent = await bot.api.sendMessage(group.id, 'Item <b>7</b>', { parse_mode: 'HTML', reply_markup: keyboard });

    const error = await rejection(bot.api.editMessageText(group.id, sent.message_id, 'Item <b>7</b>', { parse_mode: 'HTML', reply_markup: keyboard }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );

    const edited = await bot.api.editMessageText(group.id, sent.message_id, 'Item 7 (closed)');
    expect(edited).toMatchObject({ text: 'Item 7 (closed)', edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty('reply_markup');
    expect(edited).not.toHaveProperty('entities');
    expect(tg.message(group.id, sent.message_id)?.text).toBe('Item 7 (closed)');

    const missing = await rejection(bot.api.editMessageText(group.id, 9999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
    const theirs = tg.sendText({ from: alice, chat: group.id, text: 'mine' });
    const notOurs = await rejection(bot.api.editMessageText(group.id, theirs.message_id, 'x'));
    expect(notOurs.description).toBe("Bad Request: message can't be edited");
  });

  it('stores the bytes of a document uploaded as InputFile and serves them back', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    tg.sendText({ from: alice, chat: 'private', text: '/start' });
    const bot = newBot();
    const bytes = Buffer.from('%PDF-1.4 ledger');

    const sent = await bot.api.sendDocument(alice.id, new InputFile(bytes, 'ledger.pdf'), {
      caption: 'Weekly <i>ledger</i>',
      parse_mode: 'HTML',
    });

    expect(sent.document).toMatchObject({ file_name: 'ledger.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(sent.caption).toBe('Weekly ledger');
    expect(sent.caption_entities).toEqual([{ type: 'italic', offset: 7, length: 6 }]);
    expect(tg.file(sent.document!.file_id)?.content.equals(bytes)).toBe(true);
    const [call] = tg.callsTo('sendDocument');
    expect(call?.params.document).toMatchObject({ fileName: 'ledger.pdf', size: bytes.length });

    // the same file again by file_id
    const again = await bot.api.sendDocument(alice.id, sent.document!.file_id);
    expect(again.document?.file_unique_id).toBe(sent.document?.file_unique_id);

    const file = await bot.api.getFile(sent.document!.file_id);
    const download = await fetch(`${tg.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('lets the bot download a file a user sent', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const message = tg.sendDocument({
      from: alice,
      chat: group.id,
      fileName: 'result.docx',
      content: 'the result',
      caption: 'final report',
    });
    expect(message.document?.mime_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const bot = newBot();
    const file = await bot.api.getFile(message.document!.file_id);
    const response = await fetch(`${tg.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(await response.text()).toBe('the result');
    expect((await fetch(`${tg.apiRoot}/file/bot${TOKEN}/documents/nothing.pdf`)).status).toBe(404);
  });

  it('sends photos in two sizes, from the bot and from users, and lets users edit their texts', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const png = Buffer.alloc(32);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(640, 16);
    png.writeUInt32BE(480, 20);
    const bot = newBot();

    const sent = await bot.api.sendPhoto(group.id, new InputFile(png, 'site.png'), { caption: 'on site' });
    expect(sent.photo?.map((size) => [size.width, size.height])).toEqual([
      [320, 240],
      [640, 480],
    ]);
    expect(tg.file(sent.photo![1]!.file_id)?.content.equals(png)).toBe(true);
    const wrongKind = await rejection(bot.api.sendDocument(group.id, sent.photo![1]!.file_id));
    expect(wrongKind.description).toBe("Bad Request: can't use file of type Photo as Document");

    const fromAlice = tg.sendPhoto({ from: alice, chat: group.id, content: png, caption: 'evidence' });
    expect(fromAlice.photo).toHaveLength(2);
    const text = tg.sendText({ from: alice, chat: group.id, text: 'done' });
    tg.editText({ from: alice, chat: group.id, messageId: text.message_id, text: 'done, see photo' });
    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['message', 'message', 'edited_message']);
    expect(updates[2]?.edited_message).toMatchObject({ text: 'done, see photo', edit_date: expect.any(Number) });
  });

  it('accepts a standard multipart upload with the file in the field itself', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    tg.sendText({ from: alice, chat: 'private', text: '/start' });
    const form = new FormData();
    form.set('chat_id', String(alice.id));
    form.set('reply_markup', JSON.stringify({ inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] }));
    form.set('document', new Blob(['a,b\n1,2\n']), 'items.csv');
    const response = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendDocument`, { method: 'POST', body: form });
    const body = (await response.json()) as { ok: boolean; result: { document: { mime_type: string; file_id: string } } };
    expect(body.ok).toBe(true);
    expect(body.result.document.mime_type).toBe('text/csv');
    expect(tg.file(body.result.document.file_id)?.content.toString()).toBe('a,b\n1,2\n');
    expect(tg.callsTo('sendDocument')[0]?.params.reply_markup).toEqual({ inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] });
  });

  it('turns an injected 429 into a GrammyError with retry_after, then works again', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    tg.failNext({ method: 'sendMessage', error: { code: 429, retryAfter: 3 } });
    const bot = newBot();

    const error = await rejection(bot.api.sendMessage(group.id, 'hi'));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 3');
    expect(error.parameters.retry_after).toBe(3);
    expect(tg.sentMessages(group.id)).toEqual([]);

    await bot.api.sendMessage(group.id, 'hi');
    expect(tg.sentMessages(group.id)).toHaveLength(1);
    expect(tg.callsTo('sendMessage').map((c) => [c.status, c.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
  });

  it('injects 5xx (a 502 is nginx HTML, not JSON), dropped connections, and lost responses', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();

    tg.failNext({ chatId: group.id, error: { code: 500 } });
    const internal = await rejection(bot.api.sendMessage(group.id, 'a'));
    expect(internal.error_code).toBe(500);

    tg.failNext({ method: 'sendMessage', error: { code: 502 } });
    await expect(bot.api.sendMessage(group.id, 'b')).rejects.toBeInstanceOf(HttpError);

    tg.failNext({ method: 'sendMessage', error: { disconnect: true } });
    await expect(bot.api.sendMessage(group.id, 'c')).rejects.toBeInstanceOf(HttpError);

    // the message is sent but the bot never hears so: what an outbox must survive
    tg.failNext({ method: 'sendMessage', error: { code: 500 }, applied: true });
    await rejection(bot.api.sendMessage(group.id, 'd'));
    expect(tg.sentMessages(group.id).map((m) => m.text)).toEqual(['d']);
    expect(tg.callsTo('sendMessage').map((c) => c.status)).toEqual([500, 502, 0, 500]);
  });

  it('answers 403 for a user who blocked the bot, never started it, or a group that kicked it', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const bob = tg.createUser({ firstName: 'Bob' });
    const group = tg.createGroup({ title: 'Unit A', type: 'group', members: [alice] });
    tg.sendText({ from: alice, chat: 'private', text: '/start' });
    const bot = newBot();
    await bot.api.sendMessage(alice.id, 'welcome');

    tg.botBlockedBy(alice);
    const blocked = await rejection(bot.api.sendMessage(alice.id, 'reminder'));
    expect([blocked.error_code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);

    const stranger = await rejection(bot.api.sendMessage(bob.id, 'hello'));
    expect(stranger.description).toBe("Forbidden: bot can't initiate conversation with a user");

    tg.botKickedFrom(group.id);
    const kicked = await rejection(bot.api.sendMessage(group.id, 'digest'));
    expect(kicked.description).toBe('Forbidden: bot was kicked from the group chat');

    const nowhere = await rejection(bot.api.sendMessage(-42, 'x'));
    expect([nowhere.error_code, nowhere.description]).toEqual([400, 'Bad Request: chat not found']);

    // both changes reached the bot as my_chat_member updates
    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => u.my_chat_member?.new_chat_member.status).filter(Boolean)).toEqual(['kicked', 'kicked']);

    // writing to the bot again unblocks it
    tg.sendText({ from: alice, chat: 'private', text: '/start' });
    await bot.api.sendMessage(alice.id, 'welcome back');
  });

  it('answers 401 to another token and 404 to an unknown method', async () => {
    const stranger = new Bot('999:WRONG', { client: { apiRoot: tg.apiRoot } });
    const error = await rejection(stranger.api.getMe());
    expect([error.error_code, error.description]).toEqual([401, 'Unauthorized']);

    const response = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendHologram`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    expect(tg.calls.map((c) => [c.method, c.status])).toEqual([
      ['getMe', 401],
      ['sendHologram', 404],
    ]);
  });

  it('redelivers updates until getUpdates confirms them with a higher offset', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();
    tg.sendText({ from: alice, chat: group.id, text: 'one' });
    tg.sendText({ from: alice, chat: group.id, text: 'two' });
    tg.sendText({ from: alice, chat: group.id, text: 'three' });

    const first = await bot.api.getUpdates({ limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(['one', 'two']);
    expect(first[1]!.update_id).toBe(first[0]!.update_id + 1);
    const again = await bot.api.getUpdates();
    expect(again.map((u) => u.message?.text)).toEqual(['one', 'two', 'three']);

    const rest = await bot.api.getUpdates({ offset: first[1]!.update_id + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(['three']);
    expect(tg.pendingUpdates()).toHaveLength(1);

    tg.sendText({ from: alice, chat: group.id, text: 'four' });
    const last = await bot.api.getUpdates({ offset: -1 });
    expect(last.map((u) => u.message?.text)).toEqual(['four']);
    expect(await bot.api.getUpdates({ offset: last[0]!.update_id + 1 })).toEqual([]);

    // allowed_updates filters types and is remembered
    tg.sendText({ from: alice, chat: group.id, text: 'five' });
    expect(await bot.api.getUpdates({ allowed_updates: ['callback_query'] })).toEqual([]);
    tg.sendText({ from: alice, chat: group.id, text: 'six' });
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it('holds a long poll open until an update arrives', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const bot = newBot();
    const started = performance.now();
    const poll = bot.api.getUpdates({ timeout: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    tg.sendText({ from: alice, chat: 'private', text: 'ping' });
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(['ping']);
    expect(performance.now() - started).toBeLessThan(2000);

    const empty = performance.now();
    expect(await bot.api.getUpdates({ timeout: 1, offset: updates[0]!.update_id + 1 })).toEqual([]);
    expect(performance.now() - empty).toBeGreaterThanOrEqual(900);
  });

  it('ends a waiting getUpdates with 409 when another one arrives', async () => {
    const bot = newBot();
    const first = rejection(bot.api.getUpdates({ timeout: 10 }));
    // only the order of the two requests matters here
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bot.api.getUpdates();
    const error = await first;
    expect(error.error_code).toBe(409);
    expect(error.description).toBe('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
  });

  it('keeps the webhook a bot sets, answers getUpdates with 409 while it is set, and forgets it on deleteWebhook', async () => {
    const bot = newBot();
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: '' });
    expect((await rejection(bot.api.setWebhook('http://insecure.example.org/hook'))).description).toContain('HTTPS URL must be provided');
    expect((await rejection(bot.api.setWebhook('https://bot.example.org/hook', { secret_token: 'not allowed!' }))).description).toContain('secret token');
    await bot.api.setWebhook('https://bot.example.org/hook', { secret_token: 'Secret_1-x', allowed_updates: ['message'] });
    expect(tg.webhook()).toEqual({ url: 'https://bot.example.org/hook', secretToken: 'Secret_1-x', allowedUpdates: ['message'] });
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: 'https://bot.example.org/hook', allowed_updates: ['message'] });
    expect(tg.callsTo('setWebhook').at(-1)!.params).toMatchObject({ url: 'https://bot.example.org/hook', secret_token: 'Secret_1-x' });

    const conflict = await rejection(bot.api.getUpdates({ timeout: 0 }));
    expect(conflict.error_code).toBe(409);
    expect(conflict.description).toContain('webhook is active');

    await bot.api.deleteWebhook();
    expect(tg.webhook()).toBeUndefined();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('runs under @grammyjs/runner', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.msg.text}`));
    const handle: RunnerHandle = run(bot, { runner: { fetch: { timeout: 1 } } });
    cleanups.push(() => (handle.isRunning() ? handle.stop() : undefined));

    tg.sendText({ from: alice, chat: group.id, text: 'a' });
    tg.sendText({ from: alice, chat: group.id, text: 'b' });
    await tg.waitFor(() => tg.sentMessages(group.id).length === 2);
    expect(
      tg
        .sentMessages(group.id)
        .map((m) => m.text)
        .sort(),
    ).toEqual(['echo a', 'echo b']);
  });

  it('waitFor resolves on a future call and rejects with the last calls after its timeout', async () => {
    const bot = newBot();
    const since = tg.calls.length;
    const waiting = tg.waitFor((call) => call.method === 'getMe' && call.status === 200, { since });
    await bot.api.getMe();
    expect((await waiting).response).toMatchObject({ ok: true, result: { username: 'duban_bot' } });
    await expect(tg.waitFor('sendMessage', { timeoutMs: 30 })).rejects.toThrow(/waitFor\(sendMessage\) timed out after 30 ms; last calls: getMe -> 200/);
  });

  it('validates texts, parse modes, replies and buttons like Telegram', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();
    const describe = async (promise: Promise<unknown>) => (await rejection(promise)).description;

    expect(await describe(bot.api.sendMessage(group.id, ''))).toBe('Bad Request: message text is empty');
    expect(await describe(bot.api.sendMessage(group.id, 'x'.repeat(4097)))).toBe('Bad Request: message is too long');
    await bot.api.sendMessage(group.id, '字'.repeat(4096));
    expect(await describe(bot.api.sendMessage(group.id, '<b>bold', { parse_mode: 'HTML' }))).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    expect(await describe(bot.api.sendMessage(group.id, 'Done.', { parse_mode: 'MarkdownV2' }))).toBe(
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    expect(await describe(bot.api.sendMessage(group.id, 'x', { reply_parameters: { message_id: 999 } }))).toBe('Bad Request: message to be replied not found');
    const unreplied = await bot.api.sendMessage(group.id, 'x', {
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(unreplied).not.toHaveProperty('reply_to_message');
    const long = new InlineKeyboard().text('too long', 'x'.repeat(65));
    expect(await describe(bot.api.sendMessage(group.id, 'x', { reply_markup: long }))).toBe('Bad Request: BUTTON_DATA_INVALID');

    const formatted = await bot.api.sendMessage(group.id, '<b>Item 7</b> &amp; <a href="https://example.com/x">details</a> for @alice_w, see https://gov.cn', {
      parse_mode: 'HTML',
    });
    expect(formatted.text).toBe('Item 7 & details for @alice_w, see https://gov.cn');
    expect(formatted.entities).toEqual([
      { type: 'bold', offset: 0, length: 6 },
      { type: 'text_link', offset: 9, length: 7, url: 'https://example.com/x' },
      { type: 'mention', offset: 21, length: 8 },
      { type: 'url', offset: 35, length: 14 },
    ]);
  });

  it('stores commands per scope and language, and reports memberships', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const bob = tg.createUser({ firstName: 'Bob' });
    const group = tg.createGroup({ title: 'Unit A', creator: alice, botStatus: 'administrator' });
    tg.addMember(group.id, bob, 'administrator');
    const bot = newBot();

    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await bot.api.setMyCommands([{ command: 'ledger', description: '台账' }], {
      scope: { type: 'all_group_chats' },
      language_code: 'zh',
    });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'start', description: 'Start' }]);
    expect(await bot.api.getMyCommands({ scope: { type: 'all_group_chats' }, language_code: 'zh' })).toEqual([{ command: 'ledger', description: '台账' }]);
    expect(tg.commands({ scope: { type: 'all_group_chats' }, languageCode: 'zh' })).toHaveLength(1);
    expect((await rejection(bot.api.setMyCommands([{ command: 'Bad-Name', description: 'x' }]))).description).toBe('Bad Request: BOT_COMMAND_INVALID');
    await bot.api.deleteMyCommands();
    expect(await bot.api.getMyCommands()).toEqual([]);

    expect((await bot.api.getChatMember(group.id, alice.id)).status).toBe('creator');
    expect((await bot.api.getChatMember(group.id, bob.id)).status).toBe('administrator');
    const carol = tg.createUser({ firstName: 'Carol' });
    expect(await bot.api.getChatMember(group.id, carol.id)).toEqual({ user: carol, status: 'left' });
    expect((await bot.api.getChatMember(group.id, 123456)).status).toBe('administrator');
    expect(await bot.api.getChat(group.id)).toMatchObject({ id: group.id, type: 'supergroup', title: 'Unit A' });
    expect(await bot.api.sendChatAction(group.id, 'typing')).toBe(true);
  });

  it('deletes messages and marks them in the chat history', async () => {
    const alice = tg.createUser({ firstName: 'Alice' });
    const group = tg.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot();
    const hers = tg.sendText({ from: alice, chat: group.id, text: 'hello' });
    const ours = await bot.api.sendMessage(group.id, 'reminder');

    await bot.api.deleteMessage(group.id, ours.message_id);
    expect(tg.message(group.id, ours.message_id)).toBeUndefined();
    expect(tg.chatHistory(group.id).map((e) => [e.message.text, e.byBot, e.deleted])).toEqual([
      ['hello', false, false],
      ['reminder', true, true],
    ]);
    expect((await rejection(bot.api.deleteMessage(group.id, ours.message_id))).description).toBe('Bad Request: message to delete not found');
    // not an administrator: cannot delete other people's messages in a group
    expect((await rejection(bot.api.deleteMessage(group.id, hers.message_id))).description).toBe("Bad Request: message can't be deleted");
  });

  it('dates messages by the injected clock', async () => {
    // The fake needs only { now() }; a test moves it by hand.
    let now = Date.parse('2026-01-05T09:00:00+08:00');
    const clock = { now: () => new Date(now), advanceBy: (ms: number) => (now += ms) };
    const fake = await startFakeTelegram({ token: '42:abc', botUsername: 'clock_bot', clock });
    cleanups.push(() => fake.stop());
    const alice = fake.createUser({ firstName: 'Alice' });
    const message = fake.sendText({ from: alice, chat: 'private', text: 'hi' });
    expect(message.date).toBe(Date.parse('2026-01-05T01:00:00Z') / 1000);
    clock.advanceBy(60_000);
    const sent = await newBot(fake).api.sendMessage(alice.id, 'later');
    expect(sent.date).toBe(message.date + 60);
  });

  it('enforces Telegram sending limits when asked, and reports violations otherwise', async () => {
    const strict = await startFakeTelegram({ token: '7:strict', botUsername: 'strict_bot', enforceLimits: true });
    cleanups.push(() => strict.stop());
    const alice = strict.createUser({ firstName: 'Alice' });
    const group = strict.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot(strict);
    await bot.api.sendMessage(group.id, 'one');
    const error = await rejection(bot.api.sendMessage(group.id, 'two'));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    expect(strict.sendLog).toHaveLength(1);

    const bob = tg.createUser({ firstName: 'Bob' });
    const other = tg.createGroup({ title: 'Unit B', members: [bob] });
    const relaxed = newBot();
    await relaxed.api.sendMessage(other.id, 'one');
    await relaxed.api.sendMessage(other.id, 'two');
    expect(tg.limitViolations()).toMatchObject([{ rule: 'perChatPerSecond', count: 2, send: { chatId: other.id } }]);
  });

  it('counts edits towards the sending limits like new messages', async () => {
    const strict = await startFakeTelegram({ token: '7:edits', botUsername: 'edits_bot', enforceLimits: true });
    cleanups.push(() => strict.stop());
    const alice = strict.createUser({ firstName: 'Alice' });
    const group = strict.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot(strict);
    const sent = await bot.api.sendMessage(group.id, 'one');
    const error = await rejection(bot.api.editMessageText(group.id, sent.message_id, 'one, edited'));
    expect(error.error_code).toBe(429);
    expect(strict.sendLog.map((entry) => entry.method)).toEqual(['sendMessage']);

    const bob = tg.createUser({ firstName: 'Bob' });
    const other = tg.createGroup({ title: 'Unit B', members: [bob] });
    const relaxed = newBot();
    const first = await relaxed.api.sendMessage(other.id, 'one');
    await relaxed.api.editMessageText(other.id, first.message_id, 'one, edited');
    expect(tg.limitViolations()).toMatchObject([{ rule: 'perChatPerSecond', count: 2, send: { chatId: other.id, method: 'editMessageText' } }]);
  });

  it('in privacy mode delivers only commands, replies to the bot and mentions in groups', async () => {
    const fake = await startFakeTelegram({ token: '8:private', botUsername: 'quiet_bot', privacyMode: true });
    cleanups.push(() => fake.stop());
    const alice = fake.createUser({ firstName: 'Alice' });
    const group = fake.createGroup({ title: 'Unit A', members: [alice] });
    const bot = newBot(fake);
    const ours = await bot.api.sendMessage(group.id, 'report?');
    fake.sendText({ from: alice, chat: group.id, text: 'chatter' });
    fake.sendText({ from: alice, chat: group.id, text: '/status' });
    fake.sendText({ from: alice, chat: group.id, text: 'done', replyTo: ours.message_id });
    fake.sendText({ from: alice, chat: group.id, text: 'hey @quiet_bot' });
    fake.sendText({ from: alice, chat: group.id, text: '/status@other_bot' });
    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => u.message?.text)).toEqual(['/status', 'done', 'hey @quiet_bot']);
    expect(fake.chatHistory(group.id)).toHaveLength(6);
  });
});

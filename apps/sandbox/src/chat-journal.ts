/**
 * The sandbox's chats survive a restart. The fake Telegram keeps its chats in memory, while the
 * bot's database (PGlite in DATA_DIR) remembers message ids: cards it will edit, replies it will
 * recognise. A fresh fake would hand out message ids 1, 2, 3... again and the bot would edit or
 * read the wrong messages. So the sandbox writes every message (as it is now) and the bytes of
 * every file to DATA_DIR, and on the next start replays them into the new fake, in their original
 * order, so that each message gets its old id back.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Api, InputFile } from 'grammy';
import type { Message, MessageEntity, User } from 'grammy/types';
import type { FakeTelegram, MessageEvent } from '@duban/fake-telegram';
import type { Logger } from '../../../src/logger.js';
import type { ManualClock } from '../../../src/shared/clock.js';

export type JournalEntry = {
  chatId: number;
  messageId: number;
  byBot: boolean;
  deleted: boolean;
  /** The message as it is now (edits applied). */
  message: Message;
  /** sha256 of the attached file's bytes (the largest photo size), kept under files/. */
  content?: string;
};

type JournalFile = { version: 1; clockOffsetMs: number; entries: JournalEntry[] };

export type ChatJournal = {
  /** What the previous run left: the clock's offset and the messages; undefined on a first start. */
  readonly saved: { clockOffsetMs: number; entries: JournalEntry[] } | undefined;
  /** Follows a fake Telegram's messages from now on; returns an unsubscribe function. */
  follow(tg: FakeTelegram): () => void;
  setClockOffset(ms: number): void;
  /** Writes pending changes now. */
  flush(): void;
};

const key = (chatId: number, messageId: number) => `${chatId}:${messageId}`;

/**
 * The journal in `dir` (chats.json and files/). Writes are batched (a burst of messages is one
 * write) and atomic (temp file + rename).
 */
export function openChatJournal(dir: string, logger: Logger): ChatJournal {
  const file = path.join(dir, 'chats.json');
  const filesDir = path.join(dir, 'files');
  let saved: JournalFile | undefined;
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as JournalFile;
      if (saved.version !== 1 || !Array.isArray(saved.entries)) saved = undefined;
    } catch (error) {
      logger.warn({ err: error, file }, 'sandbox chat journal unreadable; starting with empty chats');
    }
  }
  const entries = new Map<string, JournalEntry>();
  let clockOffsetMs = saved?.clockOffsetMs ?? 0;
  let timer: NodeJS.Timeout | undefined;

  const write = () => {
    timer = undefined;
    const data: JournalFile = { version: 1, clockOffsetMs, entries: [...entries.values()] };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(data));
    renameSync(`${file}.tmp`, file);
  };
  const schedule = () => {
    timer ??= setTimeout(write, 200);
  };

  const storeContent = (tg: FakeTelegram, message: Message): string | undefined => {
    const fileId = message.document?.file_id ?? message.photo?.at(-1)?.file_id;
    if (!fileId) return undefined;
    const stored = tg.file(fileId);
    if (!stored) return undefined;
    const hash = createHash('sha256').update(stored.content).digest('hex');
    mkdirSync(filesDir, { recursive: true });
    const target = path.join(filesDir, hash);
    if (!existsSync(target)) writeFileSync(target, stored.content);
    return hash;
  };

  return {
    saved: saved ? { clockOffsetMs: saved.clockOffsetMs, entries: saved.entries } : undefined,
    follow(tg) {
      return tg.on('message', (event: MessageEvent) => {
        const k = key(event.chatId, event.message.message_id);
        const previous = entries.get(k);
        const content = event.kind === 'deleted' ? previous?.content : storeContent(tg, event.message);
        entries.set(k, {
          chatId: event.chatId,
          messageId: event.message.message_id,
          byBot: event.byBot,
          deleted: event.kind === 'deleted',
          message: event.message,
          ...(content ? { content } : {}),
        });
        schedule();
      });
    },
    setClockOffset(ms) {
      clockOffsetMs = ms;
      schedule();
    },
    flush() {
      if (timer) clearTimeout(timer);
      write();
    },
  };
}

/** Reads a journalled file's bytes. */
function readContent(dir: string, hash: string | undefined): Buffer | undefined {
  if (!hash) return undefined;
  const target = path.join(dir, 'files', hash);
  return existsSync(target) ? readFileSync(target) : undefined;
}

/**
 * Replays journalled messages into a fresh fake Telegram (people and groups already created),
 * before the bot polls: users' messages through the fake's simulated users, the bot's through
 * the Bot API as the bot would send them, each at its original time (the clock is set to it).
 * Deleted messages take up their ids as placeholders deleted at once, so that ids stay in step. Users' messages
 * queue updates; the caller confirms them so the bot does not handle them a second time.
 * Returns how many messages were replayed; stops (and says so) if an id comes out different.
 */
export async function replayJournal(input: {
  tg: FakeTelegram;
  /** Where the fake's Bot API is served. */
  apiRoot: string;
  dir: string;
  entries: JournalEntry[];
  users: ReadonlyMap<number, User>;
  clock: ManualClock;
  logger: Logger;
}): Promise<number> {
  const { tg, entries, clock } = input;
  const api = new Api(tg.token, { apiRoot: input.apiRoot });
  const gone = new Set<string>();
  let replayed = 0;

  const replayOne = async (entry: JournalEntry): Promise<Message> => {
    const m = entry.message;
    const target = m.reply_to_message?.message_id;
    const replyTo = target !== undefined && !gone.has(key(entry.chatId, target)) ? target : undefined;
    const content = readContent(input.dir, entry.content);
    if (entry.deleted) return placeholder(entry.chatId);
    if (!entry.byBot) {
      const from = m.from && input.users.get(m.from.id) ? { ...input.users.get(m.from.id)!, ...m.from } : undefined;
      if (!from) return placeholder(entry.chatId);
      const chat = entry.chatId === from.id ? ('private' as const) : entry.chatId;
      const reply = replyTo !== undefined ? { replyTo } : {};
      if (m.text !== undefined) return tg.sendText({ from, chat, text: m.text, ...reply, ...(m.entities ? { entities: m.entities } : {}) });
      if (m.document && content) {
        return tg.sendDocument({
          from,
          chat,
          content,
          ...reply,
          ...(m.document.file_name ? { fileName: m.document.file_name } : {}),
          ...(m.document.mime_type ? { mimeType: m.document.mime_type } : {}),
          ...(m.caption ? { caption: m.caption } : {}),
        });
      }
      if (m.photo && content) return tg.sendPhoto({ from, chat, content, ...reply, ...(m.caption ? { caption: m.caption } : {}) });
      return placeholder(entry.chatId);
    }
    const common = {
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    };
    const captionOf = () => ({
      ...(m.caption ? { caption: m.caption } : {}),
      ...(m.caption_entities ? { caption_entities: m.caption_entities as MessageEntity[] } : {}),
    });
    if (m.text !== undefined) {
      return api.sendMessage(entry.chatId, m.text, {
        ...common,
        ...(m.entities ? { entities: m.entities } : {}),
        link_preview_options: { is_disabled: true },
      });
    }
    if (m.document && content) {
      return api.sendDocument(entry.chatId, new InputFile(content, m.document.file_name ?? 'file'), { ...common, ...captionOf() });
    }
    if (m.photo && content) return api.sendPhoto(entry.chatId, new InputFile(content, 'photo.jpg'), { ...common, ...captionOf() });
    return placeholder(entry.chatId);
  };

  /** Takes up a message id and deletes the message at once (while it is young enough to delete). */
  const placeholder = async (chatId: number): Promise<Message> => {
    const message = await api.sendMessage(chatId, '…');
    await api.deleteMessage(chatId, message.message_id);
    gone.add(key(chatId, message.message_id));
    return message;
  };

  const next = new Map<number, number>();
  try {
    for (const entry of entries) {
      clock.set(new Date(entry.message.date * 1000));
      // Fill any gap (a message the journal missed) so that the ids stay in step.
      while ((next.get(entry.chatId) ?? 1) < entry.messageId) {
        const filler = await placeholder(entry.chatId);
        next.set(entry.chatId, filler.message_id + 1);
      }
      const message = await replayOne(entry);
      if (message.message_id !== entry.messageId) {
        throw new Error(`message ${entry.messageId} in chat ${entry.chatId} came back as ${message.message_id}`);
      }
      next.set(entry.chatId, message.message_id + 1);
      replayed++;
    }
  } catch (error) {
    input.logger.warn({ err: error, replayed }, 'sandbox chats could not all be restored');
  }
  // Confirm the users' replayed messages: the bot handled them in the previous run.
  const pending = tg.pendingUpdates();
  if (pending.length > 0) await api.getUpdates({ offset: pending.at(-1)!.update_id + 1, timeout: 0, limit: 1 });
  return replayed;
}

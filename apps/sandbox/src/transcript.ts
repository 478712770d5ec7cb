import type { Message } from 'grammy/types';
import type { MessageEvent } from '@duban/fake-telegram';
import { zonedParts } from '../../../src/calendar/model/zoned-time.js';
import { GROUPS, PERSONAS, SANDBOX_BOT } from './demo-org.js';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** `2026-03-02 周一 09:00` in the organisation's zone. */
export function formatTime(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const weekday = WEEKDAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()];
  return `${p.ymd} ${weekday} ${pad(p.hour)}:${pad(p.minute)}`;
}

function personName(id: number | undefined): string {
  if (id === SANDBOX_BOT.id) return SANDBOX_BOT.firstName;
  const p = PERSONAS.find((x) => x.id === id);
  return p ? `${p.firstName}${p.lastName}` : String(id);
}

/** A chat's name: the group's title, or "私聊·<person>" for a private chat with the bot. */
export function chatName(chatId: number): string {
  return GROUPS.find((g) => g.id === chatId)?.title ?? `私聊·${personName(chatId)}`;
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function body(m: Message): string[] {
  const lines: string[] = [];
  if (m.reply_to_message) {
    const q = m.reply_to_message;
    const quoted = (q.text ?? q.caption ?? (q.document ? `📎 ${q.document.file_name}` : '…')).split('\n')[0]!;
    lines.push(`┆ ↩ ${personName(q.from?.id)}: ${quoted.length > 40 ? `${quoted.slice(0, 40)}…` : quoted}`);
  }
  if (m.document) lines.push(`📎 ${m.document.file_name ?? 'file'} (${sizeText(m.document.file_size ?? 0)})`);
  if (m.photo) lines.push(`🖼 image (${sizeText(m.photo.at(-1)?.file_size ?? 0)})`);
  const text = m.text ?? m.caption;
  if (text) lines.push(...text.split('\n'));
  const keyboard = m.reply_markup?.inline_keyboard;
  if (keyboard?.length) lines.push(keyboard.map((row) => row.map((b) => `[${b.text}]`).join(' ')).join('  '));
  return lines;
}

/**
 * One message event as transcript lines: a header (time, chat, who; "edited" for an edit) and
 * the message indented, with its quoted reply, attachment and inline buttons.
 */
export function formatMessageEvent(event: MessageEvent, timezone: string): string {
  const m = event.message;
  const at = new Date((event.kind === 'edited' ? (m.edit_date ?? m.date) : m.date) * 1000);
  const who = event.byBot ? SANDBOX_BOT.firstName : personName(m.from?.id);
  const what = event.kind === 'edited' ? ` ✎ edited #${m.message_id}` : event.kind === 'deleted' ? ` ✕ deleted #${m.message_id}` : '';
  const header = `[${formatTime(at, timezone)}] ${chatName(event.chatId)} · ${who}${what}`;
  if (event.kind === 'deleted') return header;
  return [header, ...body(m).map((line) => `    ${line}`)].join('\n');
}

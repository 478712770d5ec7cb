/**
 * What the page and the sandbox server say to each other (JSON over HTTP and server-sent events).
 * Both sides import these types, so this file uses no Node type: the page is type-checked with the
 * DOM's library only (public/tsconfig.json). Dates travel as ISO strings.
 */
import type { BotCommand, Message } from '@grammyjs/types';

/** The bot's Locale (src/i18n/translator.ts), spelled here because that module is Node-only. */
export type PageLocale = 'zh' | 'en';

export type SandboxStatus = 'starting' | 'ready' | 'resetting' | 'stopped';
export type PersonaKey = 'leader' | 'housingStaff' | 'housingHead' | 'urbanStaff' | 'urbanHead' | 'stranger' | 'supervisor';
/** What the clock buttons can run on the way; 'time' marks the end of a move. */
export type DueKind = 'reminder' | 'digest' | 'bundle' | 'bulletin';
export type ClockStep = 'next' | 'hour' | 'day';

/** How the page labels a persona; the page translates the role. */
export type Persona = {
  key: PersonaKey;
  id: number;
  firstName: string;
  lastName: string;
  role: 'leader' | 'staff' | 'head' | 'stranger' | 'supervisor';
  /** The unit's short name for staff and heads. */
  unit?: 'housing' | 'urban';
};

/** GET /api/state. */
export type SandboxInfo = {
  status: SandboxStatus;
  bot: { id: number; username: string; name: string };
  timezone: string;
  now: string;
  people: Persona[];
  groups: { id: number; title: string; members: number[]; unit: string | null; kind: 'leaders' | 'unit' | 'discipline' }[];
  /** Private chats that exist (someone wrote to the bot). */
  privateChats: number[];
  commands: { group: Record<PageLocale, BotCommand[]>; private: Record<PageLocale, BotCommand[]> };
  /** What the page suggests the leader types first. */
  suggestion: string;
};

/** One message of a chat as GET /api/chats/:id/messages lists it (the fake Telegram's HistoryEntry). */
export type ChatEntry = { message: Message; byBot: boolean; deleted: boolean };

/** POST /api/clock: where the clock went and what fell due on the way. */
export type AdvanceResultJson = { from: string; to: string; ran: { at: string; kind: DueKind | 'time' }[] };

/** POST /api/chats/:id/messages/:message/press: the bot's answerCallbackQuery, if any. */
export type PressAnswer = { text?: string; alert?: boolean };

/** The server-sent events of GET /api/events, by event name. */
export type SandboxEventData = {
  message: { kind: 'new' | 'edited' | 'deleted'; chatId: number; message: Message; byBot: boolean };
  clock: { now: string };
  status: { status: SandboxStatus; firstStart: boolean };
  prompt: { chatId: number; messageId: number; placeholder?: string };
  reset: Record<string, never>;
};

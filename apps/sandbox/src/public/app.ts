// The sandbox page: a small Telegram-like client for the sandbox API (../sandbox-server.ts).
// Plain DOM, no framework. Text from messages is only ever put in the page as text nodes; the
// bot's formatting comes as Telegram entities (offsets into the text), rendered to elements here.
// esbuild bundles this file into /app.js when the sandbox starts (../page-bundle.ts); tsconfig.json
// beside it type-checks it against the DOM.
import type { Message, MessageEntity, User } from '@grammyjs/types';
import type { AdvanceResultJson, ChatEntry, DueKind, Persona, PressAnswer, SandboxEventData, SandboxInfo, SandboxStatus } from '../wire.js';

const zh = {
  actingAs: '当前身份',
  switchPerson: '切换身份',
  botTime: '机器人时钟',
  clockNext: '下一个提醒 »',
  clockHour: '+1 小时',
  clockDay: '+1 天',
  reset: '↺ 重置沙盒',
  tryThis: '试试：',
  replyingTo: '回复',
  captionHint: '（输入框里的文字作为说明）',
  notMember: '你不是本群成员，只能查看。',
  placeholder: '输入消息…（Enter 发送，Shift+Enter 换行）',
  send: '发送',
  roleLeader: '市领导 · 管理员',
  roleStaff: '承办人',
  roleHead: '单位负责人',
  roleStranger: '路人（未登记）',
  roleSupervisor: '督查员（督查室）',
  privateChat: '与机器人私聊',
  members: (n: number) => `${n} 位成员`,
  notJoined: '未加入',
  bot: '机器人',
  leadersGroup: '领导群',
  unitGroup: '单位群',
  disciplineGroup: '纪委群',
  empty: '还没有消息',
  emptyPrivate: '还没有消息。发送 /start 打开与机器人的私聊。',
  edited: '已编辑',
  reply: '回复',
  download: '下载',
  starting: '沙盒正在启动…',
  firstStart: '首次启动：正在创建内置数据库（几秒钟）。准备好后自动显示聊天。',
  resetting: '正在重置沙盒…',
  confirmReset: '重置会清空所有事项和聊天记录，重新开始。确定吗？',
  resetDone: '沙盒已重置',
  clockMoved: (to: string, ran: string) => `时钟已拨到 ${to}${ran ? `\n运行了：${ran}` : '\n这段时间没有到期的提醒'}`,
  kinds: { reminder: '检查', digest: '早间消息', bundle: '提醒汇总', bulletin: '通报' } satisfies Record<DueKind, string>,
  errors: {
    not_a_member: '你不是本群成员',
    not_your_chat: '这是别人的私聊',
    starting: '沙盒正在启动，请稍候',
    button_gone: '这个按钮已经不在了',
    no_such_message: '被回复的消息不存在',
    empty_text: '消息不能为空',
    too_large: '文件太大（最大 20 MB）',
    network: '连接不上沙盒',
  } as Record<string, string>,
  weekdays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  file: '文件',
  photo: '图片',
  attach: '发送文件',
};
/** The English page: the same keys as the Chinese one (the type says so). */
const en: typeof zh = {
  actingAs: 'Acting as',
  switchPerson: 'Switch person',
  botTime: "Bot's clock",
  clockNext: 'Next reminder »',
  clockHour: '+1 hour',
  clockDay: '+1 day',
  reset: '↺ Reset sandbox',
  tryThis: 'Try:',
  replyingTo: 'Reply to',
  captionHint: '(the text box is the caption)',
  notMember: 'You are not a member of this group; you can only read it.',
  placeholder: 'Message… (Enter sends, Shift+Enter new line)',
  send: 'Send',
  roleLeader: 'Leader · admin',
  roleStaff: 'Staff',
  roleHead: 'Unit head',
  roleStranger: 'Stranger (not registered)',
  roleSupervisor: 'Supervisor (督查员)',
  privateChat: 'Private chat with the bot',
  members: (n) => `${n} members`,
  notJoined: 'not a member',
  bot: 'bot',
  leadersGroup: 'leaders group',
  unitGroup: 'unit group',
  disciplineGroup: 'discipline group',
  empty: 'No messages yet',
  emptyPrivate: 'No messages yet. Send /start to open the private chat with the bot.',
  edited: 'edited',
  reply: 'Reply',
  download: 'Download',
  starting: 'The sandbox is starting…',
  firstStart: 'First start: creating the embedded database (a few seconds). The chats appear when it is ready.',
  resetting: 'Resetting the sandbox…',
  confirmReset: 'Reset deletes every item and every chat and starts over. Sure?',
  resetDone: 'The sandbox was reset',
  clockMoved: (to, ran) => `The clock is now ${to}${ran ? `\nRan: ${ran}` : '\nNothing fell due in between'}`,
  kinds: { reminder: 'check', digest: 'morning message', bundle: 'reminder bundle', bulletin: 'bulletin' },
  errors: {
    not_a_member: 'You are not a member of this group',
    not_your_chat: "This is someone else's private chat",
    starting: 'The sandbox is starting, one moment',
    button_gone: 'That button is gone',
    no_such_message: 'The message you reply to is gone',
    empty_text: 'A message cannot be empty',
    too_large: 'The file is too large (20 MB at most)',
    network: 'Cannot reach the sandbox',
  },
  weekdays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  file: 'file',
  photo: 'photo',
  attach: 'Send a file',
};
const I18N = { zh, en };
type Strings = typeof zh;
/** The labels the HTML names with data-i18n / data-i18n-placeholder: the plain-text entries. */
type Label = { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings];

const params = new URLSearchParams(location.search);
const LANG = (params.get('lang') || navigator.language || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh';
const T: Strings = I18N[LANG];
document.documentElement.lang = LANG === 'en' ? 'en' : 'zh-CN';

/** The elements index.html gives an id, by that id: the one list to keep in step with the HTML. */
type Elements = {
  'me-avatar': HTMLSpanElement;
  'me-name': HTMLDivElement;
  'me-role': HTMLDivElement;
  identity: HTMLSelectElement;
  'chat-list': HTMLUListElement;
  'clock-now': HTMLTimeElement;
  'clock-next': HTMLButtonElement;
  'clock-hour': HTMLButtonElement;
  'clock-day': HTMLButtonElement;
  reset: HTMLButtonElement;
  'chat-avatar': HTMLSpanElement;
  'chat-title': HTMLHeadingElement;
  'chat-sub': HTMLDivElement;
  messages: HTMLDivElement;
  suggest: HTMLDivElement;
  'suggest-chip': HTMLButtonElement;
  'reply-bar': HTMLDivElement;
  'reply-text': HTMLSpanElement;
  'reply-cancel': HTMLButtonElement;
  'attach-bar': HTMLDivElement;
  'attach-name': HTMLSpanElement;
  'attach-cancel': HTMLButtonElement;
  'not-member': HTMLDivElement;
  commands: HTMLUListElement;
  composer: HTMLFormElement;
  attach: HTMLLabelElement;
  file: HTMLInputElement;
  text: HTMLTextAreaElement;
  send: HTMLButtonElement;
  toast: HTMLDivElement;
  overlay: HTMLDivElement;
  'overlay-text': HTMLDivElement;
};

function $<K extends keyof Elements>(id: K): Elements[K] {
  const node = document.getElementById(id);
  if (!node) throw new Error(`index.html has no #${id}`);
  return node as Elements[K];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

type Chat = { id: number; title: string; kind: 'leaders' | 'unit' | 'discipline' | 'private'; member: boolean; members?: number };

const state: {
  info: SandboxInfo | null;
  me: number;
  chatId: number;
  /** chatId -> messageId -> what the server listed or sent */
  chats: Map<number, Map<number, ChatEntry>>;
  unread: Map<number, number>;
  replyTo: number | null;
  file: File | null;
  /** Where and when this page last sent or pressed something (a prompt that follows is for us). */
  lastAction: { chatId: number; at: number } | null;
  /** The bot's clock minus this browser's, in ms. */
  clockOffset: number | undefined;
  firstStart: boolean;
} = {
  info: null,
  me: Number(localStorage.getItem('duban.sandbox.me')) || 0,
  chatId: Number(localStorage.getItem('duban.sandbox.chat')) || 0,
  chats: new Map(),
  unread: new Map(),
  replyTo: null,
  file: null,
  lastAction: null,
  clockOffset: undefined,
  firstStart: false,
};

/** What the server said at the last load: every function below runs after the first one. */
function info(): SandboxInfo {
  if (!state.info) throw new Error('the sandbox state is not loaded yet');
  return state.info;
}

// --- API ---------------------------------------------------------------------------------------

async function api<R>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<R> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: method === 'POST' ? { 'x-sandbox': '1', ...(body instanceof Blob ? {} : { 'content-type': 'application/json' }), ...headers } : {},
      body: body === undefined ? null : body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch {
    throw new Error('network');
  }
  const data = (await res.json().catch(() => ({}))) as R & { error?: string };
  if (!res.ok) throw new Error(data.error || `http_${res.status}`);
  return data;
}

function errorText(error: unknown): string {
  const code = error instanceof Error ? error.message : String(error);
  return T.errors[code] || code;
}

// --- formatting --------------------------------------------------------------------------------

function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw, location.href);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** Builds the elements for text with Telegram entities (UTF-16 offsets, as JS strings count). */
function renderText(text: string, entities: MessageEntity[] | undefined): HTMLElement {
  const root = el('div', 'text');
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(root, text, sorted, 0, text.length);
  return root;
}

function build(parent: HTMLElement, text: string, entities: MessageEntity[], start: number, end: number): void {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const e = entities[i]!;
    if (e.offset >= end) break;
    const from = Math.max(e.offset, pos);
    const to = Math.min(e.offset + e.length, end);
    let j = i + 1;
    const inner: MessageEntity[] = [];
    while (j < entities.length && entities[j]!.offset < to) inner.push(entities[j++]!);
    if (from > pos) parent.append(text.slice(pos, from));
    if (to > from) {
      const node = entityElement(e, text.slice(from, to));
      build(node.inner, text, inner, from, to);
      parent.append(node.outer);
    }
    pos = Math.max(pos, to);
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

/** The element an entity becomes: `outer` goes in the parent, the entity's text goes in `inner`. */
type EntityNode = { outer: HTMLElement; inner: HTMLElement };
const single = (node: HTMLElement): EntityNode => ({ outer: node, inner: node });

function entityElement(entity: MessageEntity, content: string): EntityNode {
  switch (entity.type) {
    case 'bold':
      return single(el('strong'));
    case 'italic':
      return single(el('em'));
    case 'underline':
      return single(el('u'));
    case 'strikethrough':
      return single(el('s'));
    case 'code':
      return single(el('code'));
    case 'pre': {
      const pre = el('pre');
      const code = el('code');
      pre.append(code);
      return { outer: pre, inner: code };
    }
    case 'blockquote':
    case 'expandable_blockquote':
      return single(el('blockquote'));
    case 'spoiler': {
      const span = el('span', 'spoiler');
      span.addEventListener('click', () => span.classList.add('shown'));
      return single(span);
    }
    case 'text_link':
    case 'url':
    case 'email': {
      const href =
        entity.type === 'email'
          ? `mailto:${content}`
          : safeUrl(entity.type === 'text_link' ? entity.url : /^[a-z]+:/i.test(content) ? content : `http://${content}`);
      if (!href) return single(el('span'));
      const a = el('a');
      a.href = href;
      // A link to a message of one of these chats (https://t.me/c/<id>/<message>) opens it here.
      const local = /^https:\/\/t\.me\/c\/(\d+)\/(\d+)/.exec(href);
      if (local) {
        a.addEventListener('click', async (event) => {
          const chatId = Number(`-100${local[1]}`);
          if (!visibleChats().some((c) => c.id === chatId)) return;
          event.preventDefault();
          if (chatId !== currentChat().id) await openChat(chatId);
          flash(Number(local[2]));
        });
      }
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return single(a);
    }
    case 'bot_command': {
      const span = el('span', 'command');
      span.title = content;
      span.addEventListener('click', () => insertText(`${content.split('@')[0]} `));
      return single(span);
    }
    case 'mention':
    case 'text_mention':
      return single(el('span', 'mention'));
    case 'hashtag':
    case 'cashtag':
      return single(el('span', 'hashtag'));
    default:
      return single(el('span'));
  }
}

function displayName(user: User | undefined): string {
  if (!user) return '';
  if (state.info && user.id === state.info.bot.id) return state.info.bot.name;
  return [user.first_name, user.last_name].filter(Boolean).join(LANG === 'en' ? ' ' : '');
}

function colorClass(id: number): string {
  if (id === state.info?.bot.id) return 'cbot';
  return `c${Math.abs(Number(id)) % 7}`;
}

function avatar(nameOrUser: string | User, id: number, size = ''): HTMLSpanElement {
  const node = el('span', `avatar ${size} ${colorClass(id)}`.trim());
  node.textContent = (typeof nameOrUser === 'string' ? nameOrUser : displayName(nameOrUser)).slice(0, 1);
  node.setAttribute('aria-hidden', 'true');
  return node;
}

const formatters: Record<string, Intl.DateTimeFormat> = {};
function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  formatters[key] ||= new Intl.DateTimeFormat(LANG === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: state.info?.timezone || 'Asia/Shanghai',
    hourCycle: 'h23',
    ...options,
  });
  return formatters[key];
}
function parts(date: Date): Partial<Record<Intl.DateTimeFormatPartTypes, string>> {
  const out: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter('parts', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' }).formatToParts(
    date,
  ))
    out[p.type] = p.value;
  return out;
}
function weekday(date: Date): string {
  const ymd = formatter('ymd', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(ymd.find((p) => p.type === t)?.value);
  return T.weekdays[new Date(Date.UTC(get('year'), get('month') - 1, get('day'))).getUTCDay()] ?? '';
}
function fullTime(date: Date): string {
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day} ${weekday(date)} ${p.hour}:${p.minute}`;
}
function dayLabel(date: Date): string {
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day} ${weekday(date)}`;
}
function hhmm(date: Date): string {
  const p = parts(date);
  return `${p.hour}:${p.minute}`;
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A one-line summary of a message, for previews and quotes. */
function summary(message: Pick<Message, 'text' | 'caption' | 'document' | 'photo'> | undefined): string {
  if (!message) return '';
  if (message.text) return message.text;
  const prefix = message.document ? `📎 ${message.document.file_name || T.file}` : message.photo ? `🖼 ${T.photo}` : '';
  return [prefix, message.caption].filter(Boolean).join(' ');
}

// --- people and chats ----------------------------------------------------------------------------

function person(id: number): Persona | undefined {
  return info().people.find((p) => p.id === id);
}

function unitName(key: string | undefined): string {
  return info().groups.find((g) => g.unit === key)?.title || '';
}

function roleText(p: Persona): string {
  if (p.role === 'leader') return T.roleLeader;
  if (p.role === 'stranger') return T.roleStranger;
  if (p.role === 'supervisor') return T.roleSupervisor;
  return `${p.role === 'head' ? T.roleHead : T.roleStaff} · ${unitName(p.unit)}`;
}

function fullName(p: Persona): string {
  return LANG === 'en' ? `${p.firstName} ${p.lastName}` : `${p.firstName}${p.lastName}`;
}

function visibleChats(): Chat[] {
  const groups = info().groups.map(
    (g): Chat => ({
      id: g.id,
      title: g.title,
      kind: g.kind,
      member: g.members.includes(state.me),
      members: g.members.length,
    }),
  );
  return [...groups, { id: state.me, title: info().bot.name, kind: 'private', member: true }];
}

function currentChat(): Chat {
  const chats = visibleChats();
  // The private chat is always there, so the list is never empty.
  return chats.find((c) => c.id === state.chatId) || chats[0]!;
}

function renderIdentity() {
  const select = $('identity');
  select.replaceChildren(
    ...info().people.map((p) => {
      const option = el('option', '', `${fullName(p)} — ${roleText(p)}`);
      option.value = String(p.id);
      option.selected = p.id === state.me;
      return option;
    }),
  );
  const me = person(state.me);
  if (!me) return;
  $('me-name').textContent = fullName(me);
  $('me-role').textContent = roleText(me);
  $('me-avatar').replaceWith(Object.assign(avatar(me.firstName, me.id, 'big'), { id: 'me-avatar' }));
}

function renderChatList() {
  const list = $('chat-list');
  list.replaceChildren(
    ...visibleChats().map((chat) => {
      const li = el('li', `chat-item${chat.id === currentChat().id ? ' active' : ''}`);
      li.dataset.chatId = String(chat.id);
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.append(chat.kind === 'private' ? avatar(info().bot.name, info().bot.id) : avatar(chat.title.replace(/^市/, ''), chat.id));
      const text = el('div', 'info');
      text.append(el('div', 'title', chat.title));
      const last = lastMessage(chat.id);
      const tag =
        chat.kind === 'private'
          ? T.privateChat
          : `${chat.kind === 'leaders' ? T.leadersGroup : chat.kind === 'discipline' ? T.disciplineGroup : T.unitGroup}${chat.member ? '' : ` · ${T.notJoined}`}`;
      text.append(el('div', 'preview', last ? `${last.byBot ? '' : `${displayName(last.message.from)}: `}${summary(last.message)}` : ''));
      text.append(el('div', 'tag', tag));
      li.append(text);
      const unread = state.unread.get(chat.id) || 0;
      if (unread > 0 && chat.id !== currentChat().id) li.append(el('span', `badge${chat.member ? ' hot' : ''}`, String(unread)));
      const open = () => openChat(chat.id);
      li.addEventListener('click', open);
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open();
      });
      return li;
    }),
  );
}

function lastMessage(chatId: number): ChatEntry | null {
  const messages = state.chats.get(chatId);
  if (!messages || messages.size === 0) return null;
  return [...messages.values()].at(-1) ?? null;
}

async function loadChat(chatId: number): Promise<void> {
  const { messages } = await api<{ messages: ChatEntry[] }>('GET', `/chats/${chatId}/messages`);
  const map = new Map<number, ChatEntry>();
  for (const entry of messages) map.set(entry.message.message_id, entry);
  state.chats.set(chatId, map);
}

async function openChat(chatId: number): Promise<void> {
  state.chatId = chatId;
  localStorage.setItem('duban.sandbox.chat', String(chatId));
  state.unread.set(chatId, 0);
  clearReply();
  if (!state.chats.has(chatId)) await loadChat(chatId).catch(() => state.chats.set(chatId, new Map()));
  renderChatList();
  renderChat();
  renderCommands();
  $('text').focus();
}

function renderChat(scroll = true) {
  const chat = currentChat();
  $('chat-title').textContent = chat.title;
  $('chat-sub').textContent = chat.kind === 'private' ? `${T.privateChat} · @${info().bot.username}` : T.members(chat.members ?? 0);
  $('chat-avatar').replaceWith(
    Object.assign(chat.kind === 'private' ? avatar(info().bot.name, info().bot.id) : avatar(chat.title.replace(/^市/, ''), chat.id), { id: 'chat-avatar' }),
  );
  $('not-member').hidden = chat.member;
  for (const node of [$('text'), $('send'), $('file')]) node.disabled = !chat.member;
  const leader = person(state.me)?.role === 'leader';
  $('suggest').hidden = !(chat.kind === 'leaders' && leader);
  const box = $('messages');
  const messages = [...(state.chats.get(chat.id)?.values() || [])];
  const nodes = [];
  let lastDay = '';
  for (const entry of messages) {
    const date = new Date(entry.message.date * 1000);
    const day = dayLabel(date);
    if (day !== lastDay) {
      nodes.push(el('div', 'day', day));
      lastDay = day;
    }
    nodes.push(renderMessage(entry));
  }
  if (messages.length === 0) nodes.push(el('div', 'empty', chat.kind === 'private' ? T.emptyPrivate : T.empty));
  const kept = box.scrollTop;
  box.replaceChildren(...nodes);
  if (scroll) scrollToEnd();
  else box.scrollTop = kept;
}

/** To the newest message, again once fonts and pictures have changed the layout. */
function scrollToEnd() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
  requestAnimationFrame(() => (box.scrollTop = box.scrollHeight));
  document.fonts?.ready.then(() => (box.scrollTop = box.scrollHeight));
}

function renderMessage(entry: ChatEntry): HTMLElement {
  const m = entry.message;
  const own = !entry.byBot && m.from?.id === state.me;
  const row = el('div', `msg${own ? ' own' : ''}${entry.byBot ? ' bot' : ''}`);
  row.dataset.messageId = String(m.message_id);
  row.append(entry.byBot ? avatar(info().bot.name, info().bot.id, 'small') : avatar(m.from?.first_name || '?', m.from?.id || 0, 'small'));
  const body = el('div', 'msg-body');
  const bubble = el('div', 'bubble');
  if (!own) bubble.append(el('div', `sender${entry.byBot ? ' bot' : ''}`, entry.byBot ? `${info().bot.name} · ${T.bot}` : displayName(m.from)));
  if (m.reply_to_message) {
    const q = m.reply_to_message;
    const quote = el('div', 'quote');
    quote.append(el('div', 'q-name', q.from?.id === info().bot.id ? info().bot.name : displayName(q.from)));
    quote.append(el('div', 'q-text', summary(q)));
    quote.addEventListener('click', () => flash(q.message_id));
    bubble.append(quote);
  }
  if (m.photo?.length) {
    const biggest = m.photo.at(-1)!;
    const link = el('a');
    link.href = `/api/files/${encodeURIComponent(biggest.file_id)}?inline=1`;
    link.target = '_blank';
    link.rel = 'noopener';
    const img = el('img', 'photo');
    img.addEventListener('load', () => {
      const box = $('messages');
      if (box.scrollHeight - box.scrollTop - box.clientHeight < img.height + 120) box.scrollTop = box.scrollHeight;
    });
    img.src = link.href;
    img.alt = m.caption || T.photo;
    link.append(img);
    bubble.append(link);
  }
  if (m.document) {
    const a = el('a', 'file');
    a.href = `/api/files/${encodeURIComponent(m.document.file_id)}`;
    a.download = m.document.file_name || 'file';
    a.title = T.download;
    a.append(el('span', 'file-icon', '⬇'));
    const info = el('span');
    info.append(el('div', 'file-name', m.document.file_name || T.file));
    info.append(el('div', 'file-size', `${sizeText(m.document.file_size || 0)} · ${T.download}`));
    a.append(info);
    bubble.append(a);
  }
  if (m.text !== undefined) bubble.append(renderText(m.text, m.entities));
  else if (m.caption) bubble.append(renderText(m.caption, m.caption_entities));
  const meta = el('div', 'meta');
  const replyButton = el('button', 'reply-btn', T.reply);
  replyButton.type = 'button';
  replyButton.addEventListener('click', () => startReply(entry));
  if (currentChat().member) meta.append(replyButton);
  if (m.edit_date) meta.append(el('span', 'edited', T.edited));
  meta.append(el('time', '', hhmm(new Date(m.date * 1000))));
  bubble.append(meta);
  body.append(bubble);
  const keyboard = m.reply_markup?.inline_keyboard;
  if (keyboard?.length) {
    const kb = el('div', 'keyboard');
    for (const row of keyboard) {
      const r = el('div', 'kb-row');
      for (const button of row) {
        if ('url' in button) {
          const href = safeUrl(button.url);
          const a = el('a', '', button.text);
          if (href) {
            a.href = href;
            a.target = '_blank';
            a.rel = 'noopener noreferrer';
          }
          r.append(a);
        } else {
          const data = 'callback_data' in button ? button.callback_data : '';
          const b = el('button', '', button.text);
          b.type = 'button';
          b.dataset.callback = data;
          b.addEventListener('click', () => press(m.message_id, data, b));
          r.append(b);
        }
      }
      kb.append(r);
    }
    body.append(kb);
  }
  row.append(body);
  return row;
}

function flash(messageId: number): void {
  const node = $('messages').querySelector(`[data-message-id="${messageId}"]`);
  if (!node) return;
  node.scrollIntoView({ block: 'center', behavior: 'smooth' });
  node.classList.add('flash');
  setTimeout(() => node.classList.remove('flash'), 1200);
}

// --- acting ------------------------------------------------------------------------------------

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function toast(text: string, alert = false): void {
  const box = $('toast');
  box.textContent = text;
  box.className = `toast${alert ? ' alert' : ''}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), alert ? 6000 : 3000);
}

function insertText(text: string): void {
  const box = $('text');
  box.value = text;
  box.focus();
  autosize();
  renderCommands();
}

function startReply(entry: ChatEntry): void {
  state.replyTo = entry.message.message_id;
  $('reply-text').textContent = `${entry.byBot ? info().bot.name : displayName(entry.message.from)}: ${summary(entry.message)}`;
  $('reply-bar').hidden = false;
  $('text').focus();
}

function clearReply() {
  state.replyTo = null;
  $('reply-bar').hidden = true;
  $('text').placeholder = T.placeholder;
}

function clearFile() {
  state.file = null;
  $('file').value = '';
  $('attach-bar').hidden = true;
}

async function send() {
  const chat = currentChat();
  const text = $('text').value;
  const replyTo = state.replyTo;
  const file = state.file;
  if (!file && text.trim() === '') return;
  $('send').disabled = true;
  state.lastAction = { chatId: chat.id, at: Date.now() };
  try {
    if (file) {
      const q = new URLSearchParams({ as: String(state.me), name: file.name, lang: LANG });
      if (text.trim()) q.set('caption', text);
      if (replyTo) q.set('replyTo', String(replyTo));
      await api('POST', `/chats/${chat.id}/files?${q}`, file, { 'content-type': file.type || 'application/octet-stream' });
    } else {
      await api('POST', `/chats/${chat.id}/messages`, { as: state.me, text, lang: LANG, ...(replyTo ? { replyTo } : {}) });
    }
    // Clear only what this send took: while it was on its way the person may have switched
    // chats and started the next message or attached the next file.
    if ($('text').value === text) {
      $('text').value = '';
      autosize();
    }
    renderCommands();
    if (state.replyTo === replyTo) clearReply();
    if (state.file === file) clearFile();
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    $('send').disabled = !currentChat().member;
    $('text').focus();
  }
}

async function press(messageId: number, data: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  state.lastAction = { chatId: currentChat().id, at: Date.now() };
  try {
    const { answer } = await api<{ answer?: PressAnswer }>('POST', `/chats/${currentChat().id}/messages/${messageId}/press`, {
      as: state.me,
      data,
      lang: LANG,
    });
    if (answer?.text) toast(answer.text, Boolean(answer.alert));
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    button.disabled = false;
  }
}

async function moveClock(step: 'next' | 'hour' | 'day'): Promise<void> {
  const buttons = [$('clock-next'), $('clock-hour'), $('clock-day')];
  for (const b of buttons) b.disabled = true;
  try {
    const result = await api<AdvanceResultJson>('POST', '/clock', { step });
    setClock(new Date(result.to));
    const counts = new Map<DueKind, number>();
    for (const r of result.ran) if (r.kind !== 'time') counts.set(r.kind, (counts.get(r.kind) || 0) + 1);
    const ran = [...counts].map(([kind, n]) => `${T.kinds[kind]}×${n}`).join(LANG === 'en' ? ', ' : '、');
    toast(T.clockMoved(fullTime(new Date(result.to)), ran));
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

async function reset() {
  if (!confirm(T.confirmReset)) return;
  $('reset').disabled = true;
  try {
    await api('POST', '/reset');
    toast(T.resetDone);
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    $('reset').disabled = false;
  }
}

// --- clock -----------------------------------------------------------------------------------------

/** The bot's clock runs on from the server's last word: offset from this browser's clock. */
function setClock(now: Date): void {
  state.clockOffset = now.getTime() - Date.now();
  tickClock();
}
function tickClock() {
  if (state.clockOffset === undefined) return;
  $('clock-now').textContent = fullTime(new Date(Date.now() + state.clockOffset));
}

// --- live updates --------------------------------------------------------------------------------

function onMessageEvent(event: SandboxEventData['message']): void {
  const chatId = event.chatId;
  const visible = visibleChats().some((c) => c.id === chatId);
  if (!state.chats.has(chatId)) {
    if (!visible) return;
    state.chats.set(chatId, new Map());
  }
  const messages = state.chats.get(chatId)!;
  const id = event.message.message_id;
  if (event.kind === 'deleted') messages.delete(id);
  else messages.set(id, { message: event.message, byBot: event.byBot, deleted: false });
  if (chatId === currentChat().id) {
    const box = $('messages');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const existing = box.querySelector(`[data-message-id="${id}"]`);
    const entry = messages.get(id);
    if (event.kind === 'edited' && existing && entry) existing.replaceWith(renderMessage(entry));
    else if (event.kind === 'deleted') existing?.remove();
    else renderChat(false);
    if (atBottom || (event.kind === 'new' && event.message.from?.id === state.me)) scrollToEnd();
  } else if (event.kind === 'new' && visible) {
    state.unread.set(chatId, (state.unread.get(chatId) || 0) + 1);
  }
  renderChatList();
}

/**
 * The bot asks for a reply (force_reply): open it for the person who just acted in that chat, as
 * Telegram's clients do for the person the prompt is meant for.
 */
function onPrompt(event: SandboxEventData['prompt']): void {
  const entry = state.chats.get(event.chatId)?.get(event.messageId);
  const recent = state.lastAction && state.lastAction.chatId === event.chatId && Date.now() - state.lastAction.at < 15_000;
  if (!entry || !recent || event.chatId !== currentChat().id || !currentChat().member) return;
  startReply(entry);
  if (event.placeholder) $('text').placeholder = event.placeholder;
}

function showStatus(status: SandboxStatus, firstStart = state.firstStart): void {
  state.firstStart = firstStart;
  const overlay = $('overlay');
  if (status === 'ready') {
    overlay.hidden = true;
    return;
  }
  $('overlay-text').textContent = status === 'resetting' ? T.resetting : firstStart ? T.firstStart : T.starting;
  overlay.hidden = false;
}

function connectEvents() {
  const source = new EventSource('/api/events');
  let wasDown = false;
  const data = <K extends keyof SandboxEventData>(_name: K, e: MessageEvent<string>) => JSON.parse(e.data) as SandboxEventData[K];
  source.addEventListener('message', (e) => onMessageEvent(data('message', e)));
  source.addEventListener('clock', (e) => setClock(new Date(data('clock', e).now)));
  source.addEventListener('status', (e) => {
    const { status, firstStart } = data('status', e);
    showStatus(status, firstStart);
  });
  source.addEventListener('prompt', (e) => onPrompt(data('prompt', e)));
  source.addEventListener('reset', () => reload());
  source.addEventListener('open', () => {
    if (wasDown) reload();
    wasDown = false;
  });
  source.addEventListener('error', () => {
    wasDown = true;
  });
}

// --- start -----------------------------------------------------------------------------------------

async function reload(): Promise<void> {
  let loaded: SandboxInfo;
  for (;;) {
    try {
      loaded = await api<SandboxInfo>('GET', '/state');
      break;
    } catch {
      showStatus('starting');
      await new Promise((r) => setTimeout(r, 700));
    }
  }
  showStatus('ready');
  state.info = loaded;
  if (!person(state.me)) state.me = loaded.people[0]?.id ?? 0;
  setClock(new Date(loaded.now));
  state.chats.clear();
  state.unread.clear();
  await Promise.all(visibleChats().map((c) => loadChat(c.id).catch(() => state.chats.set(c.id, new Map()))));
  if (!visibleChats().some((c) => c.id === state.chatId)) state.chatId = currentChat().id;
  $('suggest-chip').textContent = loaded.suggestion;
  renderIdentity();
  await openChat(state.chatId);
}

/** The bot's command menu for this kind of chat, as Telegram shows it when a message starts with "/". */
function renderCommands() {
  const list = $('commands');
  const text = $('text').value;
  const match = /^\/(\w*)$/.exec(text);
  const chat = currentChat();
  const menu = state.info?.commands[chat.kind === 'private' ? 'private' : 'group'][LANG] || [];
  const typed = match?.[1];
  const shown = typed !== undefined && chat.member ? menu.filter((c) => c.command.startsWith(typed)) : [];
  list.hidden = shown.length === 0;
  list.replaceChildren(
    ...shown.map((c) => {
      const li = el('li');
      li.setAttribute('role', 'option');
      li.append(el('span', 'cmd', `/${c.command}`), el('span', 'desc', c.description));
      li.addEventListener('click', () => {
        insertText(`/${c.command} `);
        list.hidden = true;
      });
      return li;
    }),
  );
}

function autosize() {
  const box = $('text');
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight + 2, 160)}px`;
}

function init() {
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) node.textContent = T[node.dataset.i18n as Label];
  for (const node of document.querySelectorAll<HTMLTextAreaElement>('[data-i18n-placeholder]')) node.placeholder = T[node.dataset.i18nPlaceholder as Label];
  $('attach').title = T.attach;
  document.title = LANG === 'en' ? 'duban · sandbox' : '督办 · 沙盒';
  $('identity').addEventListener('change', async () => {
    state.me = Number($('identity').value);
    localStorage.setItem('duban.sandbox.me', String(state.me));
    renderIdentity();
    if (!state.chats.has(state.me)) await loadChat(state.me).catch(() => state.chats.set(state.me, new Map()));
    if (!visibleChats().some((c) => c.id === state.chatId) || state.chatId > 0) state.chatId = state.me;
    await openChat(state.chatId);
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  $('text').addEventListener('input', () => {
    autosize();
    renderCommands();
  });
  $('reply-cancel').addEventListener('click', clearReply);
  $('attach-cancel').addEventListener('click', clearFile);
  $('file').addEventListener('change', () => {
    const file = $('file').files?.[0];
    if (!file) return;
    state.file = file;
    $('attach-name').textContent = `📎 ${file.name} (${sizeText(file.size)})`;
    $('attach-bar').hidden = false;
  });
  $('suggest-chip').addEventListener('click', () => insertText(info().suggestion));
  $('clock-next').addEventListener('click', () => moveClock('next'));
  $('clock-hour').addEventListener('click', () => moveClock('hour'));
  $('clock-day').addEventListener('click', () => moveClock('day'));
  $('reset').addEventListener('click', reset);
  setInterval(tickClock, 1000);
  connectEvents();
  reload();
}

init();

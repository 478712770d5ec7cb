/**
 * Formatted text as Telegram handles it: `parse_mode` HTML / MarkdownV2 / Markdown turned into
 * plain text plus entities (UTF-16 offsets), the error messages Telegram gives for malformed
 * markup (they mirror tdlib's parsers, byte offsets included), automatic detection of commands,
 * mentions, hashtags, e-mails and URLs, and the trimming of surrounding whitespace.
 */
import type { MessageEntity, User } from 'grammy/types';
import { badRequest, type ApiError } from './api-error.js';

/** Entities while they are built; cast to grammY's `MessageEntity` union at the end. */
type Entity = {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: User;
  custom_emoji_id?: string;
};

export type FormattedText = { text: string; entities: MessageEntity[] };

export type FormatOptions = {
  /** Resolves `tg://user?id=` links into text_mention entities; unknown users drop the link. */
  findUser: (id: number) => User | undefined;
};

/**
 * Parses text with an optional parse_mode (or explicit entities), detects the automatic entities,
 * and trims surrounding whitespace, as Telegram does before storing a message or caption.
 * Throws a 400 ApiError with Telegram's "can't parse entities" description for malformed markup.
 */
export function formatText(input: string, parseMode: string | undefined, explicit: MessageEntity[] | undefined, options: FormatOptions): FormattedText {
  let parsed: { text: string; entities: Entity[] };
  const mode = parseMode?.toLowerCase();
  if (mode === undefined || mode === '') {
    parsed = { text: input, entities: (explicit ?? []).map((e) => ({ ...e }) as Entity) };
  } else if (mode === 'html') {
    parsed = wrapParse(() => parseHtml(input, options));
  } else if (mode === 'markdownv2') {
    parsed = wrapParse(() => parseMarkdownV2(input, options));
  } else if (mode === 'markdown') {
    parsed = wrapParse(() => parseMarkdown(input, options));
  } else {
    throw badRequest(`unsupported parse_mode`);
  }
  const detected = detectEntities(parsed.text, parsed.entities);
  const trimmed = trim(parsed.text, [...parsed.entities, ...detected]);
  return { text: trimmed.text, entities: sortEntities(trimmed.entities) as MessageEntity[] };
}

/** The entities Telegram detects by itself in a user's plain text. */
export function detectTextEntities(text: string): MessageEntity[] {
  return sortEntities(detectEntities(text, [])) as MessageEntity[];
}

/** Code points, which is how Telegram counts the 4096 / 1024 character limits. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

class ParseError extends Error {}

function wrapParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ParseError) throw badRequest(`can't parse entities: ${error.message}`) as ApiError;
    throw error;
  }
}

function sortEntities(entities: Entity[]): Entity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** tdlib's is_space: the terminating NUL (here: past the end) counts as space. */
function isSpace(c: string): boolean {
  return c === '' || c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\0';
}

// ---------------------------------------------------------------------------------------------
// Links

/** `tg://user?id=123` -> 123 */
function linkUserId(url: string): number | undefined {
  const match = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(url.trim());
  return match ? Number(match[1]) : undefined;
}

/** Telegram's check_link: adds a missing scheme, normalises http(s) URLs, refuses other schemes. */
export function checkLink(raw: string): string | undefined {
  let url = raw.trim();
  if (url === '') return undefined;
  if (/^(tg|ton):/i.test(url)) return url;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname;
  if (!host.includes('.') && host !== 'localhost' && !host.startsWith('[')) return undefined;
  return parsed.toString();
}

function linkEntity(url: string, offset: number, length: number, options: FormatOptions): Entity | undefined {
  const userId = linkUserId(url);
  if (userId !== undefined) {
    const user = options.findUser(userId);
    return user ? { type: 'text_mention', offset, length, user } : undefined;
  }
  const checked = checkLink(url);
  return checked ? { type: 'text_link', offset, length, url: checked } : undefined;
}

// ---------------------------------------------------------------------------------------------
// HTML (tdlib's parse_html)

const HTML_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote']);

function decodeHtmlEntity(text: string, pos: number): { char: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (text[end] === '#') {
    end++;
    if (text[end] === 'x') {
      end++;
      while (end < text.length && /[0-9a-fA-F]/.test(text[end]!)) {
        code = code * 16 + parseInt(text[end]!, 16);
        end++;
        if (code >= 0x10ffff) return undefined;
      }
    } else {
      while (end < text.length && /[0-9]/.test(text[end]!)) {
        code = code * 10 + Number(text[end]);
        end++;
        if (code >= 0x10ffff) return undefined;
      }
    }
    if (code === 0 || end - pos >= 10) return undefined;
  } else {
    while (end < text.length && /[A-Za-z]/.test(text[end]!)) end++;
    const name = text.slice(pos + 1, end);
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    const value = named[name];
    if (value === undefined) return undefined;
    code = value;
  }
  if (text[end] === ';') end++;
  return { char: String.fromCodePoint(code), end };
}

function parseHtml(text: string, options: FormatOptions): { text: string; entities: Entity[] } {
  const n = text.length;
  const at = (k: number): string => (k < n ? text[k]! : '');
  const err = (message: string) => new ParseError(message);
  let result = '';
  const entities: Entity[] = [];
  const nested: { tag: string; argument: string; offset: number }[] = [];

  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c === '&') {
      const decoded = decodeHtmlEntity(text, i);
      if (decoded) {
        result += decoded.char;
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== '<') {
      result += c;
      continue;
    }

    const begin = i;
    i++;
    if (at(i) !== '/') {
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      if (at(i) === '') throw err(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
      const tag = text.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        throw err(`Unsupported start tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
      }
      let argument = '';
      while (at(i) !== '>') {
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) === '>') break;
        const attributeBegin = i;
        while (!isSpace(at(i)) && at(i) !== '=') i++;
        const attribute = text.slice(attributeBegin, i);
        if (attribute === '') {
          throw err(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
        }
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) !== '=') {
          throw err(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
        }
        i++;
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) === '') throw err(`Unclosed start tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
        let value = '';
        if (at(i) !== "'" && at(i) !== '"') {
          const tokenBegin = i;
          while (/^[A-Za-z0-9.-]$/.test(at(i))) i++;
          value = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== '>') {
            throw err(`Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`);
          }
        } else {
          const quote = text[i++];
          while (at(i) !== quote && at(i) !== '') {
            if (at(i) === '&') {
              const decoded = decodeHtmlEntity(text, i);
              if (decoded) {
                value += decoded.char;
                i = decoded.end;
                continue;
              }
            }
            value += text[i++];
          }
          if (at(i) === quote) i++;
        }
        if (at(i) === '') throw err(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);

        if (tag === 'a' && attribute === 'href') argument = value;
        else if (tag === 'code' && attribute === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tag === 'span' && attribute === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tag === 'tg-emoji' && attribute === 'emoji-id') argument = value;
        else if (tag === 'blockquote' && attribute === 'expandable') argument = '1';
      }
      if (tag === 'span' && argument !== 'spoiler') {
        throw err(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(text, begin)}`);
      }
      nested.push({ tag, argument, offset: result.length });
    } else {
      if (nested.length === 0) throw err(`Unexpected end tag at byte offset ${byteOffset(text, begin)}`);
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      const endTag = text.slice(begin + 2, i);
      while (at(i) !== '' && isSpace(at(i))) i++;
      if (at(i) !== '>') throw err(`Unclosed end tag at byte offset ${byteOffset(text, begin)}`);
      const open = nested.pop()!;
      if (endTag !== '' && endTag !== open.tag) {
        throw err(`Unmatched end tag at byte offset ${byteOffset(text, begin)}, expected "</${open.tag}>", found "</${endTag}>"`);
      }
      const offset = open.offset;
      const length = result.length - offset;
      if (length > 0) {
        const last = entities[entities.length - 1];
        const sameSpan = last !== undefined && last.offset === offset && last.length === length;
        switch (open.tag) {
          case 'i':
          case 'em':
            entities.push({ type: 'italic', offset, length });
            break;
          case 'b':
          case 'strong':
            entities.push({ type: 'bold', offset, length });
            break;
          case 's':
          case 'strike':
          case 'del':
            entities.push({ type: 'strikethrough', offset, length });
            break;
          case 'u':
          case 'ins':
            entities.push({ type: 'underline', offset, length });
            break;
          case 'tg-spoiler':
          case 'span':
            entities.push({ type: 'spoiler', offset, length });
            break;
          case 'tg-emoji':
            if (/^\d+$/.test(open.argument)) entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
            break;
          case 'a': {
            const url = open.argument === '' ? result.slice(offset) : open.argument;
            const link = linkEntity(url, offset, length, options);
            if (link) entities.push(link);
            break;
          }
          case 'pre':
            if (sameSpan && last.type === 'code' && last.language) {
              last.type = 'pre';
            } else {
              entities.push({ type: 'pre', offset, length });
            }
            break;
          case 'code':
            if (sameSpan && last.type === 'pre' && last.language === undefined) {
              if (open.argument) last.language = open.argument;
            } else {
              entities.push({ type: 'code', offset, length, ...(open.argument ? { language: open.argument } : {}) });
            }
            break;
          case 'blockquote':
            entities.push({ type: open.argument ? 'expandable_blockquote' : 'blockquote', offset, length });
            break;
        }
      }
    }
  }
  if (nested.length > 0) {
    throw err(`Can't find end tag corresponding to start tag "${nested[nested.length - 1]!.tag}"`);
  }
  // a <code class="language-x"> outside <pre> is plain code: the language only lives on pre
  for (const entity of entities) if (entity.type === 'code') delete entity.language;
  return { text: result, entities };
}

// ---------------------------------------------------------------------------------------------
// MarkdownV2 (tdlib's parse_markdown_v2)

const MD2_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  code: 'Code',
  pre: 'Pre',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
};

function parseMarkdownV2(text: string, options: FormatOptions): { text: string; entities: Entity[] } {
  const n = text.length;
  const at = (k: number): string => (k < n ? text[k]! : '');
  const err = (message: string) => new ParseError(message);
  const isEscapable = (ch: string) => ch !== '' && ch.charCodeAt(0) > 0 && ch.charCodeAt(0) <= 126;
  let result = '';
  const entities: Entity[] = [];
  const nested: { type: string; language?: string; offset: number; byte: number }[] = [];
  let quoteStart: number | undefined;

  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart && nested.length === 0) {
      if (c === '>') {
        quoteStart ??= result.length;
        continue;
      }
      if (quoteStart !== undefined) {
        // the quote ended on the previous line; its trailing newline is not part of it
        const end = result.endsWith('\n') ? result.length - 1 : result.length;
        if (end > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: end - quoteStart });
        quoteStart = undefined;
      }
    }
    if (c === '\\' && isEscapable(at(i + 1))) {
      i++;
      result += text[i];
      continue;
    }
    const top = nested[nested.length - 1];
    const reserved = top && (top.type === 'code' || top.type === 'pre') ? '`' : '_*[]()~`>#+-=|{}.!';
    if (!reserved.includes(c)) {
      result += c;
      continue;
    }
    let isEnd = false;
    if (top) {
      switch (top.type) {
        case 'bold':
          isEnd = c === '*';
          break;
        case 'italic':
          isEnd = c === '_' && at(i + 1) !== '_';
          break;
        case 'code':
          isEnd = c === '`';
          break;
        case 'pre':
          isEnd = c === '`' && at(i + 1) === '`' && at(i + 2) === '`';
          break;
        case 'text_link':
          isEnd = c === ']';
          break;
        case 'underline':
          isEnd = c === '_' && at(i + 1) === '_';
          break;
        case 'strikethrough':
          isEnd = c === '~';
          break;
        case 'spoiler':
          isEnd = c === '|' && at(i + 1) === '|';
          break;
        case 'custom_emoji':
          isEnd = c === ']';
          break;
      }
    }
    const reservedError = () => err(`Character '${text[i]}' is reserved and must be escaped with the preceding '\\'`);
    if (!isEnd) {
      const byte = byteOffset(text, i);
      let type: string;
      let language: string | undefined;
      switch (c) {
        case '_':
          if (at(i + 1) === '_') {
            type = 'underline';
            i++;
          } else type = 'italic';
          break;
        case '*':
          type = 'bold';
          break;
        case '~':
          type = 'strikethrough';
          break;
        case '|':
          if (at(i + 1) !== '|') throw reservedError();
          i++;
          type = 'spoiler';
          break;
        case '[':
          type = 'text_link';
          break;
        case '`':
          if (at(i + 1) === '`' && at(i + 2) === '`') {
            i += 3;
            type = 'pre';
            let languageEnd = i;
            while (!isSpace(at(languageEnd)) && at(languageEnd) !== '`') languageEnd++;
            if (i !== languageEnd && languageEnd < n && at(languageEnd) !== '`') {
              language = text.slice(i, languageEnd);
              i = languageEnd;
            }
            if (at(i) === '\n' || at(i) === '\r') {
              if ((at(i + 1) === '\n' || at(i + 1) === '\r') && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else type = 'code';
          break;
        case '!':
          if (at(i + 1) === '[') {
            i++;
            type = 'custom_emoji';
            break;
          }
          throw reservedError();
        default:
          throw reservedError();
      }
      nested.push({ type, offset: result.length, byte, ...(language ? { language } : {}) });
    } else {
      const open = nested.pop()!;
      let skip = result.length === open.offset;
      let entity: Entity | undefined;
      const offset = open.offset;
      const length = result.length - offset;
      switch (open.type) {
        case 'underline':
        case 'spoiler':
          i++;
          break;
        case 'pre':
          i += 2;
          break;
        case 'text_link': {
          let url = '';
          if (at(i + 1) !== '(') {
            url = result.slice(offset);
          } else {
            i += 2;
            const urlBegin = i;
            while (i < n && text[i] !== ')') {
              if (text[i] === '\\' && isEscapable(at(i + 1))) {
                url += text[i + 1];
                i += 2;
                continue;
              }
              url += text[i++];
            }
            if (at(i) !== ')') throw err(`Can't find end of a URL at byte offset ${byteOffset(text, urlBegin)}`);
          }
          entity = linkEntity(url, offset, length, options);
          if (!entity) skip = true;
          break;
        }
        case 'custom_emoji': {
          if (at(i + 1) !== '(') throw err(`Custom emoji entity must contain a tg://emoji URL`);
          i += 2;
          let url = '';
          while (i < n && text[i] !== ')') url += text[i++];
          const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
          if (!id) throw err(`Custom emoji URL must have an emoji identifier`);
          entity = { type: 'custom_emoji', offset, length, custom_emoji_id: id };
          break;
        }
      }
      if (!skip) {
        entities.push(entity ?? { type: open.type, offset, length, ...(open.language ? { language: open.language } : {}) });
      }
    }
  }
  if (nested.length > 0) {
    const open = nested[nested.length - 1]!;
    throw err(`Can't find end of ${MD2_NAMES[open.type] ?? open.type} entity at byte offset ${open.byte}`);
  }
  if (quoteStart !== undefined && result.length > quoteStart) {
    entities.push({ type: 'blockquote', offset: quoteStart, length: result.length - quoteStart });
  }
  return { text: result, entities };
}

// ---------------------------------------------------------------------------------------------
// Legacy Markdown (tdlib's parse_markdown)

function parseMarkdown(text: string, options: FormatOptions): { text: string; entities: Entity[] } {
  const n = text.length;
  const at = (k: number): string => (k < n ? text[k]! : '');
  let result = '';
  const entities: Entity[] = [];
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c === '\\' && '_*`['.includes(at(i + 1)) && at(i + 1) !== '') {
      i++;
      result += text[i];
      continue;
    }
    if (c !== '_' && c !== '*' && c !== '`' && c !== '[') {
      result += c;
      continue;
    }
    const begin = i;
    const endCharacter = c === '[' ? ']' : c;
    let isPre = false;
    let language: string | undefined;
    i++;
    if (c === '`' && at(i) === '`' && at(i + 1) === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (!isSpace(at(languageEnd)) && at(languageEnd) !== '`') languageEnd++;
      if (i !== languageEnd && languageEnd < n && at(languageEnd) !== '`') {
        language = text.slice(i, languageEnd);
        i = languageEnd;
      }
      if (at(i) === '\n' || at(i) === '\r') {
        if ((at(i + 1) === '\n' || at(i + 1) === '\r') && at(i) !== at(i + 1)) i += 2;
        else i++;
      }
    }
    const offset = result.length;
    while (i < n && (text[i] !== endCharacter || (isPre && !(at(i + 1) === '`' && at(i + 2) === '`')))) {
      result += text[i++];
    }
    if (i === n) {
      throw new ParseError(`Can't find end of the entity starting at byte offset ${byteOffset(text, begin)}`);
    }
    const length = result.length - offset;
    if (length > 0) {
      switch (c) {
        case '_':
          entities.push({ type: 'italic', offset, length });
          break;
        case '*':
          entities.push({ type: 'bold', offset, length });
          break;
        case '[': {
          let url = '';
          if (at(i + 1) !== '(') {
            url = text.slice(begin + 1, i);
          } else {
            i += 2;
            while (i < n && text[i] !== ')') url += text[i++];
          }
          const link = linkEntity(url, offset, length, options);
          if (link) entities.push(link);
          break;
        }
        case '`':
          entities.push(isPre ? { type: 'pre', offset, length, ...(language ? { language } : {}) } : { type: 'code', offset, length });
          break;
      }
    }
    if (isPre) i += 2;
  }
  return { text: result, entities };
}

// ---------------------------------------------------------------------------------------------
// Automatic entities and trimming

/** Entities that automatic detection never overlaps. */
const OPAQUE = new Set([
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
  'url',
  'email',
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'phone_number',
]);

const BARE_TLDS = new Set([
  'com',
  'org',
  'net',
  'io',
  'ru',
  'cn',
  'gov',
  'edu',
  'info',
  'me',
  'dev',
  'app',
  'ai',
  'co',
  'uk',
  'de',
  'fr',
  'jp',
  'us',
  'tv',
  'xyz',
  'top',
  'site',
  'online',
  'tech',
  'cc',
  'hk',
  'tw',
  'org.cn',
  'gov.cn',
]);

const DETECTORS: { type: string; pattern: RegExp }[] = [
  { type: 'bot_command', pattern: /(?<![A-Za-z0-9_/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/])/g },
  { type: 'email', pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])/g },
  {
    type: 'url',
    pattern: /(?<![A-Za-z0-9_@/.-])(?:https?:\/\/)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?::\d{1,5})?(?:[/?#][^\s，。；：！？、（）【】《》“”‘’<>"]*)?/gi,
  },
  { type: 'mention', pattern: /(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{4,32}(?![A-Za-z0-9_@])/g },
  { type: 'hashtag', pattern: /(?<![\p{L}\p{N}_#])#(?=[\p{L}\p{N}_]*[\p{L}_])[\p{L}\p{N}_]{1,256}/gu },
];

function detectEntities(text: string, existing: Entity[]): Entity[] {
  const taken: Entity[] = existing.filter((e) => OPAQUE.has(e.type));
  const found: Entity[] = [];
  const overlaps = (offset: number, length: number) => taken.some((e) => offset < e.offset + e.length && e.offset < offset + length);
  for (const { type, pattern } of DETECTORS) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      let value = match[0];
      if (type === 'url') {
        value = value.replace(/[.,:;!?'")\]]+$/, '');
        const hasScheme = /^https?:\/\//i.test(value);
        const host = value
          .replace(/^https?:\/\//i, '')
          .split(/[/:?#]/)[0]!
          .toLowerCase();
        const labels = host.split('.');
        const tld = labels[labels.length - 1]!;
        const tld2 = labels.slice(-2).join('.');
        if (!hasScheme && !BARE_TLDS.has(tld) && !BARE_TLDS.has(tld2)) continue;
      }
      const offset = match.index;
      if (value.length === 0 || overlaps(offset, value.length)) continue;
      const entity: Entity = { type, offset, length: value.length };
      found.push(entity);
      taken.push(entity);
    }
  }
  return found;
}

/** Telegram strips whitespace around a message's text; entities are clipped to what remains. */
function trim(text: string, entities: Entity[]): { text: string; entities: Entity[] } {
  const leading = text.length - text.trimStart().length;
  const kept = text.trim();
  const out: Entity[] = [];
  for (const entity of entities) {
    const start = Math.max(0, entity.offset - leading);
    const end = Math.min(kept.length, entity.offset + entity.length - leading);
    if (end > start) out.push({ ...entity, offset: start, length: end - start });
  }
  return { text: kept, entities: out };
}

/**
 * Send options for a text without a link preview. Texts are HTML by default (parse_mode is set
 * once, by src/outbox/html-by-default.ts); a preview would repeat a link's page under the message.
 */
export const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

/** Escapes text for Telegram's parse_mode HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens text to `max` characters (Telegram messages are at most 4096). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export type NamedPerson = { id: number; firstName?: string | null; lastName?: string | null; username?: string | null };

/** A Han character (or a full-width CJK mark) at the edge of a name part. */
const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/**
 * How a person is named in messages: first and last name as Telegram has them, joined the way the
 * language joins them: "Li Mayor", but "李市长" (no space between Chinese parts); else the
 * @username, else the id.
 */
export function displayName(person: NamedPerson): string {
  const parts = [person.firstName, person.lastName].map((p) => (p ?? '').trim()).filter(Boolean);
  const [first, last] = parts;
  const name = first && last && CJK.test([...first].at(-1)!) && CJK.test([...last][0]!) ? `${first}${last}` : parts.join(' ');
  if (name) return name;
  if (person.username) return `@${person.username}`;
  return String(person.id);
}

/** A tappable mention of a person, in HTML. */
export function mention(person: NamedPerson): string {
  return `<a href="tg://user?id=${person.id}">${escapeHtml(displayName(person))}</a>`;
}

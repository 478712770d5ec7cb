/** Escapes text for Telegram's parse_mode HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens text to `max` characters (Telegram messages are at most 4096). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export type NamedPerson = { id: number; firstName?: string | null; lastName?: string | null; username?: string | null };

export function displayName(person: NamedPerson): string {
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ').trim();
  if (name) return name;
  if (person.username) return `@${person.username}`;
  return String(person.id);
}

/** A tappable mention of a person, in HTML. */
export function mention(person: NamedPerson): string {
  return `<a href="tg://user?id=${person.id}">${escapeHtml(displayName(person))}</a>`;
}

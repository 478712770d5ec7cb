/**
 * Every sentence the parser can say about what it could not read, in one place, so that the bot
 * can later translate them (the function name is the key) without hunting through the grammar.
 * Quoted fragments are the words as the leader wrote them.
 */
export const parserWarnings = {
  emptyText: () => 'the instruction text is empty',
  truncated: (limit: number) => `the text is longer than ${limit} characters; only the first ${limit} were read`,
  noLead: () => 'no lead unit found (no 牵头/负责/办理 or "to lead" next to a unit name)',
  leadAssumed: (lead: string, others: string[]) =>
    others.length === 0
      ? `no role word (牵头, 负责, 配合 ...) next to the unit names; "${lead}", named first, is taken as the lead unit`
      : `no role word (牵头, 负责, 配合 ...) next to the unit names; "${lead}", named first, is taken as the lead unit and ${others.map((o) => `"${o}"`).join(', ')} as cooperating`,
  unknownUnit: (name: string, suggestions: string[]) =>
    suggestions.length === 0
      ? `unit "${name}" is not in the registry`
      : `unit "${name}" is not in the registry (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)`,
  noDeadline: () => 'no deadline found',
  invalidDate: (written: string) => `"${written}" is not a valid date`,
  unreadDate: (written: string) => `"${written}" was not read as a date`,
  pastDate: (written: string, date: string) => `"${written}" (${date}) is already past`,
  rolledToNextYear: (written: string, date: string) => `"${written}" has already passed this year; read as ${date}`,
  weekdayPassed: (written: string, date: string) => `"${written}" has already passed this week; read as ${date}`,
  timePassed: (written: string, date: string) => `"${written}" has already passed today; read as ${date}`,
  todayIsDayOff: (written: string, date: string) => `"${written}" was written on a day off; read as the end of the next working day, ${date}`,
  deadlineOnDayOff: (date: string, previous: string) => `the deadline ${date} is a day off; the working day before it is ${previous}`,
  uncoveredCalendar: (years: number[]) =>
    `the ${years.join(', ')} holiday schedule is not loaded; statutory holidays assumed, 调休 unknown; an admin can load it with /calendar`,
  unsupportedRhythm: (written: string) =>
    `"${written}" is not a supported report rhythm (daily, weekly on a weekday, half-monthly, monthly by a day, quarterly); none was set`,
  unreadable: (reason: string) => `the text could not be read (${reason})`,
} as const;

export type ParserWarningCode = keyof typeof parserWarnings;

/** A warning with its code and arguments, so the bot can say it in the reader's language. */
export type ParserNote = { [K in ParserWarningCode]: { code: K; args: Parameters<(typeof parserWarnings)[K]>; text: string } }[ParserWarningCode];

/** Makes a warning: the English sentence (the `warnings` field) and its code and arguments. */
export function note<K extends ParserWarningCode>(code: K, ...args: Parameters<(typeof parserWarnings)[K]>): ParserNote {
  const text = (parserWarnings[code] as (...a: unknown[]) => string)(...args);
  return { code, args, text } as ParserNote;
}

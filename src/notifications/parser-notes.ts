import type { Translate } from '../i18n/translator.js';
import type { ParserNote } from '../parser/warnings.js';
import { escapeHtml } from '../shared/html.js';

/** Says a parser warning in the reader's language (the parser's own `warnings` are English). */
export function parserNoteText(note: ParserNote, t: Translate): string {
  const q = (s: string) => escapeHtml(s);
  const list = (xs: string[]) => xs.map(q).join(t('list-separator'));
  switch (note.code) {
    case 'leadAssumed':
      return t(note.args[1].length ? 'parser-leadAssumed-others' : 'parser-leadAssumed', { lead: q(note.args[0]), others: list(note.args[1]) });
    case 'unknownUnit':
      return t(note.args[1].length ? 'parser-unknownUnit-suggest' : 'parser-unknownUnit', { name: q(note.args[0]), suggestions: list(note.args[1]) });
    case 'truncated':
      return t('parser-truncated', { limit: note.args[0] });
    case 'invalidDate':
    case 'unreadDate':
    case 'unsupportedRhythm':
      return t(`parser-${note.code}`, { written: q(note.args[0]) });
    case 'pastDate':
    case 'rolledToNextYear':
    case 'weekdayPassed':
    case 'timePassed':
    case 'todayIsDayOff':
      return t(`parser-${note.code}`, { written: q(note.args[0]), date: note.args[1] });
    case 'deadlineOnDayOff':
      return t('parser-deadlineOnDayOff', { date: note.args[0], previous: note.args[1] });
    case 'uncoveredCalendar':
      return t('parser-uncoveredCalendar', { years: note.args[0].join(t('list-separator')) });
    case 'unreadable':
      return t('parser-unreadable');
    default:
      return t(`parser-${note.code}`);
  }
}

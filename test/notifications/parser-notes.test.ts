import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { parserNoteText } from '../../src/notifications/parser-notes.js';
import { note, parserWarnings, type ParserNote } from '../../src/parser/warnings.js';

const samples: ParserNote[] = [
  note('emptyText'),
  note('truncated', 5000),
  note('noLead'),
  note('leadAssumed', '市住建局', []),
  note('leadAssumed', '市住建局', ['市城管局']),
  note('unknownUnit', '市住房城乡局', []),
  note('unknownUnit', '市住房城乡局', ['市住房和城乡建设局']),
  note('noDeadline'),
  note('invalidDate', '2月30日'),
  note('unreadDate', '开学前'),
  note('pastDate', '2024年1月1日', '2024-01-01'),
  note('rolledToNextYear', '7月18日', '2027-07-18'),
  note('weekdayPassed', '本周五', '2026-03-13'),
  note('timePassed', '下午5点', '2026-03-03'),
  note('todayIsDayOff', '今天下班前', '2026-03-09'),
  note('deadlineOnDayOff', '2026-03-21', '2026-03-20'),
  note('uncoveredCalendar', [2027]),
  note('unsupportedRhythm', '每季度'),
  note('unreadable', 'boom'),
];

describe('parser warnings in the reader’s language', () => {
  it('has a sample for every warning the parser can give', () => {
    expect(new Set(samples.map((s) => s.code))).toEqual(new Set(Object.keys(parserWarnings)));
  });

  for (const locale of ['zh', 'en'] as const) {
    it(`says every warning in ${locale}, with its words filled in`, () => {
      const t = createTranslator().for(locale);
      for (const sample of samples) {
        const text = parserNoteText(sample, t);
        expect(text, sample.code).not.toMatch(/^parser-|\{|\$/);
        for (const arg of sample.args.flat()) if (typeof arg === 'string' && sample.code !== 'unreadable') expect(text).toContain(arg);
      }
    });
  }
});

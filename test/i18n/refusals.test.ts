import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessageId, refusalText } from '../../src/bot/refusals.js';
import { LOCALES_DIR, createTranslator } from '../../src/i18n/translator.js';
import { ITEM_COMMAND_TYPES, ITEM_STATUSES } from '../../src/items/model/types.js';

/** Every refusal (err-*) in a locale file, as the AppError code it renders. */
function errorCodes(locale: string): string[] {
  const text = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  return [...text.matchAll(/^err-([a-z]+)-([a-z_]+) =/gm)].map((m) => `${m[1]}.${m[2]}`);
}

const SAMPLE = {
  code: '督办〔2026〕1号',
  name: '住建局',
  unit: '市住房和城乡建设局',
  units: '市城市管理执法局',
  unitIds: '2,3',
  value: '2026-02-30',
  deadline: '2026-03-20',
  due: '2026-03-10',
  until: '2026-03-31',
  count: 2,
  ref: '99',
  text: '某一天',
  length: 5000,
  max: 4000,
  what: 'text',
  problems: '第 2 行：缺少名称',
  reason: 'bad',
  word: 'soon',
  suggestions: '市住建局',
  mb: 60,
  year: 2027,
  names: '公安交警部门',
  id: '1',
  ids: '1,2',
  index: 3,
  date: '2026-03-09',
};
const ACTIONS = ['assign', ...ITEM_COMMAND_TYPES];

describe('refusals', () => {
  const translator = createTranslator();

  for (const locale of ['zh', 'en'] as const) {
    const t = translator.for(locale);
    it(`never show an internal name (snake_case action or status) nor an unfilled placeholder in ${locale}`, () => {
      const codes = errorCodes(locale);
      expect(codes.length).toBeGreaterThan(50);
      const leaks: string[] = [];
      for (const code of codes) {
        for (const action of ACTIONS) {
          for (const status of ITEM_STATUSES) {
            const text = refusalText(t, { code, params: { ...SAMPLE, action, status, usage: t('usage-ack') } });
            // The units file's header (name,aliases,head_id) is what people type in the file, not an internal name.
            const shown = text.replace('name,aliases,head_id', '');
            if (/\b[a-z]+(?:_[a-z]+)+\b/.test(shown) || /\{\s*\$/.test(text) || text === errorMessageId(code)) leaks.push(`${code}: ${text}`);
          }
        }
      }
      expect([...new Set(leaks)]).toEqual([]);
    });

    it(`name every action in plain words in ${locale}`, () => {
      for (const action of ACTIONS) expect(translator.has(locale, `action-${action}`), action).toBe(true);
    });
  }

  it('say who may take the action refused, in plain words', () => {
    const zh = translator.for('zh');
    const en = translator.for('en');
    expect(refusalText(zh, { code: 'items.forbidden', params: { action: 'confirm_result' } })).toContain('只有交办领导、分管领导或督查室可以确认办结');
    expect(refusalText(en, { code: 'items.forbidden', params: { action: 'confirm_result' } })).toContain(
      'Only the issuing leader, the leader in charge or the supervision office can confirm the result',
    );
    expect(refusalText(zh, { code: 'items.forbidden', params: { action: 'assign' } })).toContain('只有领导或督查室（管理员）可以交办事项');
    expect(refusalText(zh, { code: 'items.wrong_status', params: { action: 'confirm_result', status: 'open' } })).toContain(
      '事项当前状态为「办理中」，不能确认办结',
    );
  });

  it('give the usage example of the refused action, not of another command', () => {
    const zh = translator.for('zh');
    expect(refusalText(zh, { code: 'items.reason_required', params: { action: 'transfer' } })).toBe(
      '请写明转办的理由。用法：/transfer 编号 [原牵头单位] 新牵头单位 理由',
    );
    expect(refusalText(zh, { code: 'items.reason_required', params: { action: 'cancel' } })).toContain('/cancel 编号 理由');
    expect(refusalText(zh, { code: 'items.content_required', params: { action: 'report_progress' } })).toContain('/progress 编号 [单位] 进展内容');
    expect(refusalText(zh, { code: 'items.unit_ambiguous', params: { units: '住建局、城管局', unitIds: '1,2', action: 'report_progress' } })).toBe(
      '您同时属于本事项的多个单位（住建局、城管局），请在命令中写明代表哪个单位。用法：/progress 编号 [单位] 进展内容',
    );
  });

  it('quote what was typed shortened and escaped in a message, shortened and plain in a button’s alert', () => {
    const zh = translator.for('zh');
    const en = translator.for('en');
    const name = `<b>&${'很'.repeat(5000)}`;
    const message = refusalText(zh, { code: 'units.not_found', params: { name } });
    expect(message.length).toBeLessThanOrEqual(4096);
    expect(message).toMatch(/^没有找到单位「&lt;b&gt;&amp;很+…」/);
    for (const t of [zh, en]) {
      const alert = refusalText(t, { code: 'units.not_found', params: { name } }, { html: false });
      expect(alert.length).toBeLessThanOrEqual(200);
      expect(alert).toContain('<b>&很');
    }
    // What the bot composes itself (a usage line) is not shortened like a quote.
    const usage = `/extend CODE [unit] new-deadline reason, e.g. ${'/extend 12 2026-12-31 waiting for the province '.repeat(3)}`;
    expect(refusalText(en, { code: 'items.code_required', params: { usage } })).toContain(usage);
    // Many long problems: the whole message stays within Telegram's 4,096, no entity cut in two.
    const problems = Array.from({ length: 400 }, (_, i) => `第 ${i + 2} 行：名称 <${'x'.repeat(30)}> 重复`).join('\n');
    const long = refusalText(zh, { code: 'units.file_invalid', params: { problems } });
    expect(long.length).toBeLessThanOrEqual(4096);
    expect(long).not.toMatch(/&[a-z]*…$/);
  });
});

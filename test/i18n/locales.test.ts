import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { ITEM_ERROR_CODES } from '../../src/items/model/errors.js';
import { ITEM_COMMAND_TYPES, ITEM_LEVELS, ITEM_STATUSES } from '../../src/items/model/types.js';
import { errorMessageId } from '../../src/bot/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('translations', () => {
  const translator = createTranslator();
  const keysInCode = new Set<string>();
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:t|tt|ctx\.t)\('([a-z][a-z0-9-]+)'/g)) keysInCode.add(m[1]!);
    for (const m of text.matchAll(/appError\('([a-z]+\.[a-z_]+)'/g)) keysInCode.add(errorMessageId(m[1]!));
    for (const m of text.matchAll(/'(usage-[a-z]+)'/g)) keysInCode.add(m[1]!);
  }
  const dynamic = [
    ...ITEM_ERROR_CODES.map(errorMessageId),
    ...ITEM_LEVELS.map((l) => `level-${l}`),
    ...ITEM_STATUSES.map((s) => `status-${s}`),
    ...['assign', ...ITEM_COMMAND_TYPES].map((a) => `action-${a}`),
    ...['day', 'week', 'month'].map((e) => `every-${e}`),
  ];

  it('finds the keys it checks', () => {
    expect(keysInCode.size).toBeGreaterThan(100);
  });

  for (const locale of ['zh', 'en'] as const) {
    it(`has every message the code uses in ${locale}`, () => {
      const missing = [...keysInCode, ...dynamic].filter((key) => !translator.has(locale, key));
      expect(missing).toEqual([]);
    });
  }
});

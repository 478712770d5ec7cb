import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { parseInstruction } from '../../src/parser/parser.models.js';
import { loadFixtureUnits } from './fixtures/units.js';
import { cases } from './corpus.test.js';
it('diff', () => {
  const units = loadFixtureUnits();
  const patches: { name: string; add: string[] }[] = [];
  for (const c of cases) {
    const got = parseInstruction(c.text, { now: new Date(c.now), timezone: 'Asia/Shanghai', units }) as Record<string, unknown>;
    for (const k of Object.keys(got)) {
      if (JSON.stringify(got[k]) !== JSON.stringify((c.expected as Record<string, unknown>)[k])) {
        console.log(`CASE ${c.name}\n  ${k}: got ${JSON.stringify(got[k])}\n  exp ${JSON.stringify((c.expected as Record<string, unknown>)[k])}`);
        if (k === 'warnings') {
          const g = got[k] as string[]; const e = c.expected.warnings;
          if (JSON.stringify(g.slice(0, e.length)) === JSON.stringify(e) && g.slice(e.length).every((w) => w.startsWith('the deadline'))) patches.push({ name: c.name, add: g.slice(e.length) });
        }
      }
    }
  }
  writeFileSync('/tmp/pw/patches.json', JSON.stringify(patches));
});

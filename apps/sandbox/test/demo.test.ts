import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

describe('npm run demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a joint-lead key item’s whole life as a transcript: assigned, acknowledged, warned, nagged, escalated, returned, verified, confirmed, digest and bulletin', async () => {
    const lines: string[] = [];
    await runDemo({ dataDir: dir, out: (line) => lines.push(line) });
    const transcript = lines.join('\n');
    const milestones = [
      '📝 交办草稿',
      '牵头单位：市住房和城乡建设局、市城市管理执法局',
      '级别：重点督办',
      '已交办，编号 督办〔2026〕1号',
      '市住房和城乡建设局 已签收 督办〔2026〕1号',
      '催签收',
      '到期预警',
      '催办（第 1 次）',
      '督办升级 · 第2级',
      '督办升级 · 第3级',
      '办理结果被退回，请重新办理。理由：请补充资金测算。',
      '的办理结果待您核实（调查复核）',
      '✅ 已记录核实属实：督办〔2026〕1号',
      '✅ 核实属实（周督查）：现场核实',
      '督办〔2026〕1号 已办结。回音（李市长）：同意，请抓紧组织实施。',
      '每日督办摘要',
      '督办通报',
      '🖼 image',
    ];
    let at = 0;
    for (const milestone of milestones) {
      const found = transcript.indexOf(milestone, milestone === '每日督办摘要' || milestone === '督办通报' || milestone === '🖼 image' ? at : 0);
      expect(found, `the transcript lacks "${milestone}"`).toBeGreaterThanOrEqual(0);
      if (milestone.startsWith('督办〔2026〕1号 已办结')) at = found;
    }
    expect(transcript).toMatch(/⏩ clock → 2026-03-03 周二 08:30: digest due/);
  }, 300_000);
});

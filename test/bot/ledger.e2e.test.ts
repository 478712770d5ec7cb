import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import { storageKinds } from '../helpers/db.js';

const kind = storageKinds()[0]!;

describe(`/ledger through the bot (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月20日前完成。');
    const draft = h.lastBotMessage(org.leadersGroup);
    const data = (draft.reply_markup!.inline_keyboard.flat() as { text: string; callback_data?: string }[]).find((b) => b.text.includes('确认交办'))!
      .callback_data!;
    await h.press(org.leader, org.leadersGroup, draft.message_id, { data });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers a leader with the ledger as an XLSX file named by the date', async () => {
    await h.say(org.leader, org.leadersGroup, '/ledger open');
    const doc = h.lastBotMessage(org.leadersGroup);
    expect(doc.document?.file_name).toBe('督办台账-2026-03-02.xlsx');
    expect(doc.caption).toContain('1 件事项');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(h.tg.file(doc.document!.file_id)!.content as unknown as ArrayBuffer);
    expect(String(workbook.worksheets[0]!.getRow(2).getCell(1).value)).toBe('督办〔2026〕1号');
  });

  it('refuses unit staff, and explains a filter it does not understand', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/ledger');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有领导和管理员可以导出台账');
    await h.say(org.leader, org.leadersGroup, '/ledger 下个月');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('看不懂筛选条件「下个月」');
  });
});

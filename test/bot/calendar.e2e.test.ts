import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCalendarSchedules, isWorkingDay } from '../../src/calendar/model/working-calendar.js';
import { calendarYears } from '../../src/db/schema/index.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;
const EXAMPLE = readFileSync(fileURLToPath(new URL('../../config/calendar-2026.example.csv', import.meta.url)));

const schedule2027 = [
  'date,type,name',
  '2027-01-01,off,元旦',
  '2027-01-02,off,元旦',
  '2027-01-03,off,元旦',
  ...['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((d) => `2027-02-${d},off,春节`),
  '2027-02-20,work,春节调休上班',
].join('\n');

describe(`/calendar through the bot (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-12-07T09:00:00+08:00' });
    org = await seedOrg(h);
  });
  afterAll(async () => {
    installCalendarSchedules([]);
    await h.stop();
  });

  it('shows an admin this year and next: 2026 from chinese-days, 2027 estimated, and how to load it', async () => {
    await h.say(h.admin, org.leadersGroup, '/calendar');
    const text = h.lastBotMessage(org.leadersGroup).text!;
    expect(text).toContain('工作日历');
    expect(text).toContain('2026 年：内置数据（chinese-days，国务院公布的安排） · 放假 33 天，调休上班 6 天');
    expect(text).toContain('2027 年：⚠️ 未导入，按法定节假日估算 · 法定假日 13 天，调休未知');
    expect(text).toContain('说明写 /calendar');
  });

  it('refuses a non-admin politely, in their language, saying why and what to do, and imports nothing', async () => {
    await h.sendFile(org.housingStaff, org.housingGroup, { fileName: 'calendar-2027.csv', content: Buffer.from(schedule2027), caption: '/calendar' });
    expect(h.lastBotMessage(org.housingGroup).text).toBe('只有管理员（督查室）可以查看和导入工作日历。如需导入节假日安排，请把文件交给管理员。');
    expect(isWorkingDay('2027-02-09')).toBe(true);
    const english = h.tg.createUser({ firstName: 'Ann', languageCode: 'en' });
    await h.say(english, 'private', '/calendar');
    expect(h.lastBotMessage(english.id).text).toContain('Only admins (the supervision office) can view and load the working calendar');
  });

  it('imports a CSV sent with the caption /calendar, and counts on it at once', async () => {
    await h.sendFile(h.admin, org.leadersGroup, { fileName: 'calendar-2027.csv', content: Buffer.from(schedule2027), caption: '/calendar' });
    const text = h.lastBotMessage(org.leadersGroup).text!;
    expect(text).toContain('✅ 已导入 2027 年节假日安排：放假 12 天，调休上班 1 天');
    expect(text).toContain('2027 年：已导入（calendar-2027.csv，2026-12-07） · 放假 12 天，调休上班 1 天');
    expect(isWorkingDay('2027-02-09')).toBe(false);
    expect(isWorkingDay('2027-02-20')).toBe(true);
  });

  it('imports a document it replies to, replacing the year; a bad file is refused with its problems and changes nothing', async () => {
    const doc = await h.sendFile(h.admin, org.leadersGroup, { fileName: 'calendar-2026.example.csv', content: EXAMPLE });
    await h.say(h.admin, org.leadersGroup, '/calendar', { replyTo: doc.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('✅ 已导入 2026 年节假日安排：放假 33 天，调休上班 6 天');

    const bad = schedule2027.replace('2027-02-20,work', '2027-02-09,work').replace('2027-01-01,off', '2027-13-01,off');
    await h.sendFile(h.admin, org.leadersGroup, { fileName: 'bad.csv', content: Buffer.from(bad), caption: '/calendar' });
    const refusal = h.lastBotMessage(org.leadersGroup).text!;
    expect(refusal).toContain('文件有问题，没有导入，工作日历没有任何改动');
    expect(refusal).toContain('row 2: "2027-13-01" is not a date');
    expect(refusal).toContain('row 14: 2027-02-09 is both a day off and a working day (row 9)');
    expect(isWorkingDay('2027-02-20')).toBe(true);

    await h.sendFile(h.admin, org.leadersGroup, { fileName: 'calendar.xlsx', content: Buffer.from('x'), caption: '/calendar' });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('只能导入 .csv 或 .json 文件');
  });

  it('warns on a draft and on deadline changes that count working days in a year with no schedule', async () => {
    await h.database.db.delete(calendarYears); // back to no import at all
    installCalendarSchedules([]);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于2027年1月15日前报送方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('⚠️ 尚未导入 2027 年的节假日安排：暂按法定节假日计算，调休未知。管理员可用 /calendar 导入。');
    const data = (draft.reply_markup!.inline_keyboard.flat() as { text: string; callback_data?: string }[]).find((b) => b.text.includes('确认交办'))!
      .callback_data!;
    await h.press(org.leader, org.leadersGroup, draft.message_id, { data });

    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于12月18日前报送方案。');
    const second = h.lastBotMessage(org.leadersGroup);
    expect(second.text).not.toContain('尚未导入');
    const data2 = (second.reply_markup!.inline_keyboard.flat() as { text: string; callback_data?: string }[]).find((b) => b.text.includes('确认交办'))!
      .callback_data!;
    await h.press(org.leader, org.leadersGroup, second.message_id, { data: data2 });

    await h.say(org.housingStaff, org.housingGroup, '/extend 2 2027-01-08 需要补充材料');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('尚未导入 2027 年的节假日安排');
    await h.say(org.leader, org.leadersGroup, '/approve 2 2027-01-12');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('已批准延期');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('尚未导入 2027 年的节假日安排');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { parseLedgerFilter } from '../../src/ledger/ledger.models.js';
import { exportLedger } from '../../src/ledger/ledger.usecases.js';
import { addUnit, addUnitMember, bindChat, grantRole } from '../../src/org/org.usecases.js';
import { createOrgRepository } from '../../src/org/org.repository.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import type { AppDeps } from '../../src/deps.js';

const ADMIN = 1;
const LEADER = 2;
const HOUSING = 3;
const URBAN = 4;
const CHAT = -1001;

describe.each(storageKinds())('the ledger exported from the history (%s)', (kind) => {
  let database: TestDatabase;
  let deps: AppDeps;
  const clock = createManualClock('2026-03-02T09:00:00+08:00');
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-ledger-'));
  const ids: Record<string, number> = {};
  let ledger: ExcelJS.Workbook;

  const make = async (name: string, text: string) => {
    const { item } = await startAssignment(deps, {
      actorId: LEADER,
      text,
      source: { chatId: CHAT, threadId: 0, messageId: null },
      chat: { chatId: CHAT, threadId: 0 },
    });
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
    ids[name] = item.id;
    return item.id;
  };
  const run = (actorId: number, name: string, command: Parameters<typeof runItemCommand>[1]['command']) =>
    runItemCommand(deps, { actorId, itemId: ids[name]!, command });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { db: database.db, clock, config: createConfig({ env: { ADMIN_IDS: String(ADMIN) } }), translator: createTranslator() };
    const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
    await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局'] });
    await addUnit(deps, { actor: admin, name: '市城市管理执法局', aliases: ['城管局'] });
    await grantRole(deps, { actor: admin, person: { id: LEADER, firstName: '李', lastName: '市长' }, role: 'leader' });
    await addUnitMember(deps, { actor: admin, unit: '住建局', person: { id: HOUSING, firstName: '胡' } });
    await addUnitMember(deps, { actor: admin, unit: '城管局', person: { id: URBAN, firstName: '程' } });
    await bindChat(deps, { actor: admin, chat: { chatId: CHAT, threadId: 0, title: '领导群', type: 'supergroup' }, kind: 'leaders' });

    await make('extended', '请市住建局牵头，于3月10日前完成。');
    await run(HOUSING, 'extended', { type: 'acknowledge' });
    await run(HOUSING, 'extended', { type: 'request_extension', until: '2026-03-20', reason: '等待评审' });
    await run(LEADER, 'extended', { type: 'approve_extension' });

    await make('returned', '请市住建局牵头，于3月6日前完成。');
    clock.advanceBy(3600_000);
    await run(HOUSING, 'returned', { type: 'report_progress', text: '排查完毕' });
    await run(HOUSING, 'returned', { type: 'submit_result', text: '初稿' });
    await run(LEADER, 'returned', { type: 'return_result', reason: '补充测算' });
    await run(HOUSING, 'returned', { type: 'submit_result', text: '定稿' });
    await run(LEADER, 'returned', { type: 'confirm_result', response: '同意' });

    await make('transferred', '请市住建局牵头，于3月20日前完成。');
    await runItemCommand(deps, { actorId: ADMIN, itemId: ids.transferred!, command: { type: 'transfer', fromUnitId: 1, toUnitId: 2, reason: '职能调整' } });

    await make('excused', '请市城管局牵头，于3月3日前完成。');
    await make('overdue', '请市城管局牵头，重点督办，于3月4日前完成。');
    await make('cancelled', '请市城管局牵头，于3月20日前完成。');
    await run(LEADER, 'cancelled', { type: 'cancel', reason: '不再需要' });

    clock.set('2026-03-06T10:00:00+08:00');
    await run(ADMIN, 'excused', { type: 'excuse', reason: '客观原因' });

    const file = path.join(dir, 'ledger.xlsx');
    await exportLedger(deps, { filter: {}, out: file });
    ledger = new ExcelJS.Workbook();
    await ledger.xlsx.readFile(file);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowOf = (code: number) => {
    const sheet = ledger.worksheets[0]!;
    let found: ExcelJS.Row | undefined;
    sheet.eachRow((row, n) => {
      if (n > 1 && String(row.getCell(1).value) === `督办〔2026〕${code}号`) found = row;
    });
    if (!found) throw new Error(`no ledger row for ${code}`);
    return found;
  };
  const header = () => (ledger.worksheets[0]!.getRow(1).values as unknown[]).slice(1).map(String);
  const cell = (code: number, title: string) => {
    const at = header().indexOf(title);
    if (at < 0) throw new Error(`no column ${title}: ${header().join(' | ')}`);
    return rowOf(code).getCell(at + 1).value;
  };

  it('writes one row per item with every column, in Chinese', () => {
    expect(ledger.worksheets.map((w) => w.name)).toEqual(['台账', '时间线', '单位汇总']);
    expect(ledger.worksheets[0]!.rowCount).toBe(1 + 6);
    expect(cell(1, '办理时限')).toEqual(new Date(Date.UTC(2026, 2, 20)));
    expect(cell(1, '原定时限')).toEqual(new Date(Date.UTC(2026, 2, 10)));
    expect(cell(1, '延期次数')).toBe(1);
    expect(cell(2, '退回次数')).toBe(1);
    expect(cell(2, '办理结果')).toBe('定稿');
    expect(String(cell(2, '办理状态'))).toMatch(/办结/);
    expect(String(cell(3, '牵头单位'))).toBe('市城市管理执法局');
    expect(String(cell(4, '容错说明'))).toContain('客观原因');
    expect(cell(5, '逾期天数')).toBe(2);
    expect(String(cell(6, '办理状态'))).toMatch(/撤销/);
  });

  it('marks an overdue row with the red of its warning level', () => {
    const at = header().indexOf('编号') + 1;
    const fill = rowOf(5).getCell(at).fill as ExcelJS.FillPattern | undefined;
    expect(fill?.fgColor?.argb).toMatch(/^FF/);
    expect(rowOf(1).getCell(at).fill).toSatisfy(
      (f: ExcelJS.Fill | undefined) => !f || (f as ExcelJS.FillPattern).pattern === 'none' || !(f as ExcelJS.FillPattern).fgColor,
    );
  });

  it('writes the whole history on the timeline sheet, one row per event', async () => {
    const events = await Promise.all(Object.values(ids).map((id) => createItemsRepository({ db: database.db, clock, timezone: 'Asia/Shanghai' }).events(id)));
    const total = events.flat().length;
    expect(ledger.worksheets[1]!.rowCount).toBe(1 + total);
    const returned = events[1]!.map((e) => e.type);
    expect(returned).toEqual(expect.arrayContaining(['item_opened', 'progress_reported', 'result_submitted', 'result_returned', 'result_confirmed']));
  });

  it('filters by status, unit, month and level, and refuses a word it does not know', async () => {
    const units = await createOrgRepository(deps).listUnits();
    expect(parseLedgerFilter(['overdue', 'unit', '城管局', '2026-03', 'level', 'key'], units)).toEqual({
      status: 'overdue',
      unitId: 2,
      month: '2026-03',
      level: 'key',
    });
    expect(() => parseLedgerFilter(['someday'], units)).toThrow(expect.objectContaining({ code: 'ledger.bad_filter' }));
    const file = path.join(dir, 'overdue.xlsx');
    const result = await exportLedger(deps, { filter: { status: 'overdue' }, out: file });
    expect(result.itemRows).toBe(1);
    const other = await exportLedger(deps, { filter: { unitId: 2, month: '2026-02' }, out: path.join(dir, 'feb.xlsx') });
    expect(other.itemRows).toBe(0);
  });

  it('refuses a unit member who asks for the ledger', async () => {
    await expect(exportLedger(deps, { filter: {}, out: path.join(dir, 'x.xlsx'), actorId: HOUSING })).rejects.toMatchObject({ code: 'ledger.forbidden' });
  });

  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
  (soffice || process.env.CI === 'true' ? it : it.skip)('opens in LibreOffice, and the numbers it reads agree with the items', () => {
    if (!soffice) throw new Error('LibreOffice is not installed (apt-get install libreoffice-calc-nogui); .ci/run installs it');
    const out = mkdtempSync(path.join(tmpdir(), 'duban-lo-'));
    execFileSync(
      soffice,
      [
        '--headless',
        `-env:UserInstallation=file://${out}/profile`,
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76',
        '--outdir',
        out,
        path.join(dir, 'ledger.xlsx'),
      ],
      { timeout: 120_000, stdio: 'pipe' },
    );
    const csv = readFileSync(path.join(out, 'ledger.csv'), 'utf8');
    rmSync(out, { recursive: true, force: true });
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(7);
    const heads = lines[0]!.split(',');
    const row5 = lines.find((l) => l.startsWith('督办〔2026〕5号'))!.split(',');
    expect(row5[heads.indexOf('逾期天数')]).toBe('2');
    const row1 = lines.find((l) => l.startsWith('督办〔2026〕1号'))!.split(',');
    expect(row1[heads.indexOf('办理时限')]).toBe('2026-03-20');
  });
});

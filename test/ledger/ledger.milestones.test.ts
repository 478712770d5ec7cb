import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { exportLedger } from '../../src/ledger/ledger.usecases.js';
import { addUnit, addUnitMember, bindChat, grantRole } from '../../src/org/org.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import type { AppDeps } from '../../src/deps.js';

const ADMIN = 1;
const LEADER = 2;
const HOUSING = 3;
const CHAT = -1001;
const kind = storageKinds()[0]!;

/** 时间节点 in the ledger: done/overdue/total on the item's row, each report on the timeline sheet. */
describe(`milestones in the ledger (${kind})`, () => {
  let database: TestDatabase;
  let deps: AppDeps;
  const clock = createManualClock('2026-03-02T09:00:00+08:00');
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-ledger-ms-'));
  let ledger: ExcelJS.Workbook;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { db: database.db, clock, config: createConfig({ env: { ADMIN_IDS: String(ADMIN) } }), translator: createTranslator() };
    const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
    await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局'] });
    await grantRole(deps, { actor: admin, person: { id: LEADER, firstName: '李', lastName: '市长' }, role: 'leader' });
    await addUnitMember(deps, { actor: admin, unit: '住建局', person: { id: HOUSING, firstName: '胡' } });
    await bindChat(deps, { actor: admin, chat: { chatId: CHAT, threadId: 0, title: '领导群', type: 'supergroup' }, kind: 'leaders' });
    const { item } = await startAssignment(deps, {
      actorId: LEADER,
      text: '请市住建局牵头，3月4日前完成现场排查，3月6日前拿出方案初稿，3月20日前报送整改结果。',
      source: { chatId: CHAT, threadId: 0, messageId: null },
      chat: { chatId: CHAT, threadId: 0 },
    });
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
    clock.set('2026-03-04T10:00:00+08:00');
    await runItemCommand(deps, { actorId: HOUSING, itemId: item.id, command: { type: 'report_milestone', index: 1, text: '排查完毕' } });
    clock.set('2026-03-09T10:00:00+08:00');
    const file = path.join(dir, 'ledger.xlsx');
    await exportLedger(deps, { filter: {}, out: file });
    ledger = new ExcelJS.Workbook();
    await ledger.xlsx.readFile(file);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows done/overdue/total in the 时间节点 column', () => {
    const sheet = ledger.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const at = header.indexOf('时间节点（已完成/逾期/共）');
    expect(at).toBeGreaterThan(0);
    expect(sheet.getRow(2).getCell(at + 1).value).toBe('1/1/3');
  });

  it('records the milestone report on the timeline sheet', () => {
    const rows: string[] = [];
    ledger.worksheets[1]!.eachRow((row, n) => {
      if (n > 1)
        rows.push(
          (row.values as unknown[])
            .slice(1)
            .map((v) => (v instanceof Date ? '' : String(v ?? '')))
            .join(' | '),
        );
    });
    expect(rows.find((r) => r.includes('报告节点完成'))).toContain('时间节点 1（2026-03-04 完成现场排查）；排查完毕');
  });
});

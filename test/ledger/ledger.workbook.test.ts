import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  displayWidth,
  ledgerFileName,
  writeLedgerWorkbook,
  type LedgerEventRow,
  type LedgerItemRow,
  type LedgerUnitRow,
} from '../../src/ledger/ledger.workbook.js';
import type { Locale } from '../../src/i18n/translator.js';

const TZ = 'Asia/Shanghai';
/** An instant given as Shanghai wall time. */
const sh = (wall: string) => new Date(`${wall}+08:00`);
/** What a spreadsheet date cell showing this wall time reads back as (its UTC fields). */
const cellDate = (wall: string) => new Date(`${wall}Z`);

function item(overrides: Partial<LedgerItemRow>): LedgerItemRow {
  return {
    code: '督办〔2026〕1号',
    instruction: '请市住建局牵头，市城管局配合，于11月20日前完成老旧小区改造方案。',
    issuedBy: '张市长',
    leaderInCharge: '李副市长',
    leadUnits: ['市住建局'],
    cooperatingUnits: ['市城管局'],
    level: 'key',
    assignedAt: sh('2026-11-03T09:00:00'),
    deadline: '2026-11-20',
    originalDeadline: null,
    extensionCount: 0,
    status: 'open',
    acknowledgements: [
      { unit: '市住建局', at: sh('2026-11-03T10:20:00') },
      { unit: '市城管局', at: null },
    ],
    handlers: [
      { unit: '市住建局', handler: '王承办', head: '赵局长' },
      { unit: '市城管局', handler: null, head: null },
    ],
    lastProgress: null,
    result: null,
    confirmedAt: null,
    daysOverdue: null,
    closedDaysEarlyOrLate: null,
    nagsReceived: 0,
    timesReturned: 0,
    excused: null,
    warningColour: null,
    ...overrides,
  };
}

const openOverdue = item({
  code: '督办〔2026〕12号',
  daysOverdue: 9,
  nagsReceived: 3,
  warningColour: 'red',
  lastProgress: { at: sh('2026-11-15T16:45:00'), unit: '市住建局', text: '方案初稿已完成，正在征求意见。' },
  coordinations: { open: 1, resolved: 2 },
});
const extended = item({
  code: '督办〔2026〕13号',
  level: 'special',
  leaderInCharge: null,
  cooperatingUnits: [],
  acknowledgements: [{ unit: '市住建局', at: sh('2026-11-03T23:50:00') }],
  deadline: '2026-12-15',
  originalDeadline: '2026-11-30',
  extensionCount: 1,
});
const returnedThenClosed = item({
  code: '督办〔2026〕14号',
  level: 'routine',
  status: 'closed',
  result: '已完成改造方案并印发实施。',
  confirmedAt: sh('2026-11-22T08:05:00'),
  closedDaysEarlyOrLate: 2,
  timesReturned: 1,
  nagsReceived: 1,
});
const transferred = item({
  code: '督办〔2026〕15号',
  leadUnits: ['市城管局'],
  cooperatingUnits: ['市住建局', '市财政局'],
  acknowledgements: [
    { unit: '市城管局', at: sh('2026-11-05T14:00:00') },
    { unit: '市住建局', at: sh('2026-11-03T10:20:00') },
    { unit: '市财政局', at: null },
  ],
});
const excused = item({
  code: '督办〔2026〕16号',
  daysOverdue: 4,
  excused: { reason: '上级政策调整，客观原因无法按期完成', degree: 'lenient' },
  warningColour: null,
});
const cancelled = item({ code: '督办〔2026〕17号', status: 'cancelled', acknowledgements: [] });
const items = [openOverdue, extended, returnedThenClosed, transferred, excused, cancelled];

const events: LedgerEventRow[] = [
  { code: '督办〔2026〕15号', at: sh('2026-11-03T09:00:00'), who: '张市长', unit: '市住建局', what: '交办', details: '牵头单位：市住建局' },
  { code: '督办〔2026〕15号', at: sh('2026-11-03T10:20:00'), who: '王科长', unit: '市住建局', what: '签收', details: '' },
  { code: '督办〔2026〕15号', at: sh('2026-11-05T13:30:00'), who: '督查室', unit: '市城管局', what: '转办', details: '原牵头单位：市住建局；理由：职能调整' },
  { code: '督办〔2026〕14号', at: sh('2026-11-20T17:00:00'), who: '张市长', unit: '市住建局', what: '退回', details: '请补充资金来源' },
  { code: '督办〔2026〕16号', at: sh('2026-11-25T00:30:00'), who: '督查室', unit: null, what: '容错', details: '上级政策调整' },
];

const units: LedgerUnitRow[] = [
  { unit: '市住建局', items: 5, onTimeAckRate: 0.8, onTimeCloseRate: 0.5, overdue: 1, nags: 4, returned: 1, excusedExcluded: 1, lenient: 1 },
  { unit: '市财政局', items: 1, onTimeAckRate: 0, onTimeCloseRate: null, overdue: 0, nags: 0, returned: 0, excusedExcluded: 0, lenient: 0 },
];

const generatedAt = new Date('2026-11-29T02:00:00Z');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-ledger-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function writeAndRead(locale: Locale, extra: { rowsPerSheet?: number; events?: LedgerEventRow[] } = {}) {
  const file = join(dir, `ledger-${locale}-${Math.random().toString(36).slice(2)}.xlsx`);
  const written = await writeLedgerWorkbook({
    items,
    events: extra.events ?? events,
    units,
    locale,
    timezone: TZ,
    out: file,
    generatedAt,
    rowsPerSheet: extra.rowsPerSheet,
  });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return { written, workbook };
}

function rowValues(sheet: ExcelJS.Worksheet, rowNumber: number, columns: number): unknown[] {
  const row = sheet.getRow(rowNumber);
  return Array.from({ length: columns }, (_, i) => row.getCell(i + 1).value ?? null);
}

describe('the ledger workbook', () => {
  it('has one row per item with every column, in Chinese, dates as Asia/Shanghai wall time', async () => {
    const { written, workbook } = await writeAndRead('zh');
    expect(written).toEqual({ itemRows: 6, eventRows: 5 });
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['台账', '时间线', '单位汇总']);
    const sheet = workbook.getWorksheet('台账')!;
    expect(sheet.rowCount).toBe(7);
    expect(rowValues(sheet, 1, 25)).toEqual([
      '编号',
      '批示内容',
      '交办领导',
      '分管领导',
      '牵头单位',
      '协同配合单位',
      '督办类别',
      '交办时间',
      '办理时限',
      '原定时限',
      '延期次数',
      '办理状态',
      '签收情况',
      '承办人（单位负责人）',
      '最新进展时间',
      '最新进展',
      '办理结果',
      '确认办结时间',
      '逾期天数',
      '办结较时限（天，负数为提前）',
      '催办次数',
      '退回次数',
      '容错程度',
      '容错说明',
      '预警等级',
    ]);
    const instruction = '请市住建局牵头，市城管局配合，于11月20日前完成老旧小区改造方案。';
    const assigned = cellDate('2026-11-03T09:00:00');
    const deadline = cellDate('2026-11-20T00:00:00');
    const acks = '市住建局 11-03 10:20；市城管局 未签收';
    const handlers = '市住建局：王承办（负责人 赵局长）；市城管局：未定';
    // open, overdue, red
    expect(rowValues(sheet, 2, 25)).toEqual([
      '督办〔2026〕12号',
      instruction,
      '张市长',
      '李副市长',
      '市住建局',
      '市城管局',
      '重点督办',
      assigned,
      deadline,
      null,
      0,
      '办理中',
      acks,
      handlers,
      cellDate('2026-11-15T16:45:00'),
      '市住建局：方案初稿已完成，正在征求意见。',
      null,
      null,
      9,
      null,
      3,
      0,
      null,
      null,
      '红色预警',
    ]);
    // extended: the original deadline is kept; an acknowledgement just before midnight is on the local day
    expect(rowValues(sheet, 3, 25)).toEqual([
      '督办〔2026〕13号',
      instruction,
      '张市长',
      null,
      '市住建局',
      null,
      '专项督办',
      assigned,
      cellDate('2026-12-15T00:00:00'),
      cellDate('2026-11-30T00:00:00'),
      1,
      '办理中',
      '市住建局 11-03 23:50',
      handlers,
      null,
      null,
      null,
      null,
      null,
      null,
      0,
      0,
      null,
      null,
      null,
    ]);
    // returned once, then closed two days late
    expect(rowValues(sheet, 4, 25)).toEqual([
      '督办〔2026〕14号',
      instruction,
      '张市长',
      '李副市长',
      '市住建局',
      '市城管局',
      '常规督办',
      assigned,
      deadline,
      null,
      0,
      '已办结',
      acks,
      handlers,
      null,
      null,
      '已完成改造方案并印发实施。',
      cellDate('2026-11-22T08:05:00'),
      null,
      2,
      1,
      1,
      null,
      null,
      null,
    ]);
    // transferred: the new lead unit, the old one now cooperates; every unit's acknowledgement
    expect(rowValues(sheet, 5, 25)).toEqual([
      '督办〔2026〕15号',
      instruction,
      '张市长',
      '李副市长',
      '市城管局',
      '市住建局、市财政局',
      '重点督办',
      assigned,
      deadline,
      null,
      0,
      '办理中',
      '市城管局 11-05 14:00；市住建局 11-03 10:20；市财政局 未签收',
      handlers,
      null,
      null,
      null,
      null,
      null,
      null,
      0,
      0,
      null,
      null,
      null,
    ]);
    // excused 从轻, with its degree and reason
    expect(rowValues(sheet, 6, 25)).toEqual([
      '督办〔2026〕16号',
      instruction,
      '张市长',
      '李副市长',
      '市住建局',
      '市城管局',
      '重点督办',
      assigned,
      deadline,
      null,
      0,
      '办理中',
      acks,
      handlers,
      null,
      null,
      null,
      null,
      4,
      null,
      0,
      0,
      '从轻',
      '上级政策调整，客观原因无法按期完成',
      null,
    ]);
    // cancelled
    expect(rowValues(sheet, 7, 25)).toEqual([
      '督办〔2026〕17号',
      instruction,
      '张市长',
      '李副市长',
      '市住建局',
      '市城管局',
      '重点督办',
      assigned,
      deadline,
      null,
      0,
      '已撤销',
      null,
      handlers,
      null,
      null,
      null,
      null,
      null,
      null,
      0,
      0,
      null,
      null,
      null,
    ]);
  });

  it('has a 协调 column: open and resolved coordination requests, empty for an item without any', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('台账')!;
    expect(sheet.getRow(1).getCell(26).value).toBe('协调');
    expect(sheet.getRow(2).getCell(26).value).toBe('待协调 1 / 已协调 2');
    expect(sheet.getRow(3).getCell(26).value ?? null).toBeNull();
  });

  it('writes dates as real date cells with formats, not as text', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('台账')!;
    const assignedAt = sheet.getCell('H2');
    expect(assignedAt.type).toBe(ExcelJS.ValueType.Date);
    expect(assignedAt.numFmt).toBe('yyyy-mm-dd hh:mm');
    // 2026-11-03T02:20:00Z is 10:20 in Shanghai: the cell shows 10:20
    const ack = new Date('2026-11-03T02:20:00Z');
    const { workbook: other } = await (async () => {
      const file = join(dir, 'one-date.xlsx');
      await writeLedgerWorkbook({ items: [item({ assignedAt: ack })], events: [], units: [], locale: 'zh', timezone: TZ, out: file, generatedAt });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      return { workbook: wb };
    })();
    const cell = other.getWorksheet('台账')!.getCell('H2').value as Date;
    expect(cell).toBeInstanceOf(Date);
    expect([cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate(), cell.getUTCHours(), cell.getUTCMinutes()]).toEqual([2026, 11, 3, 10, 20]);
    const deadline = sheet.getCell('I2');
    expect(deadline.type).toBe(ExcelJS.ValueType.Date);
    expect(deadline.numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('J3').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('R4').numFmt).toBe('yyyy-mm-dd hh:mm');
  });

  it('fills an overdue row across all its columns with its warning colour, and only that row', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('台账')!;
    const fillOf = (address: string) => {
      const fill = sheet.getCell(address).fill as ExcelJS.FillPattern | undefined;
      return fill?.pattern === 'solid' ? fill.fgColor?.argb : undefined;
    };
    for (let c = 1; c <= 24; c++) {
      const column = sheet.getColumn(c).letter;
      expect(fillOf(`${column}2`), `column ${column}`).toBe('FFFFC7CE');
      for (let r = 3; r <= 7; r++) expect(fillOf(`${column}${r}`), `${column}${r}`).toBeUndefined();
    }
  });

  it('gives blue and yellow warnings their light fills', async () => {
    const file = join(dir, 'colours.xlsx');
    await writeLedgerWorkbook({
      items: [item({ daysOverdue: 1, warningColour: 'blue' }), item({ daysOverdue: 5, warningColour: 'yellow' })],
      events: [],
      units: [],
      locale: 'zh',
      timezone: TZ,
      out: file,
      generatedAt,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.getWorksheet('台账')!;
    expect((sheet.getCell('A2').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFDDEBF7');
    expect((sheet.getCell('A3').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFF2CC');
    expect(sheet.getCell('Y2').value).toBe('蓝色预警');
    expect(sheet.getCell('Y3').value).toBe('黄色预警');
  });

  it('freezes the header row, puts an auto filter over it and repeats it on printed pages, on every sheet', async () => {
    const { workbook } = await writeAndRead('zh');
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getCell('A1').font?.bold).toBe(true);
      // printed landscape, one page wide, the header on every page
      expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
    }
    expect(workbook.getWorksheet('台账')!.autoFilter).toBe('A1:AC7');
    expect(workbook.getWorksheet('时间线')!.autoFilter).toBe('A1:F6');
    expect(workbook.getWorksheet('单位汇总')!.autoFilter).toBe('A1:I3');
  });

  it('sizes columns to fit their text, CJK characters counting double, within caps', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('台账')!;
    expect(displayWidth('市住建局')).toBe(8);
    expect(displayWidth('督办〔2026〕12号')).toBe(16);
    expect(sheet.getColumn(1).width).toBe(18); // the code, plus a margin of 2
    expect(sheet.getColumn(2).width).toBe(50); // the instruction is long: capped, and it wraps
    expect(sheet.getCell('B2').alignment?.wrapText).toBe(true);
    expect(sheet.getColumn(8).width).toBe(17); // date and time
    expect(sheet.getColumn(9).width).toBe(11.5); // date
  });

  it('has the timeline, one row per event, equal to the input', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('时间线')!;
    expect(rowValues(sheet, 1, 6)).toEqual(['编号', '时间', '操作人', '单位', '事项', '详情']);
    expect(sheet.rowCount).toBe(1 + events.length);
    events.forEach((e, i) => {
      const wall = new Date(e.at.getTime() + 8 * 3_600_000);
      expect(rowValues(sheet, i + 2, 6)).toEqual([e.code, wall, e.who, e.unit, e.what, e.details || null]);
    });
    expect(sheet.getCell('B2').numFmt).toBe('yyyy-mm-dd hh:mm');
    // 00:30 in Shanghai is still the previous day in UTC; the cell shows the local day
    expect(sheet.getCell('B6').value).toEqual(cellDate('2026-11-25T00:30:00'));
  });

  it('continues the timeline (and the items) on numbered sheets past the row limit', async () => {
    const many = Array.from({ length: 7 }, (_, i): LedgerEventRow => ({ ...events[0]!, details: `第${i + 1}条` }));
    const { written, workbook } = await writeAndRead('zh', { rowsPerSheet: 3, events: many });
    expect(written.eventRows).toBe(7);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['台账', '台账 (2)', '时间线', '时间线 (2)', '时间线 (3)', '单位汇总']);
    expect(workbook.getWorksheet('台账 (2)')!.getCell('A1').value).toBe('编号');
    expect(workbook.getWorksheet('台账 (2)')!.getCell('A2').value).toBe('督办〔2026〕15号');
    const details = ['时间线', '时间线 (2)', '时间线 (3)'].flatMap((name) => {
      const sheet = workbook.getWorksheet(name)!;
      expect(sheet.getCell('A1').value).toBe('编号');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      return Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getCell(`F${i + 2}`).value);
    });
    expect(details).toEqual(many.map((e) => e.details));
  });

  it('has the units with rates as percentages, and a dash where there is no rate', async () => {
    const { workbook } = await writeAndRead('zh');
    const sheet = workbook.getWorksheet('单位汇总')!;
    expect(rowValues(sheet, 1, 9)).toEqual([
      '单位',
      '督办事项数',
      '按时签收率',
      '按时办结率',
      '逾期件数',
      '催办次数',
      '退回次数',
      '容错不计件数',
      '容错从轻减轻件数',
    ]);
    expect(rowValues(sheet, 2, 9)).toEqual(['市住建局', 5, 0.8, 0.5, 1, 4, 1, 1, 1]);
    expect(rowValues(sheet, 3, 9)).toEqual(['市财政局', 1, 0, '—', 0, 0, 0, 0, 0]);
    expect(sheet.getCell('C2').numFmt).toBe('0.0%');
    expect(sheet.getCell('D2').numFmt).toBe('0.0%');
    expect(sheet.getCell('C3').numFmt).toBe('0.0%');
  });

  it('speaks English when the locale is en', async () => {
    const { workbook } = await writeAndRead('en');
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Ledger', 'Timeline', 'Units']);
    const sheet = workbook.getWorksheet('Ledger')!;
    expect(rowValues(sheet, 1, 4)).toEqual(['Code', 'Instruction', 'Issued by', 'Leader in charge']);
    expect(sheet.getCell('G2').value).toBe('Key');
    expect(sheet.getCell('L4').value).toBe('Closed');
    expect(sheet.getCell('M2').value).toBe('市住建局 11-03 10:20; 市城管局 not acknowledged');
    expect(sheet.getCell('Y2').value).toBe('Red');
    expect(rowValues(workbook.getWorksheet('Timeline')!, 1, 6)).toEqual(['Code', 'When', 'Who', 'Unit', 'What', 'Details']);
    expect(workbook.getWorksheet('Units')!.getCell('C1').value).toBe('On-time acknowledgement');
  });

  it('reads items and events from async generators and writes to a stream', async () => {
    async function* slowly<T>(rows: T[]) {
      for (const row of rows) {
        await new Promise((resolve) => setImmediate(resolve));
        yield row;
      }
    }
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const written = await writeLedgerWorkbook({ items: slowly(items), events: slowly(events), units, locale: 'zh', timezone: TZ, out, generatedAt });
    expect(written).toEqual({ itemRows: 6, eventRows: 5 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('台账')!.getCell('A7').value).toBe('督办〔2026〕17号');
    expect(workbook.getWorksheet('时间线')!.rowCount).toBe(6);
  });

  it('removes a half-written file when the items cannot be read', async () => {
    const file = join(dir, 'broken.xlsx');
    async function* failing() {
      yield openOverdue;
      throw new Error('the cursor was closed');
    }
    await expect(writeLedgerWorkbook({ items: failing(), events: [], units, locale: 'zh', timezone: TZ, out: file, generatedAt })).rejects.toThrow(
      'the cursor was closed',
    );
    expect(existsSync(file)).toBe(false);
  });

  it('fails, instead of waiting for ever, when the output fails, and closes its sources', async () => {
    let written = 0;
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        callback(written > 256 * 1024 ? new Error('the disk is full') : null);
      },
    });
    let closed = false;
    function* many(): Generator<LedgerEventRow> {
      try {
        for (let i = 0; ; i++) yield { ...events[0]!, details: `第${i}条 ${'很长的说明'.repeat(20)}` };
      } finally {
        closed = true;
      }
    }
    await expect(writeLedgerWorkbook({ items, events: many(), units, locale: 'zh', timezone: TZ, out, generatedAt })).rejects.toThrow('the disk is full');
    expect(closed).toBe(true);
  });

  it('names the file after the local date of generation', () => {
    // 2026-11-28T17:30Z is already 29 November in Shanghai
    expect(ledgerFileName(new Date('2026-11-28T17:30:00Z'), TZ, 'zh')).toBe('督办台账-2026-11-29.xlsx');
    expect(ledgerFileName(new Date('2026-11-28T17:30:00Z'), TZ, 'en')).toBe('ledger-2026-11-29.xlsx');
    expect(ledgerFileName(new Date('2026-11-28T17:30:00Z'), 'Europe/London', 'en')).toBe('ledger-2026-11-28.xlsx');
  });

  it('shows wall time across a daylight-saving change in the configured zone', async () => {
    const file = join(dir, 'dst.xlsx');
    // New York: clocks go back from 02:00 EDT to 01:00 EST on 2026-11-01 (06:00Z)
    const atDst = [new Date('2026-11-01T05:30:00Z'), new Date('2026-11-01T06:30:00Z'), new Date('2026-11-02T12:00:00Z')];
    await writeLedgerWorkbook({
      items: [],
      events: atDst.map((at) => ({ ...events[0]!, at })),
      units: [],
      locale: 'en',
      timezone: 'America/New_York',
      out: file,
      generatedAt,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.getWorksheet('Timeline')!;
    expect([2, 3, 4].map((r) => (sheet.getCell(`B${r}`).value as Date).toISOString())).toEqual([
      '2026-11-01T01:30:00.000Z',
      '2026-11-01T01:30:00.000Z',
      '2026-11-02T07:00:00.000Z',
    ]);
  });
});

describe('the 核实 column (调查复核)', () => {
  it('shows the verdict, who, the local date and the note; pending and untrue too; nothing when no verification', async () => {
    const verified = item({
      code: '督办〔2026〕20号',
      status: 'result_submitted',
      verification: { verdict: 'true', by: '督查员甲', at: sh('2026-11-21T23:30:00'), note: '现场核实' },
    });
    const pending = item({ code: '督办〔2026〕21号', status: 'result_submitted', verification: { verdict: 'pending', by: null, at: null, note: null } });
    const untrue = item({ code: '督办〔2026〕22号', verification: { verdict: 'false', by: '督查员乙', at: sh('2026-11-22T10:00:00'), note: '尚未开工' } });
    const none = item({ code: '督办〔2026〕23号' });
    const file = join(dir, `ledger-verify-${Math.random().toString(36).slice(2)}.xlsx`);
    await writeLedgerWorkbook({ items: [verified, pending, untrue, none], events: [], units: [], locale: 'zh', timezone: TZ, out: file, generatedAt });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('台账')!;
    expect(sheet.getRow(1).getCell(29).value).toBe('核实（调查复核）');
    expect([2, 3, 4, 5].map((r) => sheet.getRow(r).getCell(29).value ?? null)).toEqual([
      '核实属实；督查员甲；2026-11-21；现场核实',
      '待核实',
      '核实不实；督查员乙；2026-11-22；尚未开工',
      null,
    ]);
  });
});

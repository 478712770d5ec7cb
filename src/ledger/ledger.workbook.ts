import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { cachedZoneOffsetMs } from '../calendar/model/zoned-time.js';
import type { Locale } from '../i18n/translator.js';
import type { ExcuseDegree, ItemLevel } from '../items/model/types.js';
import type { Colour } from '../reminders/model/policy.js';

/**
 * The ledger (工作台账) as an XLSX workbook, written by exceljs's streaming writer so that
 * 100,000 items and a million history events go out with bounded memory: rows are committed
 * one by one and the writer waits for the zip to catch up (see `letTheZipCatchUp`).
 *
 * Sheets: 台账 / Ledger (one row per item), 时间线 / Timeline (one row per event), 单位汇总 /
 * Units (per-unit figures). Past Excel's row limit the items and the timeline continue on
 * "台账 (2)", "时间线 (2)" and so on.
 */

export type LedgerItemRow = {
  code: string;
  instruction: string;
  issuedBy: string;
  leaderInCharge: string | null;
  leadUnits: string[];
  cooperatingUnits: string[];
  level: ItemLevel;
  assignedAt: Date | null;
  /** Local date, YYYY-MM-DD. */
  deadline: string | null;
  /** The first deadline, set when the item was extended. */
  originalDeadline: string | null;
  extensionCount: number;
  status: 'open' | 'result_submitted' | 'closed' | 'cancelled';
  acknowledgements: { unit: string; at: Date | null }[];
  /** 承办人 per unit on the item, with the unit's head (单位负责人). */
  handlers: { unit: string; handler: string | null; head: string | null }[];
  lastProgress: { at: Date; unit: string; text: string } | null;
  result: string | null;
  confirmedAt: Date | null;
  /** Open items past the deadline. */
  daysOverdue: number | null;
  /** Closed items: negative = early, positive = late (calendar days against the deadline). */
  closedDaysEarlyOrLate: number | null;
  nagsReceived: number;
  timesReturned: number;
  /** 容错 with its degree (免责 / 从轻 / 减轻). */
  excused: { reason: string; degree: ExcuseDegree } | null;
  /** Overdue rows are filled with their warning colour. */
  warningColour: Colour | null;
  /** 逐级协调: how many coordination requests are open and resolved (none when absent). */
  coordinations?: { open: number; resolved: number };
  /** 时间节点: done, overdue and total; null (or absent) when the item has none. */
  milestones?: { done: number; overdue: number; total: number } | null;
  /** 移交 to the discipline body: where it stands, since when, and its feedback (问责 outcome). */
  referral?: { status: 'waiting_chat' | 'sent' | 'received' | 'answered'; at: Date; feedback: string | null } | null;
  /** 调查复核 of the result: awaiting it, found true, or found untrue (and returned); absent or null when none. */
  verification?: { verdict: 'pending' | 'true' | 'false'; by: string | null; at: Date | null; note: string | null } | null;
};

export type LedgerEventRow = { code: string; at: Date; who: string; unit: string | null; what: string; details: string };

export type LedgerUnitRow = {
  unit: string;
  items: number;
  onTimeAckRate: number | null;
  onTimeCloseRate: number | null;
  overdue: number;
  nags: number;
  returned: number;
  excusedExcluded: number;
  /** Counted items excused 从轻 or 减轻. */
  lenient: number;
};

export type WriteLedgerWorkbookInput = {
  items: AsyncIterable<LedgerItemRow> | Iterable<LedgerItemRow>;
  events: AsyncIterable<LedgerEventRow> | Iterable<LedgerEventRow>;
  units: LedgerUnitRow[];
  locale: Locale;
  timezone: string;
  /** A stream (ended when the workbook is complete) or a file path. */
  out: NodeJS.WritableStream | string;
  generatedAt: Date;
  /** Printed in the page header and stored as the document title. */
  title?: string;
  /**
   * Data rows per sheet before the items or the timeline continue on a new sheet ("台账 (2)"):
   * Excel's limit (1,048,576 rows, less the header) unless a test needs to see the continuation.
   */
  rowsPerSheet?: number;
};

/** Excel's row limit, less the header row. */
export const MAX_DATA_ROWS_PER_SHEET = 1_048_576 - 1;

// ---------------------------------------------------------------------------------------------
// Labels

type ColumnKind = 'text' | 'long' | 'datetime' | 'date' | 'number';

const labels = {
  zh: {
    sheets: { items: '台账', events: '时间线', units: '单位汇总' },
    defaultTitle: '督查督办工作台账',
    generated: '生成于',
    page: '第 &P 页，共 &N 页',
    itemHeaders: [
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
      '协调',
      '时间节点（已完成/逾期/共）',
      '移交',
      '核实（调查复核）',
    ],
    eventHeaders: ['编号', '时间', '操作人', '单位', '事项', '详情'],
    unitHeaders: ['单位', '督办事项数', '按时签收率', '按时办结率', '逾期件数', '催办次数', '退回次数', '容错不计件数', '容错从轻减轻件数'],
    level: { key: '重点督办', special: '专项督办', routine: '常规督办' },
    status: { open: '办理中', result_submitted: '待确认', closed: '已办结', cancelled: '已撤销' },
    warning: { blue: '蓝色预警', yellow: '黄色预警', red: '红色预警' },
    notAcknowledged: '未签收',
    noHandler: '未定',
    head: '负责人',
    listSeparator: '、',
    entrySeparator: '；',
    unitTextSeparator: '：',
    excusedWithoutReason: '已容错',
    degree: { exempt: '免责', lenient: '从轻', mitigated: '减轻' },
    coordination: { open: '待协调', resolved: '已协调' },
    referral: { waiting_chat: '待移交（未绑定纪委群）', sent: '已移交', received: '纪委已接收', answered: '已反馈' },
    verdict: { pending: '待核实', true: '核实属实', false: '核实不实' },
  },
  en: {
    sheets: { items: 'Ledger', events: 'Timeline', units: 'Units' },
    defaultTitle: 'Supervision ledger',
    generated: 'generated',
    page: 'Page &P of &N',
    itemHeaders: [
      'Code',
      'Instruction',
      'Issued by',
      'Leader in charge',
      'Lead units',
      'Cooperating units',
      'Level',
      'Assigned at',
      'Deadline',
      'Original deadline',
      'Extensions',
      'Status',
      'Acknowledgements',
      'Handling person (unit head)',
      'Last progress at',
      'Last progress',
      'Result',
      'Confirmed at',
      'Days overdue',
      'Closed vs deadline (days, negative = early)',
      'Nags',
      'Times returned',
      'Excused (degree)',
      'Excused (reason)',
      'Warning',
      'Coordination',
      'Milestones (done/overdue/total)',
      'Referral',
      'Verification',
    ],
    eventHeaders: ['Code', 'When', 'Who', 'Unit', 'What', 'Details'],
    unitHeaders: [
      'Unit',
      'Items',
      'On-time acknowledgement',
      'On-time closing',
      'Overdue',
      'Nags',
      'Returned',
      'Excused (not counted)',
      'Excused lenient/mitigated (counted)',
    ],
    level: { key: 'Key', special: 'Special', routine: 'Routine' },
    status: { open: 'Open', result_submitted: 'Result submitted', closed: 'Closed', cancelled: 'Cancelled' },
    warning: { blue: 'Blue', yellow: 'Yellow', red: 'Red' },
    notAcknowledged: 'not acknowledged',
    noHandler: 'none yet',
    head: 'head',
    listSeparator: ', ',
    entrySeparator: '; ',
    unitTextSeparator: ': ',
    excusedWithoutReason: 'excused',
    degree: { exempt: 'exempt', lenient: 'lenient', mitigated: 'mitigated' },
    coordination: { open: 'open', resolved: 'resolved' },
    referral: { waiting_chat: 'waiting (no discipline group)', sent: 'referred', received: 'received', answered: 'answered' },
    verdict: { pending: 'awaiting verification', true: 'found true', false: 'found untrue' },
  },
} as const;

const itemColumnKinds: ColumnKind[] = [
  'text',
  'long',
  'text',
  'text',
  'text',
  'text',
  'text',
  'datetime',
  'date',
  'date',
  'number',
  'text',
  'long',
  'long',
  'datetime',
  'long',
  'long',
  'datetime',
  'number',
  'number',
  'number',
  'number',
  'text',
  'long',
  'text',
  'text',
  'text',
  'long',
  'long',
];
const eventColumnKinds: ColumnKind[] = ['text', 'datetime', 'text', 'text', 'text', 'long'];
const unitColumnKinds: ColumnKind[] = ['text', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number'];

// ---------------------------------------------------------------------------------------------
// Styles. exceljs finds a cell's style id through a WeakMap keyed by the style object, so every
// cell of a kind shares one frozen-in-spirit object: a fresh object per cell would cost a
// serialisation per cell (millions of them in a large ledger).

const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm';
const DATE_FORMAT = 'yyyy-mm-dd';
const PERCENT_FORMAT = '0.0%';

/** Light fills, so that the text stays readable when printed. */
const warningFills = {
  blue: 'FFDDEBF7',
  yellow: 'FFFFF2CC',
  red: 'FFFFC7CE',
} as const;

type Fill = keyof typeof warningFills | 'none';

function solidFill(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb }, bgColor: { argb } };
}

function styleFor(kind: ColumnKind, fill: Fill): Partial<ExcelJS.Style> {
  const style: Partial<ExcelJS.Style> = {};
  if (kind === 'datetime') style.numFmt = DATETIME_FORMAT;
  if (kind === 'date') style.numFmt = DATE_FORMAT;
  if (kind === 'long') style.alignment = { wrapText: true, vertical: 'top' };
  else style.alignment = { vertical: 'top' };
  if (fill !== 'none') style.fill = solidFill(warningFills[fill]);
  return style;
}

const fills: Fill[] = ['none', 'blue', 'yellow', 'red'];
const kinds: ColumnKind[] = ['text', 'long', 'datetime', 'date', 'number'];
const cellStyles = new Map<string, Partial<ExcelJS.Style>>(fills.flatMap((fill) => kinds.map((kind) => [`${kind}/${fill}`, styleFor(kind, fill)] as const)));

function cellStyle(kind: ColumnKind, fill: Fill): Partial<ExcelJS.Style> {
  return cellStyles.get(`${kind}/${fill}`)!;
}

const headerStyle: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: solidFill('FFD9D9D9'),
  alignment: { vertical: 'middle', wrapText: true },
  border: { bottom: { style: 'thin' } },
};
const percentStyle: Partial<ExcelJS.Style> = { numFmt: PERCENT_FORMAT };
const missingRateStyle: Partial<ExcelJS.Style> = { alignment: { horizontal: 'right' } };
const plainStyle: Partial<ExcelJS.Style> = {};

// ---------------------------------------------------------------------------------------------
// Time. A spreadsheet date has no zone: exceljs writes a Date as a serial computed from its UTC
// fields. To make the cell show the wall time in the bot's zone, each instant is shifted by the
// zone's offset at that instant, read from zoned-time's memo (a ledger holds a million instants).

/** The instant as a zone-less spreadsheet date whose UTC fields are the wall time in the zone. */
function wallClock(timezone: string, instant: Date): Date {
  const ms = instant.getTime();
  return new Date(ms + cachedZoneOffsetMs(ms, timezone));
}

/** A local YYYY-MM-DD as a spreadsheet date (midnight, UTC fields). */
function dateCell(ymd: string | null): Date | null {
  if (!ymd) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 'MM-DD HH:mm' of a wall-clock date (see `wallClock`). */
function shortStamp(wall: Date): string {
  return `${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())} ${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`;
}

function ymdStamp(wall: Date): string {
  return `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`;
}

/** The file name a ledger generated at `date` goes by: 督办台账-2026-11-29.xlsx / ledger-2026-11-29.xlsx. */
export function ledgerFileName(date: Date, timezone: string, locale: Locale): string {
  const ymd = ymdStamp(wallClock(timezone, date));
  return locale === 'zh' ? `督办台账-${ymd}.xlsx` : `ledger-${ymd}.xlsx`;
}

// ---------------------------------------------------------------------------------------------
// Rows

type CellValue = string | number | Date | null;
type Labels = (typeof labels)[Locale];

function itemValues(item: LedgerItemRow, l: Labels, tz: string): CellValue[] {
  const acknowledgements = item.acknowledgements.map((a) => `${a.unit} ${a.at ? shortStamp(wallClock(tz, a.at)) : l.notAcknowledged}`).join(l.entrySeparator);
  return [
    item.code,
    item.instruction,
    item.issuedBy,
    item.leaderInCharge,
    item.leadUnits.join(l.listSeparator),
    item.cooperatingUnits.join(l.listSeparator),
    l.level[item.level],
    item.assignedAt && wallClock(tz, item.assignedAt),
    dateCell(item.deadline),
    dateCell(item.originalDeadline),
    item.extensionCount,
    l.status[item.status],
    acknowledgements,
    item.handlers.map((h) => `${h.unit}${l.unitTextSeparator}${h.handler ?? l.noHandler}${h.head ? `（${l.head} ${h.head}）` : ''}`).join(l.entrySeparator),
    item.lastProgress && wallClock(tz, item.lastProgress.at),
    item.lastProgress && `${item.lastProgress.unit}${l.unitTextSeparator}${item.lastProgress.text}`,
    item.result,
    item.confirmedAt && wallClock(tz, item.confirmedAt),
    item.daysOverdue,
    item.closedDaysEarlyOrLate,
    item.nagsReceived,
    item.timesReturned,
    item.excused && l.degree[item.excused.degree],
    item.excused && (item.excused.reason || l.excusedWithoutReason),
    item.warningColour && l.warning[item.warningColour],
    item.coordinations && item.coordinations.open + item.coordinations.resolved > 0
      ? `${l.coordination.open} ${item.coordinations.open} / ${l.coordination.resolved} ${item.coordinations.resolved}`
      : null,
    item.milestones && item.milestones.total > 0 ? `${item.milestones.done}/${item.milestones.overdue}/${item.milestones.total}` : null,
    item.referral
      ? `${l.referral[item.referral.status]} ${shortStamp(wallClock(tz, item.referral.at))}${item.referral.feedback ? `${l.unitTextSeparator}${item.referral.feedback}` : ''}`
      : null,
    item.verification ? verificationText(item.verification, l, tz) : null,
  ];
}

/** 核实: the verdict, by whom and when (MM-DD HH:mm), and the note. */
function verificationText(v: NonNullable<LedgerItemRow['verification']>, l: Labels, tz: string): string {
  const when = v.at ? ymdStamp(wallClock(tz, v.at)) : null;
  return [l.verdict[v.verdict], v.by, when, v.note].filter(Boolean).join(l.entrySeparator);
}

function eventValues(event: LedgerEventRow, tz: string): CellValue[] {
  return [event.code, wallClock(tz, event.at), event.who, event.unit, event.what, event.details];
}

// ---------------------------------------------------------------------------------------------
// Column widths: from the header and a sample of the first rows, CJK characters counting double
// (they take two columns of a fixed-width font, which is what Excel's width unit is made of).

const SAMPLE_ROWS = 200;
const FIXED_WIDTHS: Partial<Record<ColumnKind, number>> = { datetime: 17, date: 11.5 };
const MAX_WIDTH = { text: 30, long: 50, number: 14, datetime: 17, date: 11.5 } as const;

/** How many columns of a fixed-width font the text takes: wide (CJK, full-width) characters count 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

function columnWidths(headers: readonly string[], columnKinds: ColumnKind[], sample: CellValue[][]): number[] {
  return headers.map((header, i) => {
    const kind = columnKinds[i]!;
    const fixed = FIXED_WIDTHS[kind];
    // Headers wrap, so a long header needs only about half its width.
    const headerWidth = Math.min(displayWidth(header), Math.max(8, Math.ceil(displayWidth(header) / 2)));
    if (fixed) return Math.max(fixed, headerWidth + 2);
    let widest = headerWidth;
    for (const row of sample) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : String(value);
      // A multi-line cell is as wide as its widest line.
      for (const line of text.split('\n')) widest = Math.max(widest, displayWidth(line));
    }
    return Math.min(MAX_WIDTH[kind], Math.max(6, widest + 2));
  });
}

// ---------------------------------------------------------------------------------------------
// Back-pressure. exceljs's streaming writer does not honour it: a committed row goes into the
// sheet's buffer stream, which pushes 64 KB batches into a PassThrough that archiver reads
// when it gets to that zip entry, without ever waiting. Rows produced faster than zlib and the
// disk take them pile up in memory: test/bench/ledger.bench.ts peaked at 627 MB with only a yield
// every 1000 rows, 180 MB with this wait (100,000 items, a million events). So after each row we look
// at that PassThrough (archiver's own, made when exceljs appends the sheet to the zip) and wait
// for it to drain once it is over its high-water mark. These are exceljs/archiver internals
// (exceljs 4.4, archiver 5.3); if they are not where we expect, we only yield to the event loop
// now and then, which keeps the output right but the memory unbounded.

type InternalWritable = NodeJS.EventEmitter & { _writableState?: { length: number; needDrain?: boolean } };
type SheetInternals = { stream?: { pipes?: InternalWritable[] } };

/**
 * How much XML may wait for zlib before the writer stops making more: well above the
 * PassThrough's own 16 KB, so that the rows of the next batch are made while zlib (on another
 * thread) compresses this one.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Rejects when the output stream or the zip fails: a wait for 'drain' would otherwise never end,
 * since nothing reads any more.
 */
type Failure = Promise<never>;

async function letTheZipCatchUp(sheet: ExcelJS.Worksheet, rowNumber: number, failure: Failure): Promise<void> {
  const pipe = (sheet as unknown as SheetInternals).stream?.pipes?.[0];
  if (pipe?._writableState) {
    // 'drain' comes once the buffer is empty, and only if a write found it over 16 KB (needDrain).
    if (pipe._writableState.length > MAX_BUFFERED_BYTES && pipe._writableState.needDrain) await Promise.race([once(pipe, 'drain'), failure]);
  } else if (rowNumber % 1000 === 0) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Takes up to `n` values from an iterator (for the width sample) without losing any. */
async function takeSample<T>(iterator: AsyncIterator<T> | Iterator<T>, n: number): Promise<{ sample: T[]; done: boolean }> {
  const sample: T[] = [];
  while (sample.length < n) {
    const next = await iterator.next();
    if (next.done) return { sample, done: true };
    sample.push(next.value);
  }
  return { sample, done: false };
}

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

type SheetSetup = {
  workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  name: string;
  headers: readonly string[];
  widths: number[];
  title: string;
  pageFooter: string;
};

/**
 * A sheet with its header row committed. The pane is frozen under the header and the filter set
 * on it here, at creation: the streaming writer writes the sheet's views with its first bytes.
 * The filter's range is widened to the data when the sheet is finished (`finishSheet`).
 */
function openSheet(setup: SheetSetup): ExcelJS.Worksheet {
  const lastColumn = columnLetter(setup.headers.length);
  const options = {
    views: [{ state: 'frozen' as const, ySplit: 1, xSplit: 0, topLeftCell: 'A2', activeCell: 'A2' }],
    autoFilter: `A1:${lastColumn}1`,
    // Printed: landscape A4, as wide as one page, the header row repeated on every page.
    pageSetup: { orientation: 'landscape' as const, paperSize: 9, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: { oddHeader: `&C${escapeHeaderFooter(setup.title)}`, oddFooter: `&C${setup.pageFooter}` },
  };
  const sheet = setup.workbook.addWorksheet(setup.name, options as Partial<ExcelJS.AddWorksheetOptions>);
  sheet.columns = setup.widths.map((width) => ({ width }));
  const header = sheet.addRow([...setup.headers]);
  header.height = 32;
  header.eachCell((cell) => {
    cell.style = headerStyle;
  });
  header.commit();
  return sheet;
}

function finishSheet(sheet: ExcelJS.Worksheet, columns: number, dataRows: number): void {
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + dataRows, column: columns } };
  sheet.commit();
}

/** In page headers and footers '&' starts a code. */
function escapeHeaderFooter(text: string): string {
  return text.replace(/&/g, '&&');
}

async function addStyledRow(sheet: ExcelJS.Worksheet, values: CellValue[], styles: Partial<ExcelJS.Style>[], failure: Failure): Promise<void> {
  const row = sheet.addRow(values);
  for (let c = 0; c < values.length; c++) {
    row.getCell(c + 1).style = styles[c]!;
  }
  row.commit();
  await letTheZipCatchUp(sheet, row.number, failure);
}

type SheetSeries<T> = {
  source: AsyncIterable<T> | Iterable<T>;
  name: string;
  headers: readonly string[];
  kinds: ColumnKind[];
  values: (row: T) => CellValue[];
  styles: (row: T, values: CellValue[]) => Partial<ExcelJS.Style>[];
};

/**
 * Writes rows from `source` onto a sheet, and past `rowsPerSheet` rows onto "name (2)",
 * "name (3)"... with the same header and widths. The widths come from the first rows, which are
 * read ahead before anything is written (the streaming writer writes widths before the first
 * row). Returns the number of rows written.
 */
async function writeSheetSeries<T>(
  setup: (name: string, headers: readonly string[], widths: number[]) => SheetSetup,
  limits: { rowsPerSheet: number; failure: Failure },
  series: SheetSeries<T>,
): Promise<number> {
  const rows = iteratorOf(series.source);
  let exhausted = false;
  try {
    const { sample, done } = await takeSample(rows, SAMPLE_ROWS);
    exhausted = done;
    const sampleValues = sample.map(series.values);
    const widths = columnWidths(series.headers, series.kinds, sampleValues);
    let sheetNo = 1;
    let onSheet = 0;
    let total = 0;
    let sheet = openSheet(setup(series.name, series.headers, widths));
    const write = async (row: T, values: CellValue[]) => {
      if (onSheet === limits.rowsPerSheet) {
        finishSheet(sheet, series.headers.length, onSheet);
        sheetNo++;
        onSheet = 0;
        sheet = openSheet(setup(`${series.name} (${sheetNo})`, series.headers, widths));
      }
      await addStyledRow(sheet, values, series.styles(row, values), limits.failure);
      onSheet++;
      total++;
    };
    for (const [i, row] of sample.entries()) await write(row, sampleValues[i]!);
    while (!exhausted) {
      const next = await rows.next();
      if (next.done) exhausted = true;
      else await write(next.value, series.values(next.value));
    }
    finishSheet(sheet, series.headers.length, onSheet);
    return total;
  } catch (error) {
    // Let the source let go of what it holds (a database cursor, say) before giving up.
    if (!exhausted) await Promise.resolve(rows.return?.()).catch(() => {});
    throw error;
  }
}

/**
 * Writes the ledger workbook to a stream or a file, reading items and events as they come (an
 * async generator over a database cursor is the intended source). Returns how many item and
 * event rows were written. On failure (of a source or of the output) the sources are closed and
 * a file given by path is removed; a stream given by the caller is left to the caller.
 */
export async function writeLedgerWorkbook(input: WriteLedgerWorkbookInput): Promise<{ itemRows: number; eventRows: number }> {
  const l = labels[input.locale];
  const tz = input.timezone;
  const rowsPerSheet = Math.min(input.rowsPerSheet ?? MAX_DATA_ROWS_PER_SHEET, MAX_DATA_ROWS_PER_SHEET);
  if (!(rowsPerSheet >= 1)) throw new RangeError('rowsPerSheet must be at least 1');

  const generated = wallClock(tz, input.generatedAt);
  const stamp = `${ymdStamp(generated)} ${pad2(generated.getUTCHours())}:${pad2(generated.getUTCMinutes())}`;
  const title = input.title ?? `${l.defaultTitle}（${l.generated} ${stamp}）`;

  const path = typeof input.out === 'string' ? input.out : null;
  const stream: NodeJS.WritableStream = typeof input.out === 'string' ? createWriteStream(input.out) : input.out;
  // zlib level 6 explicitly: left to itself, the writer compresses less (62 MB instead of 48 MB
  // for the benchmark's ledger, in the same time), and a bot uploads at most 50 MB to Telegram.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: stream as unknown as import('node:stream').Stream,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 6 } },
  });
  workbook.creator = 'duban';
  workbook.created = input.generatedAt;
  workbook.modified = input.generatedAt;
  workbook.title = title;

  const sheetSetup = (name: string, headers: readonly string[], widths: number[]): SheetSetup => ({
    workbook,
    name,
    headers,
    widths,
    title,
    pageFooter: l.page,
  });
  const zip = (workbook as unknown as { zip: NodeJS.EventEmitter & { abort(): void } }).zip;
  let fail: (error: Error) => void = () => {};
  const failure: Failure = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failure.catch(() => {}); // only ever awaited in a race
  stream.on('error', fail);
  zip.on('error', fail);
  const limits = { rowsPerSheet, failure };

  try {
    // The sheets are written one after the other, each opened only when the one before is
    // committed: archiver zips entries in order, so a sheet opened early would sit in memory
    // until the one before it is done.
    const itemStyles = Object.fromEntries(fills.map((fill) => [fill, itemColumnKinds.map((kind) => cellStyle(kind, fill))])) as Record<
      Fill,
      Partial<ExcelJS.Style>[]
    >;
    const itemRows = await writeSheetSeries(sheetSetup, limits, {
      source: input.items,
      name: l.sheets.items,
      headers: l.itemHeaders,
      kinds: itemColumnKinds,
      values: (item) => itemValues(item, l, tz),
      styles: (item) => itemStyles[item.warningColour ?? 'none'],
    });

    const eventStyles = eventColumnKinds.map((kind) => cellStyle(kind, 'none'));
    const eventRows = await writeSheetSeries(sheetSetup, limits, {
      source: input.events,
      name: l.sheets.events,
      headers: l.eventHeaders,
      kinds: eventColumnKinds,
      values: (event) => eventValues(event, tz),
      styles: () => eventStyles,
    });

    await writeSheetSeries(sheetSetup, limits, {
      source: input.units,
      name: l.sheets.units,
      headers: l.unitHeaders,
      kinds: unitColumnKinds,
      values: (u) => [u.unit, u.items, u.onTimeAckRate ?? '—', u.onTimeCloseRate ?? '—', u.overdue, u.nags, u.returned, u.excusedExcluded, u.lenient],
      styles: (_, values) => values.map((v, i) => (i === 2 || i === 3 ? (typeof v === 'number' ? percentStyle : missingRateStyle) : plainStyle)),
    });

    await Promise.race([workbook.commit(), failure]);
    return { itemRows, eventRows };
  } catch (error) {
    zip.abort();
    if (path) {
      // The file may not even be open yet: wait until it is closed, or the unlink could come first.
      const file = stream as WriteStream;
      if (!file.closed) {
        const closed = once(file, 'close');
        file.destroy();
        await closed;
      }
      await unlink(path).catch(() => {});
    }
    throw error;
  } finally {
    stream.removeListener('error', fail);
  }
}

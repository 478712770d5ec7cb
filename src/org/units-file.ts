import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { appError } from '../shared/errors.js';
import type { UnitImportRow } from './org.usecases.js';

/**
 * Units files: CSV or XLSX (first worksheet), with the header `name,aliases[,head_id]` in the
 * first non-empty row and aliases separated by `;` (or `；`). Every problem is collected with the
 * row number and column letter a spreadsheet shows, and the whole file is refused if there is any
 * (`units.file_invalid`, `problems` one per line).
 */

export type FileProblem = { row: number; column: string; message: string };

/** One row as read from a file: its spreadsheet row number and its cells as text, trimmed. */
type SheetRow = { row: number; cells: string[] };

const KNOWN_COLUMNS = ['name', 'aliases', 'head_id'] as const;

/** The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA. */
function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function formatProblem(p: FileProblem): string {
  return p.column ? `row ${p.row}, column ${p.column}: ${p.message}` : `row ${p.row}: ${p.message}`;
}

/**
 * Checks the rows of a units file, whatever format they came from: the first row is the header,
 * rows with no text at all are skipped (they still count for numbering).
 */
function checkUnitRows(rows: SheetRow[]): UnitImportRow[] {
  const filled = rows.filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...body] = filled;
  if (!header) throw appError('units.file_empty');
  const columns = header.cells.map((h) => h.toLowerCase());
  const problems: FileProblem[] = [];
  columns.forEach((c, i) => {
    if (c !== '' && !(KNOWN_COLUMNS as readonly string[]).includes(c)) {
      problems.push({ row: header.row, column: columnLetter(i), message: `unknown column "${header.cells[i]}" (expected name, aliases, head_id)` });
    }
  });
  columns.forEach((c, i) => {
    if (c !== '' && columns.indexOf(c) !== i)
      problems.push({ row: header.row, column: columnLetter(i), message: `the column "${header.cells[i]}" appears twice` });
  });
  const nameAt = columns.indexOf('name');
  if (nameAt < 0) problems.push({ row: header.row, column: '', message: 'the header has no "name" column' });
  const aliasesAt = columns.indexOf('aliases');
  const headAt = columns.indexOf('head_id');
  const at = (index: number) => `${columnLetter(index)} (${columns[index]})`;

  const seen = new Map<string, number>();
  const out: UnitImportRow[] = [];
  for (const { row, cells } of body) {
    const name = nameAt >= 0 ? (cells[nameAt] ?? '') : '';
    if (nameAt >= 0 && !name) problems.push({ row, column: at(nameAt), message: 'the name is empty' });
    const aliases =
      aliasesAt >= 0
        ? (cells[aliasesAt] ?? '')
            .split(/[;；]/)
            .map((a) => a.trim())
            .filter(Boolean)
        : [];
    const headRaw = headAt >= 0 ? (cells[headAt] ?? '') : '';
    const headValid = /^\d+$/.test(headRaw) && Number.isSafeInteger(Number(headRaw));
    if (headRaw && !headValid) problems.push({ row, column: at(headAt), message: `"${headRaw}" is not a Telegram user id` });
    for (const [n, column] of [[name, nameAt] as const, ...aliases.map((a) => [a, aliasesAt] as const)]) {
      if (!n) continue;
      const first = seen.get(n);
      if (first !== undefined) problems.push({ row, column: at(column), message: `"${n}" already appears in row ${first}` });
      else seen.set(n, row);
    }
    out.push({ name, aliases, headId: headRaw && headValid ? Number(headRaw) : null });
  }
  if (problems.length > 0) throw appError('units.file_invalid', { problems: problems.map(formatProblem).join('\n') });
  return out;
}

/**
 * Reads a units CSV. Row numbers are those a spreadsheet shows when it opens the file: the header
 * is row 1, empty lines count, a quoted line break stays inside its cell.
 */
export function parseUnitsCsv(content: string): UnitImportRow[] {
  let records: string[][];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), { skip_empty_lines: false, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    throw appError('units.file_unreadable', { reason: (error as Error).message });
  }
  return checkUnitRows(records.map((cells, i) => ({ row: i + 1, cells })));
}

/** A cell as the text a person sees (a number as its digits, rich text as its characters), trimmed. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return cell.text.trim();
}

/** Reads a units workbook (.xlsx): the first worksheet, with the spreadsheet's own row numbers. */
export async function parseUnitsXlsx(buffer: Buffer): Promise<UnitImportRow[]> {
  // exceljs is loaded only when a spreadsheet is imported.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (error) {
    throw appError('units.file_unreadable', { reason: (error as Error).message });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw appError('units.file_empty');
  const rows: SheetRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell);
    });
    rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return checkUnitRows(rows);
}

/**
 * The text of a CSV file: UTF-8, or else GB18030. Excel on a Chinese Windows saves "CSV" in GBK
 * (which GB18030 contains); read as UTF-8, every Chinese name would be mangled.
 */
export function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/**
 * Reads a units file, CSV or XLSX by its extension. Anything else is refused with
 * `units.file_type`; a file that cannot be read throws the file system's error.
 */
export async function parseUnitsFile(path: string): Promise<UnitImportRow[]> {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return parseUnitsCsv(decodeCsv(await readFile(path)));
  if (extension === '.xlsx') return parseUnitsXlsx(await readFile(path));
  throw appError('units.file_type', { name: path, expected: '.csv, .xlsx' });
}

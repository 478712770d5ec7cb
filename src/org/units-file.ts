import { parse } from 'csv-parse/sync';
import { appError } from '../shared/errors.js';
import type { UnitImportRow } from './org.usecases.js';

export type FileProblem = { row: number; column: string; message: string };

/**
 * Reads a units CSV (header `name,aliases[,head_id]`; aliases separated by `;`). Every problem
 * is collected with its row and column, and the whole file is refused if there is any.
 * Row numbers count the header as row 1, as a spreadsheet shows them.
 */
export function parseUnitsCsv(content: string): UnitImportRow[] {
  let records: string[][];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    throw appError('units.file_unreadable', { reason: (error as Error).message });
  }
  const [header, ...rows] = records;
  if (!header) throw appError('units.file_empty');
  const columns = header.map((h) => h.trim().toLowerCase());
  const known = ['name', 'aliases', 'head_id'];
  const problems: FileProblem[] = [];
  columns.forEach((c, i) => {
    if (!known.includes(c)) problems.push({ row: 1, column: String.fromCharCode(65 + i), message: `unknown column "${header[i]}" (expected name, aliases, head_id)` });
  });
  const nameAt = columns.indexOf('name');
  if (nameAt < 0) problems.push({ row: 1, column: 'name', message: 'the header has no "name" column' });
  const aliasesAt = columns.indexOf('aliases');
  const headAt = columns.indexOf('head_id');
  const seen = new Map<string, number>();
  const out: UnitImportRow[] = [];
  rows.forEach((cells, i) => {
    const rowNo = i + 2;
    const name = nameAt >= 0 ? (cells[nameAt] ?? '').trim() : '';
    if (nameAt >= 0 && !name) problems.push({ row: rowNo, column: 'name', message: 'the name is empty' });
    const aliases = aliasesAt >= 0 ? (cells[aliasesAt] ?? '').split(/[;；]/).map((a) => a.trim()).filter(Boolean) : [];
    const headRaw = headAt >= 0 ? (cells[headAt] ?? '').trim() : '';
    if (headRaw && !/^\d+$/.test(headRaw)) problems.push({ row: rowNo, column: 'head_id', message: `"${headRaw}" is not a Telegram user id` });
    for (const n of [name, ...aliases].filter(Boolean)) {
      const first = seen.get(n);
      if (first !== undefined) problems.push({ row: rowNo, column: n === name ? 'name' : 'aliases', message: `"${n}" already appears in row ${first}` });
      else seen.set(n, rowNo);
    }
    out.push({ name, aliases, headId: headRaw && /^\d+$/.test(headRaw) ? Number(headRaw) : null });
  });
  if (problems.length > 0) {
    throw appError('units.file_invalid', { problems: problems.map((p) => `row ${p.row}, column ${p.column}: ${p.message}`).join('\n') });
  }
  return out;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCsv, parseUnitsCsv, parseUnitsFile, parseUnitsXlsx } from '../../src/org/units-file.js';
import { isAppError } from '../../src/shared/errors.js';

/** An XLSX made in memory: the rows of the first sheet (a second sheet shows it is ignored). */
async function xlsx(rows: unknown[][], options: { skipRows?: number } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('单位');
  rows.forEach((row, i) => {
    sheet.getRow(i + 1 + (options.skipRows ?? 0)).values = row as ExcelJS.CellValue[];
  });
  workbook.addWorksheet('其他').addRow(['name', 'aliases']).commit();
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The problems of a refused file, one per line. */
async function problemsOf(parse: () => unknown): Promise<string[]> {
  try {
    await parse();
  } catch (error) {
    if (isAppError(error, 'units.file_invalid')) return String(error.params.problems).split('\n');
    throw error;
  }
  throw new Error('the file was accepted');
}

const valid = [
  { name: '市住房和城乡建设局', aliases: ['市住建局', '住建局'], headId: 123456789 },
  { name: '市城市管理局', aliases: ['市城管局'], headId: null },
  { name: '市财政局', aliases: [], headId: null },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-units-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('units files', () => {
  it('reads a valid CSV, with a BOM, either semicolon, and an empty line', () => {
    const csv = '\uFEFFname,aliases,head_id\n市住房和城乡建设局,市住建局;住建局,123456789\n\n市城市管理局,市城管局；,\n市财政局,,\n';
    expect(parseUnitsCsv(csv)).toEqual(valid);
  });

  it('reads a valid XLSX: the first sheet, numbers as ids, the header in any case', async () => {
    const buffer = await xlsx([
      ['Name', 'Aliases', 'HEAD_ID'],
      ['市住房和城乡建设局', '市住建局;住建局', 123456789],
      ['市城市管理局', ' 市城管局 ', null],
      [],
      ['市财政局'],
    ]);
    expect(await parseUnitsXlsx(buffer)).toEqual(valid);
  });

  it('reads a file by its extension and refuses other kinds of file', async () => {
    const csvFile = join(dir, 'units.csv');
    writeFileSync(csvFile, 'name,aliases\n市财政局,财政局\n');
    const xlsxFile = join(dir, 'units.XLSX');
    writeFileSync(
      xlsxFile,
      await xlsx([
        ['name', 'aliases'],
        ['市财政局', '财政局'],
      ]),
    );
    const expected = [{ name: '市财政局', aliases: ['财政局'], headId: null }];
    expect(await parseUnitsFile(csvFile)).toEqual(expected);
    expect(await parseUnitsFile(xlsxFile)).toEqual(expected);
    const xls = join(dir, 'units.xls');
    writeFileSync(xls, 'whatever');
    await expect(parseUnitsFile(xls)).rejects.toMatchObject({ code: 'units.file_type', params: { expected: '.csv, .xlsx' } });
    await expect(parseUnitsFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a CSV that Excel saved in GBK', async () => {
    const gbk = Buffer.from('6e616d652c616c69617365730acad0d7a1bda8bed62cd7a1bda8bed60a', 'hex'); // name,aliases / 市住建局,住建局
    expect(decodeCsv(gbk)).toBe('name,aliases\n市住建局,住建局\n');
    const file = join(dir, 'gbk.csv');
    writeFileSync(file, gbk);
    expect(await parseUnitsFile(file)).toEqual([{ name: '市住建局', aliases: ['住建局'], headId: null }]);
  });

  it('refuses a duplicate name, with the row and column of both', async () => {
    const csv = 'name,aliases\n市住建局,住建局\n市城管局,城管局\n住建局,\n市城管局,\n';
    const expected = ['row 4, column A (name): "住建局" already appears in row 2', 'row 5, column A (name): "市城管局" already appears in row 3'];
    expect(await problemsOf(() => parseUnitsCsv(csv))).toEqual(expected);
    const buffer = await xlsx([['name', 'aliases'], ['市住建局', '住建局'], ['市城管局', '城管局'], ['住建局'], ['市城管局']]);
    expect(await problemsOf(() => parseUnitsXlsx(buffer))).toEqual(expected);
  });

  it('refuses an alias used twice, pointing at the aliases column', async () => {
    const buffer = await xlsx([
      ['name', 'aliases'],
      ['市住建局', '住建局'],
      ['市城管局', '城管局;住建局'],
    ]);
    expect(await problemsOf(() => parseUnitsXlsx(buffer))).toEqual(['row 3, column B (aliases): "住建局" already appears in row 2']);
  });

  it('refuses an unknown column and a header without a name column', async () => {
    const csv = 'unit,aliases,phone\n市住建局,住建局,123\n';
    const expected = [
      'row 1, column A: unknown column "unit" (expected name, aliases, head_id)',
      'row 1, column C: unknown column "phone" (expected name, aliases, head_id)',
      'row 1: the header has no "name" column',
    ];
    expect(await problemsOf(() => parseUnitsCsv(csv))).toEqual(expected);
    const buffer = await xlsx([
      ['unit', 'aliases', 'phone'],
      ['市住建局', '住建局', 123],
    ]);
    expect(await problemsOf(() => parseUnitsXlsx(buffer))).toEqual(expected);
  });

  it('counts rows as the spreadsheet shows them when the sheet starts lower down', async () => {
    const buffer = await xlsx(
      [
        ['name', 'aliases'],
        ['', '住建局'],
      ],
      { skipRows: 2 },
    );
    expect(await problemsOf(() => parseUnitsXlsx(buffer))).toEqual(['row 4, column A (name): the name is empty']);
  });

  it('refuses an empty name and a head id that is not a number, every problem at once', async () => {
    const csv = 'aliases,name,head_id\n住建局,,12ab\n城管局,市城管局,-5\n财政局,市财政局,1.5\n';
    const expected = [
      'row 2, column B (name): the name is empty',
      'row 2, column C (head_id): "12ab" is not a Telegram user id',
      'row 3, column C (head_id): "-5" is not a Telegram user id',
      'row 4, column C (head_id): "1.5" is not a Telegram user id',
    ];
    expect(await problemsOf(() => parseUnitsCsv(csv))).toEqual(expected);
    const buffer = await xlsx([
      ['aliases', 'name', 'head_id'],
      ['住建局', null, '12ab'],
      ['城管局', '市城管局', -5],
      ['财政局', '市财政局', 1.5],
    ]);
    expect(await problemsOf(() => parseUnitsXlsx(buffer))).toEqual(expected);
  });

  it('says when a file is empty or not a file of its kind', async () => {
    expect(() => parseUnitsCsv('')).toThrow(expect.objectContaining({ code: 'units.file_empty' }));
    expect(() => parseUnitsCsv('\n\n')).toThrow(expect.objectContaining({ code: 'units.file_empty' }));
    expect(() => parseUnitsCsv('name,aliases\n"市住建局,住建局\n')).toThrow(expect.objectContaining({ code: 'units.file_unreadable' }));
    await expect(parseUnitsXlsx(await xlsx([]))).rejects.toMatchObject({ code: 'units.file_empty' });
    await expect(parseUnitsXlsx(Buffer.from('name,aliases\n'))).rejects.toMatchObject({ code: 'units.file_unreadable' });
  });

  it('parses a 5 MB file in reasonable time, as CSV and as XLSX', async () => {
    const lines = ['name,aliases,head_id'];
    let size = 0;
    for (let i = 1; size < 5 * 1024 * 1024; i++) {
      const line = `市第${i}工作局,第${i}局;工作${i}局,${100000000 + i}`;
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    const csv = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    let started = performance.now();
    const fromCsv = parseUnitsCsv(csv);
    const csvSeconds = (performance.now() - started) / 1000;
    expect(fromCsv).toHaveLength(lines.length - 1);
    expect(fromCsv.at(-1)).toEqual({
      name: `市第${lines.length - 1}工作局`,
      aliases: [`第${lines.length - 1}局`, `工作${lines.length - 1}局`],
      headId: 100000000 + lines.length - 1,
    });
    expect(csvSeconds).toBeLessThan(10);

    // The same rows as a workbook: far smaller once zipped, the same work to read.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('units');
    for (const line of lines) {
      const [name, aliases, head] = line.split(',');
      sheet.addRow([name, aliases, /^\d+$/.test(head!) ? Number(head) : head]);
    }
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    started = performance.now();
    const fromXlsx = await parseUnitsXlsx(buffer);
    const xlsxSeconds = (performance.now() - started) / 1000;
    expect(fromXlsx).toEqual(fromCsv);
    expect(xlsxSeconds).toBeLessThan(20);
  }, 60_000);
});

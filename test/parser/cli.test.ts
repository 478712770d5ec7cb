import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readNow } from '../../src/cli/parse.command.js';
import { runCli } from '../../src/cli/index.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { unitAliases, units } from '../../src/db/schema/index.js';

const UNITS_CSV = fileURLToPath(new URL('./fixtures/units.csv', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEXT = '请市住建局牵头,市自然资源局、市城管执法局配合,于7月30日前报送办理结果。';

/** Runs the CLI in this process and captures what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const USAGE = /usage: duban parse/;

describe('duban parse', () => {
  const dirs: string[] = [];
  const envBefore = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    process.env.DATA_DIR = envBefore.DATA_DIR;
    process.env.DATABASE_URL = envBefore.DATABASE_URL;
    if (envBefore.DATA_DIR === undefined) delete process.env.DATA_DIR;
    if (envBefore.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
  });

  it('prints exactly one JSON object with every field, and exits 0', async () => {
    const { code, stdout, stderr } = await run(['parse', '--now', '2024-07-19T10:00:00+08:00', '--units', UNITS_CSV, TEXT]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      lead: ['市住房和城乡建设局'],
      cooperating: ['市自然资源和规划局', '市城市管理综合执法局'],
      deadline: '2024-07-30',
      deadlineTime: null,
      level: 'routine',
      milestones: [],
      reportEvery: null,
      leaderInCharge: null,
      unresolved: [],
      warnings: [],
    });
  });

  it('prints the draft card’s warnings too: a deadline on a day off, 今天下班前 written on a Sunday, the leader in charge', async () => {
    const saturday = await run([
      'parse',
      '--now',
      '2024-07-19T10:00:00+08:00',
      '--timezone',
      'Asia/Shanghai',
      '--units',
      UNITS_CSV,
      '请王副市长牵头督办,市住建局负责,7月27日前报送。',
    ]);
    expect(saturday.code).toBe(0);
    expect(JSON.parse(saturday.stdout)).toMatchObject({
      deadline: '2024-07-27',
      leaderInCharge: { name: '王', title: '副市长' },
      warnings: ['the deadline 2024-07-27 is a day off; the working day before it is 2024-07-26'],
    });
    const sunday = await run([
      'parse',
      '--now',
      '2024-07-21T10:00:00+08:00',
      '--timezone',
      'Asia/Shanghai',
      '--units',
      UNITS_CSV,
      '请市应急局牵头,今天下班前报送。',
    ]);
    expect(JSON.parse(sunday.stdout)).toMatchObject({
      deadline: '2024-07-22',
      deadlineTime: '18:00',
      warnings: ['"今天下班前" was written on a day off; read as the end of the next working day, 2024-07-22'],
    });
  });

  it('reads --now without an offset as wall time in the time zone, and joins several words', async () => {
    const { code, stdout } = await run([
      'parse',
      '--now',
      '2024-07-19T23:30',
      '--timezone',
      'Asia/Shanghai',
      '--units',
      UNITS_CSV,
      '请市住建局牵头,',
      '明天下午5点前报送',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ lead: ['市住房和城乡建设局'], deadline: '2024-07-20', deadlineTime: '17:00' });
  });

  it.each([
    ['no text', ['parse', '--units', UNITS_CSV], /missing required argument/],
    ['a malformed --now', ['parse', '--now', '2024-13-40', '--units', UNITS_CSV, TEXT], /--now: "2024-13-40" is not a time/],
    ['--now without a value', ['parse', TEXT, '--now'], /argument missing/],
    ['a missing units file', ['parse', '--units', '/nonexistent/units.csv', TEXT], /--units: cannot read \/nonexistent\/units.csv \(ENOENT\)/],
    ['an unknown option', ['parse', '--bogus', TEXT], /unknown option '--bogus'/],
    ['an unknown time zone', ['parse', '--timezone', 'Mars/Olympus', '--units', UNITS_CSV, TEXT], /--timezone: "Mars\/Olympus" is not an IANA time zone/],
  ])('with %s prints the problem and a usage line on stderr, nothing on stdout, and exits 2', async (_name, args, problem) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(problem);
    expect(stderr).toMatch(USAGE);
  });

  it.each([
    ['a wrong header', 'unit,other\n市住建局,住建局\n', /units.file_invalid/],
    ['an unclosed quote', 'name,aliases\n"市住建局,住建局\n', /units.file_unreadable/],
    ['an empty file', '', /units.file_empty/],
    ['a unit listed twice', 'name,aliases\n市住建局,\n市住建局,\n', /already appears in row 2/],
  ])('with a units file with %s exits 2 and says what is wrong', async (_name, content, problem) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-parse-'));
    dirs.push(dir);
    const file = path.join(dir, 'units.csv');
    writeFileSync(file, content);
    const { code, stdout, stderr } = await run(['parse', '--units', file, TEXT]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(problem);
    expect(stderr).toMatch(USAGE);
  });

  it('without --units reads the unit registry from the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-parse-db-'));
    dirs.push(dir);
    const database = await openDatabase({ dataDir: dir });
    await runMigrations(database);
    const [unit] = await database.db.insert(units).values({ name: '市住房和城乡建设局', createdAt: new Date() }).returning({ id: units.id });
    await database.db.insert(unitAliases).values({ alias: '住建局', unitId: unit!.id });
    await database.close();
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    const { code, stdout } = await run(['parse', '--now', '2024-07-19T10:00:00+08:00', '请住建局牵头,市交通委配合,三日内报送。']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ lead: ['市住房和城乡建设局'], cooperating: ['市交通委'], unresolved: ['市交通委'], deadline: '2024-07-22' });
  }, 60_000);

  it('as a separate process (npx tsx) keeps stdout to the JSON object and exits 2 on a usage error', async () => {
    const exec = promisify(execFile);
    const cli = path.join(ROOT, 'src/cli/index.ts');
    const ok = await exec('npx', ['tsx', cli, 'parse', '--now', '2024-07-19T10:00:00+08:00', '--units', UNITS_CSV, 'Housing Bureau to lead, due 2024-08-15'], {
      cwd: ROOT,
    });
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(ok.stdout)).toMatchObject({ lead: ['市住房和城乡建设局'], deadline: '2024-08-15' });
    const failed = await exec('npx', ['tsx', cli, 'parse', '--now', 'yesterday', '--units', UNITS_CSV, 'x'], { cwd: ROOT }).catch(
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr).toMatch(USAGE);
  }, 60_000);
});

describe('readNow', () => {
  it('takes ISO 8601 with an offset as that instant, without one as wall time in the zone', () => {
    expect(readNow('2024-07-19T10:00:00+08:00', 'Europe/London')?.toISOString()).toBe('2024-07-19T02:00:00.000Z');
    expect(readNow('2024-07-19T10:00:00Z', 'Asia/Shanghai')?.toISOString()).toBe('2024-07-19T10:00:00.000Z');
    expect(readNow('2024-07-19T10:00+0800', 'UTC')?.toISOString()).toBe('2024-07-19T02:00:00.000Z');
    expect(readNow('2024-07-19 10:00', 'Asia/Shanghai')?.toISOString()).toBe('2024-07-19T02:00:00.000Z');
    expect(readNow('2024-07-19', 'Asia/Shanghai')?.toISOString()).toBe('2024-07-18T16:00:00.000Z');
    expect(readNow('2024-02-30T10:00', 'Asia/Shanghai')).toBeNull();
    expect(readNow('2024-07-19T25:00', 'Asia/Shanghai')).toBeNull();
    expect(readNow('tomorrow', 'Asia/Shanghai')).toBeNull();
  });
});

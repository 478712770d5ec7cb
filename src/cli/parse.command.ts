import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { asc, eq } from 'drizzle-orm';
import { isValidTimeZone, zonedInstant } from '../calendar/model/zoned-time.js';
import { loadConfigOrExit, type Config } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { unitAliases, units as unitsTable } from '../db/schema/index.js';
import { parseUnitsCsv } from '../org/units-file.js';
import { parseInstruction, type UnitRecord } from '../parser/parse.js';
import { isAppError } from '../shared/errors.js';

export const PARSE_USAGE = 'usage: duban parse [--now <ISO 8601 time>] [--units <units.csv>] [--timezone <IANA zone>] <text>';

/**
 * `duban parse "请市住建局牵头..."`: reads an instruction and prints exactly one JSON object on
 * stdout (lead, cooperating, deadline, deadlineTime, level, milestones, reportEvery, unresolved,
 * warnings). Messages go to stderr. A missing or malformed argument (text, --now, --units,
 * --timezone) prints the problem and a usage line, and exits 2.
 */
export function registerParseCommand(program: Command): void {
  program
    .command('parse')
    .description('read an instruction (批示) and print lead/cooperating units, deadline and milestones as one JSON object')
    .argument('<text...>', 'the instruction text (several words are joined with spaces)')
    .option(
      '--now <time>',
      'the time to read relative dates from, ISO 8601 (e.g. 2024-07-19T10:00:00+08:00); without an offset it is wall time in the time zone (default: now)',
    )
    .option('--units <file>', 'unit registry as CSV with the header name,aliases (aliases separated by ;); default: the units in the database')
    .option('--timezone <zone>', 'IANA time zone (default: TIMEZONE from the configuration, Asia/Shanghai)')
    .showHelpAfterError(PARSE_USAGE)
    .action(async (words: string[], options: { now?: string; units?: string; timezone?: string }, command: Command) => {
      const usageError = (message: string): never => command.error(`duban parse: ${message}`, { exitCode: 2, code: 'duban.usage' });
      const text = words.join(' ');
      const config = options.timezone === undefined || options.units === undefined ? loadConfigOrExit() : undefined;
      const timezone = options.timezone ?? config!.timezone;
      if (!isValidTimeZone(timezone)) usageError(`--timezone: ${JSON.stringify(timezone)} is not an IANA time zone (e.g. Asia/Shanghai)`);
      const now = options.now === undefined ? new Date() : readNow(options.now, timezone);
      if (!now) return usageError(`--now: ${JSON.stringify(options.now)} is not a time; use ISO 8601, e.g. 2024-07-19T10:00:00+08:00`);
      let units: UnitRecord[];
      if (options.units !== undefined) {
        const read = readUnitsCsv(options.units);
        if (typeof read === 'string') return usageError(`--units: ${read}`);
        units = read;
      } else {
        units = await loadUnitsFromDatabase(config!);
      }
      const result = parseInstruction(text, { now, timezone, units, ...(config ? { workdayEnd: config.workingHours.end } : {}) });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}

/**
 * An ISO 8601 time. With an offset (Z, +08:00) it is that instant; without one it is the wall
 * time in `timezone` (never the machine's zone). Null when it is not a real time.
 */
export function readNow(value: string, timezone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (offset) {
    const instant = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${normaliseOffset(offset)}`);
    return Number.isNaN(instant.getTime()) ? null : instant;
  }
  const minuteOfDay = Number(h) * 60 + Number(mi) + (Number(s) + Number(`0${frac || '.0'}`)) / 60;
  return zonedInstant(`${y}-${mo}-${d}`, minuteOfDay, timezone);
}

function normaliseOffset(offset: string): string {
  if (/^z$/i.test(offset)) return 'Z';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${(digits.slice(2) || '00').padEnd(2, '0')}`;
}

/**
 * Reads a units CSV in the format `duban units import` takes (header `name,aliases[,head_id]`,
 * aliases separated by `;`). Returns the units, or a sentence saying what is wrong with the file.
 */
export function readUnitsCsv(file: string): UnitRecord[] | string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  try {
    return parseUnitsCsv(content).map((row) => ({ name: row.name, aliases: row.aliases }));
  } catch (error) {
    if (!isAppError(error)) throw error;
    const detail = error.params.problems ?? error.params.reason;
    return `${file} is not a valid units file, header "name,aliases" (${error.code})${detail ? `:\n${detail}` : ''}`;
  }
}

/**
 * The unit registry from the database (units and their aliases). Kept in one function so that
 * it can be swapped for the units repository once it exists.
 */
export async function loadUnitsFromDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<UnitRecord[]> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 1 });
  try {
    await runMigrations(database);
    const rows = await database.db
      .select({ name: unitsTable.name, alias: unitAliases.alias })
      .from(unitsTable)
      .leftJoin(unitAliases, eq(unitAliases.unitId, unitsTable.id))
      .orderBy(asc(unitsTable.id), asc(unitAliases.alias));
    const byName = new Map<string, string[]>();
    for (const row of rows) {
      const aliases = byName.get(row.name) ?? [];
      if (row.alias) aliases.push(row.alias);
      byName.set(row.name, aliases);
    }
    return [...byName].map(([name, aliases]) => ({ name, aliases }));
  } finally {
    await database.close();
  }
}

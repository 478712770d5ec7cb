import type { Command } from 'commander';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { parseUnitsFile } from '../org/units-file.js';
import { importUnits, listUnits } from '../org/org.usecases.js';
import { isAppError, type AppError } from '../shared/errors.js';
import { systemClock } from '../shared/clock.js';

async function withDeps<T>(fn: (deps: Parameters<typeof listUnits>[0]) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const database = await openDatabase(config);
  try {
    await runMigrations(database);
    return await fn({ db: database.db, clock: systemClock, config });
  } finally {
    await database.close();
  }
}

function reportRefusal(file: string, error: AppError): void {
  const detail =
    error.code === 'units.file_type'
      ? `only ${error.params.expected} files can be imported`
      : (error.params.problems ?? error.params.reason ?? error.params.name ?? '');
  process.stderr.write(`duban: ${file} was not imported (${error.code})${detail ? `:\n${detail}` : ''}\nNothing was changed.\n`);
  process.exitCode = 1;
}

export function registerUnitsCommand(program: Command): void {
  const units = program.command('units').description('the unit registry');

  units
    .command('import')
    .argument('<file>', '.csv or .xlsx (first sheet) with the header name,aliases[,head_id]; aliases separated by ;')
    .description('add units from a file (all or nothing; re-importing the same file changes nothing)')
    .action(async (file: string) => {
      let rows: Awaited<ReturnType<typeof parseUnitsFile>>;
      try {
        rows = await parseUnitsFile(file);
      } catch (error) {
        if (isAppError(error)) {
          reportRefusal(file, error);
          return;
        }
        process.stderr.write(`duban: cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const result = await withDeps((deps) => importUnits(deps, { rows }));
        process.stdout.write(`imported ${file}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged\n`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        reportRefusal(file, error);
      }
    });

  units
    .command('list')
    .description('list units with aliases, members and bound group')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withDeps((deps) => listUnits(deps));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) process.stdout.write('no units\n');
      for (const u of list) {
        process.stdout.write(
          `${u.id}\t${u.name}\t${u.aliases.join(';')}\tmembers=${u.memberCount}\thead=${u.headPersonId ?? '-'}\tgroup=${u.chat ? u.chat.chatId : '-'}\n`,
        );
      }
    });
}

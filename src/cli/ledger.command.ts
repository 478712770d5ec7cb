import type { Command } from 'commander';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createTranslator, isLocale } from '../i18n/translator.js';
import { parseLedgerFilter } from '../ledger/ledger.models.js';
import { exportLedger } from '../ledger/ledger.usecases.js';
import { createOrgRepository } from '../org/org.repository.js';
import { systemClock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';

export function registerLedgerCommand(program: Command): void {
  const ledger = program.command('ledger').description('the ledger (台账)');
  ledger
    .command('export')
    .requiredOption('--out <file>', 'where to write the XLSX')
    .option('--locale <zh|en>', 'language of the headers')
    .argument('[filters...]', 'overdue | open | closed, unit NAME, YYYY-MM, level key|special|routine')
    .description('write the ledger as XLSX (same filters as /ledger)')
    .action(async (filters: string[], options: { out: string; locale?: string }) => {
      const config = loadConfigOrExit();
      if (options.locale && !isLocale(options.locale)) {
        process.stderr.write('duban: --locale must be zh or en\n');
        process.exitCode = 2;
        return;
      }
      const database = await openDatabase(config);
      try {
        await runMigrations(database);
        const deps = { db: database.db, clock: systemClock, config, translator: createTranslator() };
        const filter = parseLedgerFilter(filters, await createOrgRepository(deps).listUnits());
        const result = await exportLedger(deps, {
          filter,
          out: options.out,
          ...(options.locale && isLocale(options.locale) ? { locale: options.locale } : {}),
        });
        process.stdout.write(`wrote ${options.out}: ${result.itemRows} items, ${result.eventRows} events\n`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(
          `duban: ${error.code} ${JSON.stringify(error.params)}\nUsage: duban ledger export --out FILE.xlsx [overdue|open|closed] [unit NAME] [YYYY-MM] [level key|special|routine]\n`,
        );
        process.exitCode = 2;
      } finally {
        await database.close();
      }
    });
}

import type { Command } from 'commander';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (PostgreSQL when DATABASE_URL is set, else the embedded PGlite in DATA_DIR)')
    .action(async () => {
      const config = loadConfigOrExit();
      const database = await openDatabase(config);
      try {
        await runMigrations(database);
        process.stderr.write(`duban: migrations applied (${database.kind})\n`);
      } finally {
        await database.close();
      }
    });
}

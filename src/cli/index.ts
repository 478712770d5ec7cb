import { Command, CommanderError } from 'commander';
import { registerCalendarCommand } from './calendar.command.js';
import { registerLedgerCommand } from './ledger.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerParseCommand } from './parse.command.js';
import { registerUnitsCommand } from './units.command.js';

/**
 * `duban <command>`: the command-line interface. Each command lives in its own file and
 * registers itself here. Usage errors exit 2 with a usage line; nothing else is printed on stdout
 * by commands whose output is machine-read (e.g. `parse`).
 */
export function createCli(): Command {
  const program = new Command('duban')
    .description('duban: supervision of instructions (督查督办) in Telegram')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerMigrateCommand(program);
  registerParseCommand(program);
  registerUnitsCommand(program);
  registerLedgerCommand(program);
  registerCalendarCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = createCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    throw error;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`duban: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

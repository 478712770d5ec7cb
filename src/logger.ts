import pino, { type DestinationStream, type Logger } from 'pino';
import { createRedactor } from './shared/redact.js';

export type { Logger };

export type LoggerOptions = {
  level?: string;
  /** Strings no log line may contain (the bot token): replaced wherever they appear. */
  secrets?: ReadonlyArray<string | null | undefined>;
  /** Where the lines go; stdout by default. Tests pass a collector. */
  destination?: { write(line: string): unknown };
};

/**
 * Structured JSON logs (pino). Child loggers carry updateId / job names.
 *
 * Every finished line passes through the token redaction (src/shared/redact.ts) before it is
 * written. Redacting the line rather than chosen fields (pino's `redact` paths) is deliberate:
 * the token turns up in err.message, err.stack, a nested err.error.message, a URL in any field,
 * and a path list would miss the next one.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = createRedactor(options.secrets ?? []);
  const target = options.destination ?? process.stdout;
  const destination: DestinationStream = { write: (line: string) => void target.write(redact(line)) };
  return pino({ level: options.level ?? 'info', base: { app: 'duban' } }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });

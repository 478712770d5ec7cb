import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs (pino). Child loggers carry updateId / job names. */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({ level: options.level ?? 'info', base: { app: 'duban' } });
}

export const silentLogger: Logger = pino({ level: 'silent' });

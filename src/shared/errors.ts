/**
 * Errors that a person caused and must be told about carry a code (`units.not_found`) and
 * parameters; the bot turns them into a translated sentence. The code is also the i18n key
 * (dots become dashes in Fluent ids: `units.not_found` -> `err-units-not_found`).
 */
export class AppError extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;

  constructor(code: string, params: Record<string, string | number> = {}, message?: string) {
    super(message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
  }
}

export function appError(code: string, params: Record<string, string | number> = {}): AppError {
  return new AppError(code, params);
}

export function isAppError(error: unknown, code?: string): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

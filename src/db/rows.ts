/**
 * The rows of a raw `db.execute(sql...)` result. The two drivers behind the one drizzle Db answer
 * differently: postgres.js with the rows as an array, PGlite with an object holding `rows`.
 */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

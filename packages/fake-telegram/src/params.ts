/**
 * Typed access to a request's parameters with Telegram's leniency: numbers and booleans may come
 * as strings, objects as JSON strings (always so in form data).
 */
import { badRequest } from './api-error.js';
import { Upload } from './body.js';

export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== '';
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw badRequest(`parameter "${name}" is required`);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
    if (!Number.isInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
    return number;
  }

  requiredInt(name: string): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(`parameter "${name}" is required`);
    return value;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === 'True' || value === 1 || value === '1';
  }

  /** An object or array parameter, JSON-decoded when it came as a string. */
  json<T = unknown>(name: string, what = `${name} JSON object`): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${what}`);
    }
  }

  /** chat_id: an integer (or its string); `@username` is accepted but names no chat here. */
  chatId(name = 'chat_id'): number {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') throw badRequest(`${name} is empty`);
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(number)) throw badRequest('chat not found');
    return number;
  }

  /** A file parameter: an upload, or a string (file_id or URL). */
  file(name: string): Upload | string | undefined {
    const value = this.raw[name];
    if (value instanceof Upload) return value;
    if (typeof value === 'string' && value !== '') return value;
    return undefined;
  }
}

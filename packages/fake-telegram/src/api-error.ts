import type { ResponseParameters } from 'grammy/types';
import type { ApiResponse } from './types.js';

/** A Bot API error answer: thrown by method implementations, turned into `{ ok: false, ... }` with the same HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'ApiError';
  }

  toResponse(): ApiResponse {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 `Bad Request: <detail>`, the most common answer. */
export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): ApiError {
  return new ApiError(403, `Forbidden: ${detail}`);
}

export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

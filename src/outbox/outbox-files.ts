import { InputFile, type Transformer } from 'grammy';

/**
 * Files made by the bot itself (the bulletin chart) travel through the outbox like any message:
 * the outbox row is planned in the same transaction as the rest, so its payload must be JSON.
 * The file goes in as base64 under `inlineFile`; on the way out, an API transformer on the
 * dispatcher's Api turns it back into an upload (grammY then sends multipart/form-data).
 */
export type InlineFile = { inlineFile: { base64: string; filename: string } };

export function inlineFile(data: Uint8Array, filename: string): InlineFile {
  return { inlineFile: { base64: Buffer.from(data).toString('base64'), filename } };
}

function isInlineFile(value: unknown): value is InlineFile {
  const file = (value as Partial<InlineFile> | null)?.inlineFile;
  return typeof file === 'object' && file !== null && typeof file.base64 === 'string' && typeof file.filename === 'string';
}

const FILE_FIELDS = ['photo', 'document'] as const;

/** The Api transformer that uploads inline files (install it on the outbox dispatcher's Api). */
export function inlineFilePayloads(): Transformer {
  return (prev, method, payload, signal) => {
    const fields = payload as Record<string, unknown> | undefined;
    if (!fields || !FILE_FIELDS.some((f) => isInlineFile(fields[f]))) return prev(method, payload, signal);
    const next: Record<string, unknown> = { ...fields };
    for (const field of FILE_FIELDS) {
      const value = next[field];
      if (isInlineFile(value)) next[field] = new InputFile(Buffer.from(value.inlineFile.base64, 'base64'), value.inlineFile.filename);
    }
    return prev(method, next as typeof payload, signal);
  };
}

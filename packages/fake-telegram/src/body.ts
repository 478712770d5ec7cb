/**
 * Request parameters as Telegram accepts them: query string, JSON body,
 * application/x-www-form-urlencoded, or multipart/form-data with files either in the field itself
 * (`document=@file`) or referenced as `attach://<part name>` (how grammY sends InputFile).
 */
import { extname } from 'node:path';
import type { UploadedFile } from './types.js';
import { badRequest } from './api-error.js';

/** A file part of a multipart request. */
export class Upload implements UploadedFile {
  constructor(
    readonly fileName: string,
    readonly mimeType: string,
    readonly content: Buffer,
  ) {}

  get size(): number {
    return this.content.length;
  }

  /** Recorded calls show the file, not megabytes of numbers. */
  toJSON(): object {
    return { fileName: this.fileName, mimeType: this.mimeType, size: this.size };
  }
}

/** Form fields whose value is a JSON-serialized object, decoded so recorded calls show objects. */
const JSON_FIELDS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'commands',
  'scope',
  'allowed_updates',
  'link_preview_options',
  'media',
  'reaction',
]);

export function parseBody(contentType: string | undefined, body: Buffer, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = decodeField(key, value);
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return params;
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('invalid JSON in the request body');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw badRequest('the request body must be a JSON object');
    }
    return { ...params, ...(parsed as Record<string, unknown>) };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = decodeField(key, value);
    return params;
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    if (!boundary) throw badRequest('multipart boundary is missing');
    const fields: Record<string, unknown> = {};
    const uploads = new Map<string, Upload>();
    for (const part of parseMultipart(body, (boundary[1] ?? boundary[2]!).trim())) {
      if (part.fileName !== undefined) {
        uploads.set(part.name, new Upload(part.fileName, guessMimeType(part.fileName, part.contentType), part.content));
      } else {
        fields[part.name] = decodeField(part.name, part.content.toString('utf8'));
      }
    }
    for (const [key, value] of Object.entries(fields)) {
      const ref = typeof value === 'string' ? /^attach:\/\/(.+)$/.exec(value) : null;
      const upload = ref ? uploads.get(ref[1]!) : undefined;
      if (upload) {
        fields[key] = upload;
        uploads.delete(ref![1]!);
      }
    }
    // files sent directly under the parameter's name
    for (const [name, upload] of uploads) fields[name] ??= upload;
    return { ...params, ...fields };
  }
  return params;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

type Part = { name: string; fileName: string | undefined; contentType: string | undefined; content: Buffer };

/**
 * A small multipart/form-data parser. grammY writes headers in lower case without spaces and an
 * unquoted filename (`content-disposition:form-data;name="x";filename=a.pdf`), which stricter
 * parsers refuse; this one takes both that and the usual browser/curl form.
 */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw badRequest('malformed multipart body');
  while (true) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') break;
    if (body.subarray(position, position + 2).toString() === '\r\n') position += 2;
    const next = body.indexOf(delimiter, position);
    if (next < 0) throw badRequest('malformed multipart body');
    // the part's content ends with the CRLF that precedes the next delimiter
    const chunk = body.subarray(position, next >= 2 && body[next - 2] === 13 && body[next - 1] === 10 ? next - 2 : next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw badRequest('malformed multipart body');
    const headers = chunk.subarray(0, headerEnd).toString('utf8');
    const content = chunk.subarray(headerEnd + 4);
    let name: string | undefined;
    let fileName: string | undefined;
    let contentType: string | undefined;
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const header = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (header === 'content-disposition') {
        name = dispositionParam(value, 'name');
        fileName = dispositionParam(value, 'filename');
      } else if (header === 'content-type') {
        contentType = value;
      }
    }
    if (name !== undefined) parts.push({ name, fileName, contentType, content: Buffer.from(content) });
    position = next;
  }
  return parts;
}

function dispositionParam(value: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(value);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!.trim();
}

const MIME_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.zip': 'application/zip',
  '.rar': 'application/x-rar-compressed',
  '.7z': 'application/x-7z-compressed',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.wps': 'application/vnd.ms-works',
  '.ofd': 'application/ofd',
};

/**
 * Telegram derives a document's mime_type from the file name; grammY always sends
 * application/octet-stream, so the part's own content type only counts when it says more.
 */
export function guessMimeType(fileName: string, declared?: string): string {
  const byName = MIME_TYPES[extname(fileName).toLowerCase()];
  if (byName) return byName;
  if (declared && declared.toLowerCase() !== 'application/octet-stream') return declared;
  return 'application/octet-stream';
}

import { HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createRedactor, REDACTED, redactTokenShapes } from '../../src/shared/redact.js';

const TOKEN = '123456789:AAH-secret_Part-0123456789abcdefghij';

describe('the token redaction', () => {
  const redact = createRedactor([TOKEN]);

  it('removes the token from a failed request URL, raw and URL-encoded', () => {
    const raw = `request to https://api.telegram.org/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`;
    const encoded = `GET https://example.org/?u=${encodeURIComponent(`https://api.telegram.org/bot${TOKEN}/getMe`)}`;
    for (const text of [raw, encoded]) {
      const out = redact(text);
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain('AAH-secret_Part-0123456789abcdefghij');
      expect(out).toContain(REDACTED);
    }
    expect(redact(raw)).toBe(`request to https://api.telegram.org/bot${REDACTED}/sendMessage failed, reason: connect ECONNREFUSED`);
  });

  it('removes the token standing alone, and its secret part quoted alone', () => {
    expect(redact(`token is ${TOKEN}.`)).toBe(`token is ${REDACTED}.`);
    expect(redact('secret AAH-secret_Part-0123456789abcdefghij here')).toBe(`secret ${REDACTED} here`);
  });

  it('removes any bot<digits>:<secret> shape in a path, even of a token it was not told about', () => {
    expect(redactTokenShapes('http://127.0.0.1:8081/bot42:other-Secret_x/sendMessage')).toBe(`http://127.0.0.1:8081/bot${REDACTED}/sendMessage`);
    expect(redactTokenShapes('/bot42%3Aother-Secret_x/getUpdates')).toBe(`/bot${REDACTED}/getUpdates`);
  });

  it('leaves text without a token alone, and ignores empty or tiny secrets', () => {
    expect(redact('403 Forbidden: bot was blocked by the user')).toBe('403 Forbidden: bot was blocked by the user');
    expect(createRedactor(['', null, undefined, '1'])('chat 1 said 1')).toBe('chat 1 said 1');
  });
});

describe('the logger', () => {
  it('writes the token in no line, whichever field carries it (message, stack, nested cause, URL, object)', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', secrets: [TOKEN], destination: { write: (line) => lines.push(line) } });
    const url = `https://api.telegram.org/bot${TOKEN}/sendMessage`;
    const cause = new Error(`request to ${url} failed, reason: socket hang up`);
    const httpError = new HttpError(`Network request for 'sendMessage' failed!`, cause);
    logger.error({ err: httpError }, 'send failed');
    logger.warn({ err: cause, url, nested: { deeper: [{ token: TOKEN }] } }, `calling ${url}`);
    logger.child({ apiRoot: `https://api.telegram.org/bot${encodeURIComponent(TOKEN)}` }).info('child line');

    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(encodeURIComponent(TOKEN));
      expect(line).not.toContain('AAH-secret_Part');
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(lines.join('')).toContain(REDACTED);
  });
});

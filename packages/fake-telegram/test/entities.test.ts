import type { User } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api-error.js';
import { detectTextEntities, formatText } from '../src/entities.js';

const alice: User = { id: 5000000001, is_bot: false, first_name: 'Alice' };
const options = { findUser: (id: number) => (id === alice.id ? alice : undefined) };

function html(text: string) {
  return formatText(text, 'HTML', undefined, options);
}

function parseError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).description;
  }
  throw new Error('expected a parse error');
}

describe('formatted text', () => {
  it('turns HTML tags into entities with UTF-16 offsets', () => {
    expect(html('<b>粗体 <i>😀斜</i></b> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler>')).toEqual({
      text: '粗体 😀斜 u s x',
      entities: [
        { type: 'bold', offset: 0, length: 6 },
        { type: 'italic', offset: 3, length: 3 },
        { type: 'underline', offset: 7, length: 1 },
        { type: 'strikethrough', offset: 9, length: 1 },
        { type: 'spoiler', offset: 11, length: 1 },
      ],
    });
  });

  it('decodes HTML entities, keeps code languages on pre, and resolves user links', () => {
    expect(html('a &lt;b&gt; &amp; &#20013; &nbsp;')).toEqual({ text: 'a <b> & 中 &nbsp;', entities: [] });
    expect(html('<pre><code class="language-ts">let x</code></pre>').entities).toEqual([{ type: 'pre', offset: 0, length: 5, language: 'ts' }]);
    expect(html('<code>x</code>').entities).toEqual([{ type: 'code', offset: 0, length: 1 }]);
    expect(html(`<a href="tg://user?id=${alice.id}">Alice</a>`).entities).toEqual([{ type: 'text_mention', offset: 0, length: 5, user: alice }]);
    expect(html('<a href="example.com">site</a>').entities).toEqual([{ type: 'text_link', offset: 0, length: 4, url: 'http://example.com/' }]);
  });

  it('refuses malformed HTML with tdlib messages and byte offsets', () => {
    expect(parseError(() => html('<b>x'))).toBe(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`);
    expect(parseError(() => html('中 <x>y</x>'))).toBe(`Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 4`);
    expect(parseError(() => html('<b>x</i>'))).toBe(`Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`);
    expect(parseError(() => html('x</b>'))).toBe(`Bad Request: can't parse entities: Unexpected end tag at byte offset 1`);
    expect(parseError(() => html('1 < 2'))).toBe(`Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
  });

  it('parses MarkdownV2 and demands escaping of reserved characters', () => {
    expect(formatText('*bold* _it_ __under__ ~s~ ||sp|| `c` [l](https://a.org) 1\\.5', 'MarkdownV2', undefined, options)).toEqual({
      text: 'bold it under s sp c l 1.5',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 5, length: 2 },
        { type: 'underline', offset: 8, length: 5 },
        { type: 'strikethrough', offset: 14, length: 1 },
        { type: 'spoiler', offset: 16, length: 2 },
        { type: 'code', offset: 19, length: 1 },
        { type: 'text_link', offset: 21, length: 1, url: 'https://a.org/' },
      ],
    });
    expect(parseError(() => formatText('*open', 'MarkdownV2', undefined, options))).toBe(
      `Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0`,
    );
    expect(parseError(() => formatText('a-b', 'MarkdownV2', undefined, options))).toBe(
      `Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'`,
    );
  });

  it('parses legacy Markdown', () => {
    expect(formatText('*b* _i_ `c` [t](http://x.org)', 'Markdown', undefined, options).entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'italic', offset: 2, length: 1 },
      { type: 'code', offset: 4, length: 1 },
      { type: 'text_link', offset: 6, length: 1, url: 'http://x.org/' },
    ]);
    expect(parseError(() => formatText('*b', 'Markdown', undefined, options))).toBe(
      `Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0`,
    );
  });

  it('trims surrounding whitespace and clips entities to what remains', () => {
    expect(html('\n  <b> hi </b>  \n')).toEqual({ text: 'hi', entities: [{ type: 'bold', offset: 0, length: 2 }] });
  });

  it('detects commands, mentions, hashtags, e-mails and URLs in plain text', () => {
    expect(detectTextEntities('/ack@duban_bot 7 @alice_w #督办 mail a.b@gov.cn www.example.com/x, file.pdf')).toEqual([
      { type: 'bot_command', offset: 0, length: 14 },
      { type: 'mention', offset: 17, length: 8 },
      { type: 'hashtag', offset: 26, length: 3 },
      { type: 'email', offset: 35, length: 10 },
      { type: 'url', offset: 46, length: 17 },
    ]);
    expect(detectTextEntities('见 https://a.cn/p?q=1，请')).toEqual([{ type: 'url', offset: 2, length: 18 }]);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The CJK font for pictures. These machines have no CJK font, so the project brings Noto Sans SC
 * (@expo-google-fonts/noto-sans-sc, a static TrueType font of 10 MB, almost all of it outlines).
 *
 * resvg-js takes fonts only as file paths and reads the whole file again for every piece of text
 * it lays out (thx/resvg-js#367): with this font, about 4 ms a label, 14 s for a chart of 500
 * units. So each picture gets its own copy of the font that keeps only the outlines of the
 * characters it uses (`subsetTrueTypeFont`), written to a temporary file for the time of the
 * rendering: about 0.6 MB, a tenth of a millisecond a label.
 */

export const CHART_FONT_FAMILY = 'Noto Sans SC';

/** The TTF shipped by @expo-google-fonts/noto-sans-sc (the package has no exports map). */
export const CHART_FONT_FILE = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

type Table = { tag: string; offset: number; length: number };

function readTables(font: Buffer): Map<string, Table> {
  const version = font.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new Error('not a TrueType font (glyf outlines expected)');
  const tables = new Map<string, Table>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = font.toString('latin1', at, at + 4);
    tables.set(tag, { tag, offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) });
  }
  for (const required of ['head', 'maxp', 'cmap', 'loca', 'glyf']) {
    if (!tables.has(required)) throw new Error(`the font has no ${required} table`);
  }
  return tables;
}

/** A code point -> glyph id lookup over the font's best Unicode cmap subtable (format 12 or 4). */
function cmapLookup(font: Buffer, cmap: Table): (codePoint: number) => number {
  const count = font.readUInt16BE(cmap.offset + 2);
  let format4: number | null = null;
  let format12: number | null = null;
  for (let i = 0; i < count; i++) {
    const at = cmap.offset + 4 + i * 8;
    const platform = font.readUInt16BE(at);
    const encoding = font.readUInt16BE(at + 2);
    const sub = cmap.offset + font.readUInt32BE(at + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = font.readUInt16BE(sub);
    if (format === 12) format12 ??= sub;
    if (format === 4) format4 ??= sub;
  }
  if (format12 !== null) {
    const sub = format12;
    const groups = font.readUInt32BE(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = sub + 16 + mid * 12;
        const start = font.readUInt32BE(at);
        const end = font.readUInt32BE(at + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return font.readUInt32BE(at + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 !== null) {
    const sub = format4;
    const segments = font.readUInt16BE(sub + 6) / 2;
    const ends = sub + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let i = 0; i < segments; i++) {
        if (cp > font.readUInt16BE(ends + i * 2)) continue;
        const start = font.readUInt16BE(starts + i * 2);
        if (cp < start) return 0;
        const delta = font.readInt16BE(deltas + i * 2);
        const rangeOffset = font.readUInt16BE(rangeOffsets + i * 2);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = font.readUInt16BE(rangeOffsets + i * 2 + rangeOffset + (cp - start) * 2);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error('the font has no Unicode cmap');
}

function checksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    sum = (sum + ((data[i]! << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0))) >>> 0;
  }
  return sum;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Composite glyphs are made of other glyphs: their ids, read from the component records. */
function componentsOf(glyph: Buffer): number[] {
  if (glyph.length < 10 || glyph.readInt16BE(0) >= 0) return [];
  const ids: number[] = [];
  let at = 10;
  for (;;) {
    const flags = glyph.readUInt16BE(at);
    ids.push(glyph.readUInt16BE(at + 2));
    at += 4 + (flags & 0x0001 ? 4 : 2); // arguments are words or bytes
    if (flags & 0x0008)
      at += 2; // a scale
    else if (flags & 0x0040)
      at += 4; // an x and a y scale
    else if (flags & 0x0080) at += 8; // a 2x2 matrix
    if (!(flags & 0x0020)) return ids; // no more components
  }
}

/**
 * A copy of a TrueType font that keeps the outlines of `characters` only (and of .notdef); every
 * other glyph is left empty. Glyph ids do not change, so cmap, metrics and kerning are kept as
 * they are. GSUB is dropped: a substitution could lead to a glyph that was emptied (a ligature,
 * a localised form), and the plain glyph of each character is what a chart needs.
 */
export function subsetTrueTypeFont(font: Buffer, characters: Iterable<string>): Buffer {
  const tables = readTables(font);
  const head = tables.get('head')!;
  const glyf = tables.get('glyf')!;
  const loca = tables.get('loca')!;
  const numGlyphs = font.readUInt16BE(tables.get('maxp')!.offset + 4);
  const longLoca = font.readInt16BE(head.offset + 50) === 1;
  const glyphAt = (id: number): Buffer => {
    const start = longLoca ? font.readUInt32BE(loca.offset + id * 4) : font.readUInt16BE(loca.offset + id * 2) * 2;
    const end = longLoca ? font.readUInt32BE(loca.offset + id * 4 + 4) : font.readUInt16BE(loca.offset + id * 2 + 2) * 2;
    return font.subarray(glyf.offset + start, glyf.offset + end);
  };

  const lookup = cmapLookup(font, tables.get('cmap')!);
  const keep = new Set<number>([0]);
  const pending: number[] = [];
  for (const ch of characters) {
    const id = lookup(ch.codePointAt(0)!);
    if (id > 0 && id < numGlyphs && !keep.has(id)) pending.push(id);
    keep.add(id);
  }
  while (pending.length > 0) {
    for (const part of componentsOf(glyphAt(pending.pop()!))) {
      if (part < numGlyphs && !keep.has(part)) {
        keep.add(part);
        pending.push(part);
      }
    }
  }

  // The new glyf and (long) loca tables.
  const kept = [...keep].sort((a, b) => a - b);
  const glyphs = kept.map(glyphAt);
  const newGlyf = Buffer.alloc(glyphs.reduce((sum, g) => sum + pad4(g.length), 0));
  const newLoca = Buffer.alloc((numGlyphs + 1) * 4);
  let written = 0;
  let next = 0;
  for (let id = 0; id <= numGlyphs; id++) {
    newLoca.writeUInt32BE(written, id * 4);
    if (next < kept.length && kept[next] === id) {
      glyphs[next]!.copy(newGlyf, written);
      written += pad4(glyphs[next]!.length);
      next++;
    }
  }
  const newHead = Buffer.from(font.subarray(head.offset, head.offset + head.length));
  newHead.writeUInt32BE(0, 8); // checkSumAdjustment, set below
  newHead.writeInt16BE(1, 50); // indexToLocFormat: long

  const data = new Map<string, Buffer>();
  for (const table of tables.values()) {
    if (table.tag === 'GSUB' || table.tag === 'DSIG') continue;
    data.set(table.tag, font.subarray(table.offset, table.offset + table.length));
  }
  data.set('glyf', newGlyf);
  data.set('loca', newLoca);
  data.set('head', newHead);

  // The file: the table directory, then the tables in tag order, each on a 4-byte boundary.
  const tags = [...data.keys()].sort();
  const entrySelector = Math.floor(Math.log2(tags.length));
  const searchRange = 2 ** entrySelector * 16;
  let offset = 12 + tags.length * 16;
  const out = Buffer.alloc(offset + tags.reduce((sum, tag) => sum + pad4(data.get(tag)!.length), 0));
  out.writeUInt32BE(0x00010000, 0);
  out.writeUInt16BE(tags.length, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(tags.length * 16 - searchRange, 10);
  let headAt = 0;
  tags.forEach((tag, i) => {
    const table = data.get(tag)!;
    const at = 12 + i * 16;
    out.write(tag, at, 'latin1');
    out.writeUInt32BE(checksum(table), at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(table.length, at + 12);
    table.copy(out, offset);
    if (tag === 'head') headAt = offset;
    offset += pad4(table.length);
  });
  out.writeUInt32BE((0xb1b0afba - checksum(out)) >>> 0, headAt + 8);
  return out;
}

/** Every character an SVG may draw: its own text, numeric character references decoded. */
export function charactersOfSvg(svg: string): Set<string> {
  const characters = new Set<string>(svg);
  for (const m of svg.matchAll(/&#(x[0-9a-f]+|\d+);/gi)) {
    const code = m[1]!.startsWith('x') || m[1]!.startsWith('X') ? parseInt(m[1]!.slice(1), 16) : Number(m[1]);
    if (code > 0 && code <= 0x10ffff) characters.add(String.fromCodePoint(code));
  }
  // Printable ASCII and the ellipsis Vega truncates with, whatever the markup holds.
  for (let c = 0x20; c < 0x7f; c++) characters.add(String.fromCharCode(c));
  characters.add('…');
  return characters;
}

/**
 * Runs `render` with the path of a font file holding the chart font's outlines of `characters`,
 * removed afterwards.
 */
export function withChartFont<T>(characters: Iterable<string>, render: (fontFile: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'duban-font-'));
  try {
    const file = join(dir, 'chart-font.ttf');
    writeFileSync(file, subsetTrueTypeFont(readFileSync(CHART_FONT_FILE), characters));
    return render(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

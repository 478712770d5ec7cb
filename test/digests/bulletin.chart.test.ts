import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BULLETIN_MARKS, buildBulletinChartSvg, renderBulletinChart, renderSvgToPng, sortBulletinRows } from '../../src/digests/bulletin.chart.js';
import type { BulletinChartRow } from '../../src/deps.js';
import { CHART_FONT_FILE, subsetTrueTypeFont } from '../../src/digests/chart-font.js';

/** A small PNG reader (8-bit RGB or RGBA, not interlaced): IHDR, the IDAT stream, the row filters. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      expect(data[12]).toBe(0); // not interlaced
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const out = Buffer.alloc(width * height * 4);
  const line = Buffer.alloc(stride);
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = previous[x]!;
      const c = x >= channels ? previous[x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = (src[x]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) out[(y * width + x) * 4 + k] = k < channels ? line[x * channels + k]! : 255;
    }
    previous = Buffer.from(line);
  }
  return { width, height, rgba: out };
}

/** Pixels dark enough to be text: the bars (blue, red) and the grid (light grey) are not. */
function darkPixels(image: { rgba: Buffer }): number {
  let n = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    if (image.rgba[i]! < 128 && image.rgba[i + 1]! < 128 && image.rgba[i + 2]! < 128) n++;
  }
  return n;
}

function textSvg(text: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="white"/><text x="10" y="60" font-family="Noto Sans SC" font-size="48" fill="black">${text}</text></svg>`;
}

/** The bars of one mark, in drawing order from the top: the unit each stands for, and its top. */
function barsOf(svg: string, mark: string): { unit: string; y: number }[] {
  const group = new RegExp(`<g class="mark-rect role-mark ${mark}_marks"[^>]*>(.*?)</g>`).exec(svg);
  expect(group, `mark ${mark}`).not.toBeNull();
  return [...group![1]!.matchAll(/<path aria-label="[^"]*unit: ([^";]*)[^"]*"[^>]* d="M[-\d.]+,([-\d.]+)/g)]
    .map((m) => ({ unit: m[1]!, y: Number(m[2]) }))
    .sort((a, b) => a.y - b.y);
}

const units: BulletinChartRow[] = [
  { unit: '市城管局', onTimeCloseRate: 0.5, overdue: 3 },
  { unit: '市住建局', onTimeCloseRate: 0.925, overdue: 1 },
  { unit: '市财政局', onTimeCloseRate: null, overdue: 0 },
  { unit: '市发展和改革委员会', onTimeCloseRate: 0.5, overdue: 0 },
  { unit: '市公安局', onTimeCloseRate: 0, overdue: 7 },
];
const options = { locale: 'zh' as const, title: '第48周督办通报', subtitle: '2026-11-23 至 2026-11-29' };

describe('the bulletin chart', () => {
  it('is a PNG with a width and height, drawn at twice the size when small', async () => {
    const png = await renderBulletinChart(units, options);
    const image = decodePng(png);
    expect(png.readUInt32BE(16)).toBe(image.width); // IHDR, right after the signature
    expect(image.width).toBeGreaterThan(1000);
    expect(image.width).toBeLessThanOrEqual(2560);
    expect(image.height).toBeGreaterThan(300);
    // both kinds of bar are there
    const has = (r: number, g: number, b: number) => {
      for (let i = 0; i < image.rgba.length; i += 4) {
        if (image.rgba[i] === r && image.rgba[i + 1] === g && image.rgba[i + 2] === b) return true;
      }
      return false;
    };
    expect(has(0x4c, 0x78, 0xa8)).toBe(true);
    expect(has(0xe4, 0x57, 0x56)).toBe(true);
  });

  it('has one rate bar and one overdue bar per unit, best rate first, units with nothing due last', async () => {
    const svg = await buildBulletinChartSvg(units, options);
    const expected = ['市住建局', '市发展和改革委员会', '市城管局', '市公安局', '市财政局'];
    expect(sortBulletinRows(units).map((u) => u.unit)).toEqual(expected);
    expect(barsOf(svg, BULLETIN_MARKS.rateBars).map((b) => b.unit)).toEqual(expected);
    expect(barsOf(svg, BULLETIN_MARKS.overdueBars).map((b) => b.unit)).toEqual(expected);
    expect(svg).toContain('92.5%');
    expect(svg).toContain('无到期事项');
    expect(svg).toContain('按时办结率');
    expect(svg).toContain('逾期件数');
    expect(svg).toContain('font-family="Noto Sans SC"');
  });

  it('speaks English when the locale is en', async () => {
    const svg = await buildBulletinChartSvg(units, { ...options, locale: 'en', title: 'Week 48' });
    expect(svg).toContain('On-time closing rate');
    expect(svg).toContain('Overdue items');
    expect(svg).toContain('nothing due');
  });

  it('stays one row per unit for 500 units, rows shrinking to keep the picture within bounds', async () => {
    const many = Array.from({ length: 500 }, (_, i): BulletinChartRow => ({ unit: `市第${i + 1}局`, onTimeCloseRate: (i % 100) / 100, overdue: i % 9 }));
    const svg = await buildBulletinChartSvg(many, options);
    const bars = barsOf(svg, BULLETIN_MARKS.rateBars);
    expect(bars).toHaveLength(500);
    expect(new Set(bars.map((b) => b.unit)).size).toBe(500);
    expect(barsOf(svg, BULLETIN_MARKS.overdueBars)).toHaveLength(500);
    expect(bars[1]!.y - bars[0]!.y).toBe(12);
    const height = Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);
    expect(height).toBeLessThan(6200);
    const started = performance.now();
    const image = decodePng(await renderBulletinChart(many, options));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(image.height).toBe(height); // drawn at 1x: too tall for 2x
    // a few units get 24 px rows
    const few = barsOf(await buildBulletinChartSvg(units, options), BULLETIN_MARKS.rateBars);
    expect(few[1]!.y - few[0]!.y).toBe(24);
  });

  it('draws Chinese labels as glyphs, not as empty boxes or nothing', () => {
    const zhu = decodePng(renderSvgToPng(textSvg('住')).png);
    const jian = decodePng(renderSvgToPng(textSvg('建')).png);
    const withoutFont = decodePng(renderSvgToPng(textSvg('住'), { fontFiles: [] }).png);
    // With the font there is ink; without any font, nothing at all is drawn.
    expect(darkPixels(zhu)).toBeGreaterThan(1000);
    expect(darkPixels(withoutFont)).toBe(0);
    // Two different characters give two different shapes: a missing-glyph box would be the same
    // box for both. Count the pixels where one is dark and the other is not.
    let differing = 0;
    for (let i = 0; i < zhu.rgba.length; i += 4) {
      if (zhu.rgba[i]! < 128 !== jian.rgba[i]! < 128) differing++;
    }
    expect(differing).toBeGreaterThan(darkPixels(zhu) / 3);
  });

  it('draws the chart labels with the font: far more ink than without it', async () => {
    const svg = await buildBulletinChartSvg(units, options);
    const withFont = darkPixels(decodePng(renderSvgToPng(svg).png));
    const withoutFont = darkPixels(decodePng(renderSvgToPng(svg, { fontFiles: [] }).png));
    expect(withoutFont).toBeLessThan(withFont / 20);
    expect(withFont).toBeGreaterThan(5000);
  });

  it('takes in unit names that overhang the left edge (Vega measures CJK too narrow)', async () => {
    const long = [{ unit: '市住房和城乡建设局城市更新与历史文化保护办公室', onTimeCloseRate: 0.5, overdue: 1 }];
    const svg = await buildBulletinChartSvg(long, options);
    const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    const image = decodePng(renderSvgToPng(svg).png);
    expect(image.width).toBeGreaterThan(svgWidth * 2); // widened, then drawn at 2x
    // the first column of pixels is white: nothing is cut off
    for (let y = 0; y < image.height; y++) expect(image.rgba[y * image.width * 4]).toBe(255);
  });
});

describe('the chart font subset', () => {
  it('keeps the outlines of the characters asked for only, in a small file', () => {
    const font = readFileSync(CHART_FONT_FILE);
    const subset = subsetTrueTypeFont(font, '建局0123456789');
    expect(subset.length).toBeLessThan(font.length / 10);
    const dir = mkdtempSync(join(tmpdir(), 'duban-subset-'));
    try {
      const file = join(dir, 'subset.ttf');
      writeFileSync(file, subset);
      const ink = (text: string) => darkPixels(decodePng(renderSvgToPng(textSvg(text), { fontFiles: [file] }).png));
      expect(ink('建')).toBeGreaterThan(1000);
      expect(ink('住')).toBeLessThan(ink('建') / 5); // not kept: at most the .notdef box
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

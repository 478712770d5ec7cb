import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BulletinChartOptions, BulletinChartRow } from '../deps.js';
import { CHART_FONT_FAMILY, charactersOfSvg, withChartFont } from './chart-font.js';

/**
 * The weekly bulletin (通报) as a picture: each unit's on-time closing rate as a horizontal bar,
 * best first, and beside it, on the same row, its overdue items as a red bar. Vega-Lite spec ->
 * Vega -> SVG -> PNG through resvg, with the Noto Sans SC font the project brings (these
 * machines have no CJK font; without one every Chinese label is an empty box).
 *
 * Sizing: one row per unit, 24 px a row up to 250 units, then rows shrink so that the plot stays
 * within 6,000 px, down to 12 px a row at 500 units; past 500 units rows stay 12 px and the picture
 * grows. Pictures up to 1,280 px on their long side are drawn at twice the size, so phones show crisp
 * text; Telegram shrinks photos to 2,560 px on their long side, so a chart of more than about
 * 100 units is best sent as a document.
 */

const labels = {
  zh: { rate: '按时办结率', overdue: '逾期件数', noRate: '无到期事项' },
  en: { rate: 'On-time closing rate', overdue: 'Overdue items', noRate: 'nothing due' },
} as const;

const RATE_BAR = '#4C78A8';
const LABEL_INSIDE_FROM = 0.8;
const OVERDUE_BAR = '#E45756';

/** Mark names, so that tests (and anyone reading the SVG) can find the bars. */
export const BULLETIN_MARKS = { rateBars: 'rate_bars', overdueBars: 'overdue_bars', rateLabels: 'rate_labels', overdueLabels: 'overdue_labels' } as const;

function rowStep(units: number): number {
  return Math.max(12, Math.min(24, Math.floor(6000 / Math.max(units, 1))));
}

/**
 * Best on-time closing rate first; units with nothing due (no rate) last; ties by fewer overdue
 * items, then by name, so that the order never depends on the input order.
 */
export function sortBulletinRows(rows: BulletinChartRow[]): BulletinChartRow[] {
  return [...rows].sort(
    (a, b) => (b.onTimeCloseRate ?? -1) - (a.onTimeCloseRate ?? -1) || a.overdue - b.overdue || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0),
  );
}

/** The Vega-Lite spec of the chart (exported for tests and for anyone who wants to tweak it). */
export function bulletinChartSpec(rows: BulletinChartRow[], options: BulletinChartOptions): TopLevelSpec {
  const l = labels[options.locale];
  const sorted = sortBulletinRows(rows);
  const step = rowStep(sorted.length);
  const fontSize = step >= 18 ? 12 : step >= 14 ? 11 : 10;
  const order = sorted.map((r) => r.unit);
  const values = sorted.map((r) => ({
    unit: r.unit,
    rate: r.onTimeCloseRate ?? 0,
    rateLabel: r.onTimeCloseRate === null ? l.noRate : `${(r.onTimeCloseRate * 100).toFixed(1)}%`,
    overdue: r.overdue,
  }));
  const maxOverdue = Math.max(1, ...sorted.map((r) => r.overdue));
  const y = { field: 'unit', type: 'nominal' as const, sort: order, title: null };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}), anchor: 'start', fontSize: 18, subtitleFontSize: 13 },
    background: 'white',
    padding: 16,
    data: { values },
    spacing: 24,
    hconcat: [
      {
        width: 360,
        height: { step },
        encoding: {
          y: { ...y, axis: { labelLimit: 260, labelFontSize: fontSize, ticks: false, domain: false, labelPadding: 6 } },
          x: {
            field: 'rate',
            type: 'quantitative',
            scale: { domain: [0, 1] },
            axis: { format: '.0%', title: l.rate, orient: 'top', tickCount: 5, grid: true },
          },
        },
        layer: [
          { name: BULLETIN_MARKS.rateBars, mark: { type: 'bar', color: RATE_BAR, height: { band: 0.7 } } },
          // The rate at the end of its bar: inside a long bar (outside it would run into the next
          // chart), after a short one.
          {
            name: `${BULLETIN_MARKS.rateLabels}_inside`,
            transform: [{ filter: `datum.rate >= ${LABEL_INSIDE_FROM}` }],
            mark: { type: 'text', align: 'right', dx: -4, fontSize, color: 'white' },
            encoding: { text: { field: 'rateLabel' } },
          },
          {
            name: BULLETIN_MARKS.rateLabels,
            transform: [{ filter: `datum.rate < ${LABEL_INSIDE_FROM}` }],
            mark: { type: 'text', align: 'left', dx: 4, fontSize },
            encoding: { text: { field: 'rateLabel' } },
          },
        ],
      },
      {
        width: 160,
        height: { step },
        encoding: {
          y: { ...y, axis: null },
          x: {
            field: 'overdue',
            type: 'quantitative',
            scale: { domain: [0, Math.ceil(maxOverdue * 1.25)] },
            axis: { title: l.overdue, orient: 'top', tickMinStep: 1, format: 'd', tickCount: 4, grid: true },
          },
        },
        layer: [
          { name: BULLETIN_MARKS.overdueBars, mark: { type: 'bar', color: OVERDUE_BAR, height: { band: 0.7 } } },
          { name: BULLETIN_MARKS.overdueLabels, mark: { type: 'text', align: 'left', dx: 4, fontSize }, encoding: { text: { field: 'overdue' } } },
        ],
      },
    ],
    config: {
      font: CHART_FONT_FAMILY,
      view: { stroke: null },
      axis: { labelColor: '#333', titleColor: '#333', titleFontWeight: 'normal', labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e5e5' },
      title: { fontWeight: 'normal', subtitleColor: '#666' },
    },
  };
}

/** The chart as SVG text, before rasterising. */
export async function buildBulletinChartSvg(rows: BulletinChartRow[], options: BulletinChartOptions): Promise<string> {
  const { spec } = compile(bulletinChartSpec(rows, options));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG with the project's CJK font (by default; `fontFiles` replaces it) and no system
 * fonts, so the picture is the same on every machine.
 */
export function renderSvgToPng(svg: string, options: { fontFiles?: string[] } = {}): { png: Buffer; width: number; height: number } {
  if (options.fontFiles) return rasterise(svg, options.fontFiles);
  return withChartFont(charactersOfSvg(svg), (fontFile) => rasterise(svg, [fontFile]));
}

/**
 * Vega lays text out with an estimate of its width (0.8 em a character: there is no canvas
 * here), too narrow for CJK (1 em), so long unit names overhang the left edge. Where resvg,
 * measuring the real glyphs, finds anything drawn outside the picture, the picture is widened to
 * take it in, with a margin, on white. Pictures up to 1,280 px are drawn at twice the size.
 */
function rasterise(svg: string, fontFiles: string[]): { png: Buffer; width: number; height: number } {
  const margin = 8;
  const font = { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT_FAMILY };
  const measure = new Resvg(svg, { font });
  const box = measure.getBBox();
  let crop: { x: number; y: number; width: number; height: number } | null = null;
  if (box) {
    const left = box.x < 0 ? Math.floor(box.x - margin) : 0;
    const top = box.y < 0 ? Math.floor(box.y - margin) : 0;
    const right = box.x + box.width > measure.width ? Math.ceil(box.x + box.width + margin) : measure.width;
    const bottom = box.y + box.height > measure.height ? Math.ceil(box.y + box.height + margin) : measure.height;
    if (left < 0 || top < 0 || right > measure.width || bottom > measure.height) {
      crop = { x: left, y: top, width: right - left, height: bottom - top };
    }
  }
  const longSide = Math.max(crop?.width ?? measure.width, crop?.height ?? measure.height);
  const scale = longSide <= 1280 ? 2 : 1;
  const resvg = new Resvg(svg, { font, background: 'white', fitTo: { mode: 'zoom', value: scale } });
  if (crop && box) {
    // cropByBBox takes resvg's own BBox object only.
    Object.assign(box, crop);
    resvg.cropByBBox(box);
  }
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** The weekly bulletin chart as a PNG. */
export async function renderBulletinChart(rows: BulletinChartRow[], options: BulletinChartOptions): Promise<Buffer> {
  return renderSvgToPng(await buildBulletinChartSvg(rows, options)).png;
}

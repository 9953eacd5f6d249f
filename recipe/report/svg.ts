// Small line charts as inline SVG strings: axes with ticks, a legend, several series, and gaps
// where a value is null. Hand-written so the report needs no chart library and no scripts.
import { escapeText } from './escape';

export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
}

export interface LineChartOptions {
  title: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
  /** label under the x axis, e.g. `step` */
  xLabel?: string;
  /** keep 0 inside the y range, so a small change is not drawn as a large one */
  includeZero?: boolean;
  /** x values are whole numbers (training steps): ticks are never fractional */
  integerX?: boolean;
  /** a y range always shown (e.g. [0, 1] for rates); data outside it widens it */
  yRange?: readonly [number, number];
}

const COLORS = [
  '#1f6fb4',
  '#d3452f',
  '#2e9a48',
  '#e08a12',
  '#8157b8',
  '#8c5a48',
  '#d0549f',
  '#14a3b8',
  '#6b6b6b',
  '#a6a822',
];
// Beyond the palette, series reuse a colour with a dash pattern so they stay distinguishable.
const DASHES = ['', '5 3', '2 2', '8 3 2 3'];
const FONT_SIZE = 11;
// Rough advance width of the sans-serif font at FONT_SIZE; only used to lay out legend rows.
const CHAR_WIDTH = 6.3;
const MAX_LEGEND_CHARS = 30;

function round1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Step between ticks: 1, 2 or 5 times a power of ten, giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

function decimalsOf(step: number): number {
  let d = 0;
  while (d < 8 && Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-6) d++;
  return d;
}

/** Tick label: as few decimals as the tick step needs; thousands as `k`. */
export function formatTick(value: number, step: number): string {
  // Snap float noise like 1e-17 to zero, so zero reads like its neighbours (0.0, 0.5, 1.0).
  if (Math.abs(value) < step * 1e-6) value = 0;
  if (step < 1e-4) return value.toExponential(1);
  if (Math.abs(value) >= 10000 && step >= 100) return `${Number((value / 1000).toFixed(decimalsOf(step / 1000)))}k`;
  return value.toFixed(decimalsOf(step));
}

/** Tick positions covering [min, max] at a nice step; the returned range is widened to whole steps. */
export function niceTicks(
  min: number,
  max: number,
  count = 5,
  minStep = 0,
): { ticks: number[]; step: number; lo: number; hi: number } {
  if (max <= min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const step = Math.max(niceStep(max - min, count), minStep);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(Number((lo + i * step).toFixed(10)));
  return { ticks, step, lo, hi };
}

interface LegendItem {
  series: number;
  label: string;
  full: string;
  x: number;
  y: number;
}

function layoutLegend(
  series: readonly ChartSeries[],
  left: number,
  right: number,
  top: number,
): { items: LegendItem[]; bottom: number } {
  const rowHeight = FONT_SIZE + 5;
  const items: LegendItem[] = [];
  let x = left;
  let y = top;
  series.forEach((s, i) => {
    const label = s.name.length > MAX_LEGEND_CHARS ? `${s.name.slice(0, MAX_LEGEND_CHARS - 1)}…` : s.name;
    const width = 18 + label.length * CHAR_WIDTH + 12;
    if (x > left && x + width > right) {
      x = left;
      y += rowHeight;
    }
    items.push({ series: i, label, full: s.name, x, y });
    x += width;
  });
  return { items, bottom: series.length > 0 ? y + rowHeight : top };
}

function styleOf(index: number): { color: string; dash: string } {
  return { color: COLORS[index % COLORS.length]!, dash: DASHES[Math.floor(index / COLORS.length) % DASHES.length]! };
}

function finite(y: number | null): y is number {
  return typeof y === 'number' && Number.isFinite(y);
}

/** Renders one chart as an `<svg>` element (no XML prolog, meant to be inlined in HTML). */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 360;
  const height = options.height ?? 210;
  const series = options.series;
  const out: string[] = [];
  const title = escapeText(options.title);
  out.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${FONT_SIZE}">`,
  );
  out.push(`<title>${title}</title>`);
  out.push(`<text x="4" y="14" font-size="12" font-weight="600" fill="#1d232a">${title}</text>`);

  const legend = layoutLegend(series, 4, width - 4, 22);
  for (const item of legend.items) {
    const { color, dash } = styleOf(item.series);
    const cy = item.y + FONT_SIZE / 2 + 1;
    out.push(
      `<g class="legend-item"><title>${escapeText(item.full)}</title>` +
        `<line x1="${round1(item.x)}" y1="${round1(cy)}" x2="${round1(item.x + 14)}" y2="${round1(cy)}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
        `<text x="${round1(item.x + 18)}" y="${round1(item.y + FONT_SIZE)}" fill="#3a434d">${escapeText(item.label)}</text></g>`,
    );
  }

  // The x range spans every logged step, including steps where a value is null, so the charts
  // of one stage share their x axis.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x)) continue;
      xs.push(p.x);
      if (finite(p.y)) ys.push(p.y);
    }
  }

  const plotTop = legend.bottom + 6;
  const plotBottom = height - 30;
  const plotRight = width - 12;

  if (ys.length === 0) {
    const left = 12;
    out.push(
      `<rect class="plot" x="${left}" y="${plotTop}" width="${plotRight - left}" height="${Math.max(0, plotBottom - plotTop)}" fill="#fafbfc" stroke="#d5dae0"/>`,
    );
    out.push(
      `<text class="no-data" x="${round1((left + plotRight) / 2)}" y="${round1((plotTop + plotBottom) / 2 + 4)}" text-anchor="middle" fill="#6b7580">no data</text>`,
    );
    out.push('</svg>');
    return out.join('');
  }

  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (options.includeZero ?? true) {
    yMin = Math.min(yMin, 0);
    yMax = Math.max(yMax, 0);
  }
  if (options.yRange) {
    yMin = Math.min(yMin, options.yRange[0]);
    yMax = Math.max(yMax, options.yRange[1]);
  }
  const yAxis = niceTicks(yMin, yMax, Math.max(2, Math.floor((plotBottom - plotTop) / 28)));
  const yLabels = yAxis.ticks.map((t) => formatTick(t, yAxis.step));
  const plotLeft = Math.max(34, 10 + Math.max(...yLabels.map((l) => l.length)) * CHAR_WIDTH);

  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMax === xMin) {
    xMin -= options.integerX === false ? 0.5 : 1;
    xMax += options.integerX === false ? 0.5 : 1;
  }
  const integerX = options.integerX ?? true;
  const xStep = Math.max(niceStep(xMax - xMin, Math.max(2, Math.floor((plotRight - plotLeft) / 60))), integerX ? 1 : 0);
  const xTicks: number[] = [];
  for (let t = Math.ceil(xMin / xStep - 1e-9) * xStep; t <= xMax + xStep * 1e-9; t += xStep)
    xTicks.push(Number(t.toFixed(10)));

  const sx = (x: number) => plotLeft + ((x - xMin) / (xMax - xMin)) * (plotRight - plotLeft);
  const sy = (y: number) => plotBottom - ((y - yAxis.lo) / (yAxis.hi - yAxis.lo)) * (plotBottom - plotTop);

  out.push(
    `<rect class="plot" x="${round1(plotLeft)}" y="${round1(plotTop)}" width="${round1(plotRight - plotLeft)}" height="${round1(plotBottom - plotTop)}" fill="#fafbfc" stroke="#d5dae0"/>`,
  );
  yAxis.ticks.forEach((t, i) => {
    const y = round1(sy(t));
    out.push(`<line x1="${round1(plotLeft)}" y1="${y}" x2="${round1(plotRight)}" y2="${y}" stroke="#e6e9ed"/>`);
    out.push(
      `<text class="y-tick" x="${round1(plotLeft - 5)}" y="${round1(sy(t) + 3.5)}" text-anchor="end" fill="#5b6570">${escapeText(yLabels[i])}</text>`,
    );
  });
  for (const t of xTicks) {
    const x = round1(sx(t));
    out.push(`<line x1="${x}" y1="${round1(plotBottom)}" x2="${x}" y2="${round1(plotBottom + 4)}" stroke="#8a939c"/>`);
    out.push(
      `<text class="x-tick" x="${x}" y="${round1(plotBottom + 15)}" text-anchor="middle" fill="#5b6570">${escapeText(formatTick(t, xStep))}</text>`,
    );
  }
  if (options.xLabel) {
    out.push(
      `<text x="${round1(plotRight)}" y="${height - 3}" text-anchor="end" fill="#5b6570">${escapeText(options.xLabel)}</text>`,
    );
  }

  series.forEach((s, index) => {
    const { color, dash } = styleOf(index);
    const points = [...s.points].filter((p) => Number.isFinite(p.x)).sort((a, b) => a.x - b.x);
    const runs: ChartPoint[][] = [];
    let current: ChartPoint[] = [];
    for (const p of points) {
      if (finite(p.y)) current.push(p);
      else if (current.length > 0) {
        runs.push(current);
        current = [];
      }
    }
    if (current.length > 0) runs.push(current);
    const path = runs
      .filter((r) => r.length > 1)
      .map((r) => r.map((p, i) => `${i === 0 ? 'M' : 'L'}${round1(sx(p.x))} ${round1(sy(p.y as number))}`).join(''))
      .join('');
    const name = escapeText(s.name);
    out.push(`<g class="series" data-series="${name}">`);
    if (path)
      out.push(
        `<path d="${path}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
    // A value with null on both sides would be invisible as a path; draw it as a dot.
    for (const r of runs) {
      if (r.length === 1)
        out.push(`<circle cx="${round1(sx(r[0]!.x))}" cy="${round1(sy(r[0]!.y as number))}" r="2.5" fill="${color}"/>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('');
}

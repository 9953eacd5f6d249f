// Splits a stage's training curve into charts whose series share a scale: rewards and rates
// (0..1-ish) together, KL, length, entropy and loss each on their own axis. Metrics the report
// does not know get an "other" chart, so no logged number is left out of the page.
import { STEP_METRICS } from '../metrics';
import { REWARD_FUNCTION_PREFIX, type CurvePoint } from './types';
import { renderLineChart, type ChartSeries } from './svg';

interface ChartGroup {
  title: string;
  matches: (key: string) => boolean;
  /** fixed order of known keys; others that match come after, alphabetically */
  order: string[];
  includeZero: boolean;
  yRange?: readonly [number, number];
}

const GROUPS: ChartGroup[] = [
  // The total reward is a sum of weighted rewards and can exceed 1; it gets its own axis so the
  // rates below keep the full 0..1 height.
  {
    title: 'Reward',
    matches: (k) => k === 'reward' || k.startsWith(REWARD_FUNCTION_PREFIX),
    order: ['reward'],
    includeZero: true,
  },
  {
    title: 'Accuracy, format, language',
    matches: (k) => ['accuracy', 'formatRate', 'languageConsistency'].includes(k),
    order: ['accuracy', 'formatRate', 'languageConsistency'],
    includeZero: true,
    yRange: [0, 1],
  },
  { title: 'KL to reference', matches: (k) => k === 'kl', order: ['kl'], includeZero: true },
  {
    title: 'Mean completion length (tokens)',
    matches: (k) => k === 'meanLength',
    order: ['meanLength'],
    includeZero: true,
  },
  { title: 'Entropy', matches: (k) => k === 'entropy', order: ['entropy'], includeZero: false },
  {
    title: 'Clipped, truncated, zero-std',
    matches: (k) => ['clipFraction', 'truncatedFraction', 'zeroStdFraction'].includes(k),
    order: ['clipFraction', 'truncatedFraction', 'zeroStdFraction'],
    includeZero: true,
  },
  { title: 'Loss', matches: (k) => /loss/i.test(k), order: ['loss'], includeZero: false },
];

/** Legend text for a curve metric key. */
export function metricLabel(key: string): string {
  if (key.startsWith(REWARD_FUNCTION_PREFIX)) return `reward: ${key.slice(REWARD_FUNCTION_PREFIX.length)}`;
  return key in STEP_METRICS ? STEP_METRICS[key as keyof typeof STEP_METRICS].title : key;
}

/** Metric keys present in a curve, in first-seen order. */
export function curveMetricKeys(curve: readonly CurvePoint[]): string[] {
  const keys = new Set<string>();
  for (const point of curve) {
    for (const key of Object.keys(point)) if (key !== 'step') keys.add(key);
  }
  return [...keys];
}

function seriesOf(curve: readonly CurvePoint[], key: string): ChartSeries {
  return {
    name: metricLabel(key),
    points: curve.map((p) => ({ x: p.step, y: typeof p[key] === 'number' ? (p[key] as number) : null })),
  };
}

function ordered(keys: string[], order: string[]): string[] {
  const known = order.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !order.includes(k)).sort();
  return [...known, ...rest];
}

/** The charts (SVG strings) for one stage's curve; none when it logged no metric. */
export function renderCurveCharts(
  curve: readonly CurvePoint[],
  size: { width?: number; height?: number } = {},
): string[] {
  const keys = curveMetricKeys(curve);
  const used = new Set<string>();
  const charts: string[] = [];
  const draw = (title: string, chartKeys: string[], includeZero: boolean, yRange?: readonly [number, number]) => {
    charts.push(
      renderLineChart({
        title,
        series: chartKeys.map((k) => seriesOf(curve, k)),
        xLabel: 'step',
        includeZero,
        yRange,
        ...size,
      }),
    );
  };
  for (const group of GROUPS) {
    const matching = keys.filter((k) => !used.has(k) && group.matches(k));
    if (matching.length === 0) continue;
    for (const k of matching) used.add(k);
    draw(group.title, ordered(matching, group.order), group.includeZero, group.yRange);
  }
  const other = keys.filter((k) => !used.has(k)).sort();
  if (other.length > 0) draw('Other metrics', other, false);
  return charts;
}

/** The run report: report.json schema, target judging, and the self-contained HTML page. Pure, no I/O. */
export * from './types';
export * from './targets';
export * from './html';
export {
  renderLineChart,
  niceTicks,
  formatTick,
  type ChartPoint,
  type ChartSeries,
  type LineChartOptions,
} from './svg';
export { renderCurveCharts, metricLabel, curveMetricKeys } from './charts';
export { escapeText } from './escape';

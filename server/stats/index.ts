// The stats room's front door: the evaluation dashboard's numbers (message rollups, desk, funnel,
// 好差评), its tables and CSV, and the server-drawn SVG charts.
// Other rooms import this folder only through this file; everything else in it is private.
export { barChartSvg, pieChartSvg } from './charts.js';
export { computeStats } from './compute-stats.js';
export type { FunnelRow, StatsDeps, StatsQuery, StatsReport } from './compute-stats.js';
export { readRollups, rebuildMessageRollups, updateMessageRollups } from './message-rollups.js';
export type { MessageRollup } from './message-rollups.js';
export { statsTables, suppressSmallCounts, TABLE_IDS, tableCsv } from './stats-tables.js';
export type { Cell, StatsTable } from './stats-tables.js';

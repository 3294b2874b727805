// The stats room's front door: the evaluation dashboard's numbers (message and page-view rollups,
// desk, funnel, online abilities, 好差评, inspection watchdogs), its tables and CSV, and the
// server-drawn SVG charts.
// Other rooms import this folder only through this file; everything else in it is private.
export { articleReadsBetween, pullArticleReads, startArticleReadPulls } from './article-reads.js';
export type { ArticleReads, PullOutcome, ReadPullAccount, ReadPullDeps } from './article-reads.js';
export { barChartSvg, pieChartSvg } from './charts.js';
export { computeStats } from './compute-stats.js';
export type { StatsDeps, StatsQuery, StatsReport } from './compute-stats.js';
export { quantile } from './desk-figures.js';
export { createReportCache, REPORT_TTL_MS } from './report-cache.js';
export type { ReportCache } from './report-cache.js';
export { HEALTH_STATUS_NAMES } from './health-figures.js';
export type { HealthCheck } from './health-figures.js';
export { checkMenuLinks, menuViewLinks, startMenuLinkChecks } from './menu-links.js';
export { rebuildQueryRunRollups, recordQueryRun, updateQueryRunRollups } from './query-runs.js';
export { readRollups, rebuildMessageRollups, updateMessageRollups } from './message-rollups.js';
export type { MessageRollup } from './message-rollups.js';
export { readPageViewRollups, rebuildPageViewRollups, recordPageView, updatePageViewRollups } from './page-views.js';
export type { FunnelRow } from './service-figures.js';
export { statsTables, suppressSmallCounts, TABLE_IDS, tableCsv, workingTime } from './stats-tables.js';
export type { Cell, StatsTable } from './stats-tables.js';

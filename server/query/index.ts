// The query room's front door: information queries (信息查询) from tables and departments' systems.
export { runQuery, hasQuery, connectorRequest, DEFAULT_PER_MINUTE, DEFAULT_PAGE_MINUTES, type QueryDeps, type QueryRequest } from './run-query.js';
export { queryIndexOf, matchChat, chatText, followUpInputs, type QueryIndex } from './query-index.js';
export { createRateLimiter, type RateLimiter } from './rate-limiter.js';
export { createResultPages, type ResultPages, type ResultPage } from './result-pages.js';
export { dayClassOf, lookupTable, type DayClass } from './lookup-table.js';
export type { QueryResult, QueryOutcome, QueryAsker, ConnectorAnswer, ConnectorCaller } from './query-types.js';

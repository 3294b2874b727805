// The gateway's front door: one entry point per WeChat push (routing with a trace, dedup, time budget, message log) and the console's simulator.
// Other rooms import this folder only through this file; everything else in it is private.
export { createGateway } from './gateway.js';
export type { Gateway } from './gateway.js';
export type { GatewayHealth } from './gateway-health.js';
export { MAX_ARTICLES_TO_EVENT, MAX_ARTICLES_TO_MESSAGE } from './replies.js';
export { parseSimulateInput, parseSince, simulateDraft, simulateLive, simulatorOutbox } from './simulator.js';

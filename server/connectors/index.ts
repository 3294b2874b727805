// The connectors room's front door: calls to departments' own systems for queries, and the local
// stand-in of those systems that `npm start` serves with sample data.
export { createConnectorCaller, connectorSecret, LOCAL_CONNECTOR_SECRET, STANDIN_PATH, type ConnectorCallerDeps } from './connector-caller.js';
export { createNonceMemory, signRequest, verifyRequest, signingString, SIGNATURE_HEADERS, type NonceMemory } from './sign-request.js';
export { createCircuitBreaker, type CircuitBreaker, type BreakerOptions } from './circuit-breaker.js';
export { pointerGet } from './call-connector.js';
export { STANDIN_SAMPLES } from './standin/sample-data.js';

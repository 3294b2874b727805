// The query room's way to departments' systems: resolves a connector id against the live build's
// account.json (the platform's declaration), finds its secret through the config, keeps one
// circuit breaker per connector, and never lets a department's answer name another address.
import type { Config } from '../config.js';
import { isLoopbackHost } from '../builder/index.js';
import type { LiveBuild } from '../live-build.js';
import type { Connector } from '../model/index.js';
import type { ConnectorCaller } from '../query/index.js';
import { CallFailure, callConnector, fetchSigned, requestTarget } from './call-connector.js';
import { createCircuitBreaker, type BreakerOptions, type CircuitBreaker } from './circuit-breaker.js';
import { callInThread, warmConnectorThread } from './connector-thread.js';

/** The local stand-in's secret when no CONNECTOR_* variable is set (local mode only, like the session default). */
export const LOCAL_CONNECTOR_SECRET = 'onestop-local-connector-secret';
/** Where the local stand-in of the departments' systems is mounted. */
export const STANDIN_PATH = '/_departments';
const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

export interface ConnectorCallerDeps {
  live: LiveBuild;
  config: Pick<Config, 'localMode' | 'connectorSecrets'>;
  /** This server's own origin (http://127.0.0.1:<port>), for a loopback base on the local stand-in. */
  localOrigin?: () => string;
  breaker?: BreakerOptions;
  now?: () => Date;
  /**
   * Calls run on the connector thread (default: off the main event loop, connector-thread.ts);
   * false runs them on the caller's thread, where nock can see them (tests at the HTTP boundary).
   */
  inThread?: boolean;
}

export function connectorSecret(config: Pick<Config, 'localMode' | 'connectorSecrets'>, connector: Connector): string | undefined {
  return config.connectorSecrets?.[connector.auth.secretEnv] ?? (config.localMode ? LOCAL_CONNECTOR_SECRET : undefined);
}

export function createConnectorCaller(deps: ConnectorCallerDeps): ConnectorCaller {
  if (deps.inThread !== false) warmConnectorThread();
  const breakers = new Map<string, CircuitBreaker>();
  const breakerOf = (id: string) => {
    let b = breakers.get(id);
    if (!b) breakers.set(id, (b = createCircuitBreaker(deps.breaker)));
    return b;
  };

  /** The declared connector with its secret and the base URL to call, or why it cannot be called. */
  function resolve(id: string): { connector: Connector; secret: string; baseUrl: string } | string {
    const connector = deps.live.current().account.connectors?.find((c) => c.id === id);
    if (!connector) return '没有在 account.json 中声明';
    const secret = connectorSecret(deps.config, connector);
    if (!secret) return `未配置密钥（环境变量 ${connector.auth.secretEnv}）`;
    const url = new URL(connector.baseUrl);
    if (url.protocol === 'http:' && (!deps.config.localMode || !isLoopbackHost(url.hostname))) return '使用了不加密的 http 地址（只允许本地模式下的本机地址）';
    let baseUrl = connector.baseUrl;
    if (deps.config.localMode && isLoopbackHost(url.hostname) && url.pathname.startsWith(`${STANDIN_PATH}/`) && deps.localOrigin) {
      baseUrl = `${deps.localOrigin()}${url.pathname}`;
    }
    return { connector, secret, baseUrl };
  }

  return {
    async call(request) {
      const target = resolve(request.connector);
      if (typeof target === 'string') return { kind: 'failed', reason: target };
      const admission = breakerOf(request.connector).admit();
      if (!admission.ok) return { kind: 'failed', reason: admission.reason };
      try {
        const { connector: _id, ...call } = request;
        const answer =
          deps.inThread === false
            ? await callConnector({ ...target, ...(deps.now ? { now: deps.now } : {}) }, call)
            : await callInThread({ ...target, ...(deps.now ? { nowMs: deps.now().getTime() } : {}), request: call });
        admission.done(true);
        return answer;
      } catch (err) {
        admission.done(false);
        return { kind: 'failed', reason: err instanceof CallFailure ? err.message : '调用出错' };
      }
    },
    async photo(id, path) {
      if (!/^\/[A-Za-z0-9/_.-]{1,200}$/.test(path) || path.includes('..') || path.includes('//')) return undefined;
      const target = resolve(id);
      if (typeof target === 'string') return undefined;
      // Photos share the connector's breaker: a system that fails them is a failing system, and
      // a page of photos must not pile calls onto it once it is open.
      const admission = breakerOf(id).admit();
      if (!admission.ok) return undefined;
      try {
        const res = await fetchSigned({ ...target, ...(deps.now ? { now: deps.now } : {}) }, 'GET', requestTarget(target.baseUrl, path), '');
        const type = res.type.split(';')[0]!.trim();
        if (res.status === 404) {
          res.discard();
          admission.done(true); // the system answered: no such photo is not a failure of the system
          return undefined;
        }
        if (res.status !== 200 || !PHOTO_TYPES.has(type)) {
          res.discard();
          admission.done(false);
          return undefined;
        }
        const body = await res.read(MAX_PHOTO_BYTES);
        admission.done(true);
        return { type, body };
      } catch {
        admission.done(false);
        return undefined;
      }
    },
  };
}

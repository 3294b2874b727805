// One call to a department's system: URL from the platform's base and the department's path
// only, signed, within the connector's timeout and response size, no redirects followed, JSON
// only. The answer is mapped through the department's JSON pointers; the raw body goes no further.
import type { Connector } from '../model/index.js';
import type { ConnectorAnswer } from '../query/index.js';
import http from 'node:http';
import https from 'node:https';
import { signRequest } from './sign-request.js';

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_RESPONSE_KB = 256;

export interface CallRequest {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  map: Record<string, string>;
  foundWhen?: string;
}

export interface CallOptions {
  connector: Connector;
  /** The base URL to call (the declared one, or the local stand-in's real address). */
  baseUrl: string;
  secret: string;
  now?: () => Date;
}

export class CallFailure extends Error {}

/** An answer whose body has not been read yet: read it within a size limit, or throw it away. */
export interface PendingAnswer {
  status: number;
  type: string;
  read(maxBytes: number): Promise<Buffer>;
  discard(): void;
}

// node:http with keep-alive rather than fetch: a third of the CPU per call, and connections to a
// department's system are reused across citizens.
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

export function requestTarget(baseUrl: string, path: string, query?: Record<string, string>): URL {
  const base = new URL(baseUrl);
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  // The department's path may not climb out of the platform's base (the builder refuses "..", this is the backstop).
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname.replace(/\/+$/, ''))) throw new CallFailure('接口路径超出了平台声明的地址');
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

/**
 * Sends one signed request. The whole exchange (connect, answer, body) must finish within the
 * connector's timeout; redirects are not followed (a 3xx is just not a 200).
 */
export function fetchSigned(options: CallOptions, method: 'GET' | 'POST', url: URL, body: string): Promise<PendingAnswer> {
  const { connector, secret } = options;
  const pathWithQuery = `${url.pathname}${url.search}`;
  const auth =
    connector.auth.type === 'bearer' ? { authorization: `Bearer ${secret}` } : signRequest(secret, method, pathWithQuery, body, options.now?.() ?? new Date());
  const timeoutMs = connector.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/json', ...auth };
  if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(err);
    };
    const req = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      const answer: PendingAnswer = {
        status: res.statusCode ?? 0,
        type: String(res.headers['content-type'] ?? ''),
        discard() {
          done = true;
          clearTimeout(timer);
          res.resume();
        },
        read(maxBytes) {
          return new Promise<Buffer>((resolveBody, rejectBody) => {
            const declared = Number(res.headers['content-length'] ?? NaN);
            const tooLarge = () => new CallFailure(`返回内容过大（超过 ${Math.round(maxBytes / 1024)} KB）`);
            if (declared > maxBytes) {
              req.destroy();
              done = true;
              clearTimeout(timer);
              return rejectBody(tooLarge());
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                req.destroy();
                done = true;
                clearTimeout(timer);
                rejectBody(tooLarge());
              } else chunks.push(chunk);
            });
            res.on('end', () => {
              if (done) return;
              done = true;
              clearTimeout(timer);
              resolveBody(Buffer.concat(chunks));
            });
            res.on('error', () => {
              if (done) return;
              done = true;
              clearTimeout(timer);
              rejectBody(new CallFailure('无法连接'));
            });
            onTimeout = rejectBody;
          });
        },
      };
      resolve(answer);
    });
    // Before the answer starts, a timeout rejects the call; while the body streams, the read.
    let onTimeout: (err: Error) => void = reject;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      req.destroy();
      onTimeout(new CallFailure(`超时（${timeoutMs} 毫秒内没有答复）`));
    }, timeoutMs);
    req.on('error', () => fail(new CallFailure('无法连接')));
    if (method === 'POST') req.write(body);
    req.end();
  });
}

export async function callConnector(options: CallOptions, request: CallRequest): Promise<ConnectorAnswer> {
  const { connector } = options;
  const isGet = request.method === 'GET';
  const url = requestTarget(options.baseUrl, request.path, isGet ? request.params : undefined);
  const body = isGet ? '' : JSON.stringify(request.params);
  const res = await fetchSigned(options, request.method, url, body);
  const maxBytes = (connector.maxResponseKb ?? DEFAULT_MAX_RESPONSE_KB) * 1024;
  if (res.status === 404) {
    res.discard();
    return { kind: 'not-found', data: {} };
  }
  if (res.status !== 200) {
    res.discard();
    throw new CallFailure(`返回 HTTP ${res.status}`);
  }
  const raw = await res.read(maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new CallFailure('返回的不是 JSON');
  }
  const data = Object.fromEntries(Object.entries(request.map).map(([name, pointer]) => [name, pointerGet(json, pointer)]));
  if (request.foundWhen !== undefined && !truthy(pointerGet(json, request.foundWhen))) return { kind: 'not-found', data };
  return { kind: 'found', data };
}

/** RFC 6901 JSON pointer lookup; undefined when any step is missing. */
export function pointerGet(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current) ? !/^\d+$/.test(key) : !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

// One call to a department's system: URL from the platform's base and the department's path
// only, signed, within the connector's timeout and response size, no redirects followed, JSON
// only. The answer is mapped through the department's JSON pointers; the raw body goes no further.
import type { Connector } from '../model/index.js';
import type { ConnectorAnswer } from '../query/index.js';
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

/** Reads at most maxBytes of a response body; more is a failure, not a truncation. */
export async function readLimited(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new CallFailure(`返回内容过大（超过 ${Math.round(maxBytes / 1024)} KB）`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new CallFailure(`返回内容过大（超过 ${Math.round(maxBytes / 1024)} KB）`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export function requestTarget(baseUrl: string, path: string, query?: Record<string, string>): URL {
  const base = new URL(baseUrl);
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  // The department's path may not climb out of the platform's base (the builder refuses "..", this is the backstop).
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname.replace(/\/+$/, ''))) throw new CallFailure('接口路径超出了平台声明的地址');
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

export async function fetchSigned(options: CallOptions, method: 'GET' | 'POST', url: URL, body: string): Promise<Response> {
  const { connector, secret } = options;
  const pathWithQuery = `${url.pathname}${url.search}`;
  const auth =
    connector.auth.type === 'bearer' ? { authorization: `Bearer ${secret}` } : signRequest(secret, method, pathWithQuery, body, options.now?.() ?? new Date());
  const timeoutMs = connector.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    return await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...auth },
      ...(method === 'POST' ? { body } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new CallFailure(`超时（${timeoutMs} 毫秒内没有答复）`);
    throw new CallFailure('无法连接');
  }
}

export async function callConnector(options: CallOptions, request: CallRequest): Promise<ConnectorAnswer> {
  const { connector } = options;
  const isGet = request.method === 'GET';
  const url = requestTarget(options.baseUrl, request.path, isGet ? request.params : undefined);
  const body = isGet ? '' : JSON.stringify(request.params);
  const res = await fetchSigned(options, request.method, url, body);
  const maxBytes = (connector.maxResponseKb ?? DEFAULT_MAX_RESPONSE_KB) * 1024;
  if (res.status === 404) {
    await res.body?.cancel();
    return { kind: 'not-found', data: {} };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new CallFailure(`返回 HTTP ${res.status}`);
  }
  const raw = await readLimited(res, maxBytes);
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

// Connector calls off the main event loop. A call's HTTP work (signing, the request, reading and
// parsing the answer, the JSON pointers) costs several times a keyword reply's CPU; on the main
// thread it crowds out the replies of everyone else. One worker thread per process makes every
// call; the main thread only posts the call and receives the mapped answer (~25 µs instead of
// ~250 µs). The circuit breaker and the connector's resolution stay on the main thread.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Connector } from '../model/index.js';
import type { ConnectorAnswer } from '../query/index.js';
import { CallFailure, DEFAULT_TIMEOUT_MS, type CallRequest } from './call-connector.js';

export interface ThreadCall {
  id: number;
  connector: Connector;
  baseUrl: string;
  secret: string;
  /** The signing clock, when the caller has a fake one (tests). */
  nowMs?: number;
  request: CallRequest;
}

/** ready: the thread has loaded and listens (sent once). */
export type ThreadAnswer = { id: number; answer: ConnectorAnswer } | { id: number; failure: string } | { ready: true };

/** Beyond the connector's own timeout (kept in the thread), the main thread gives up this much later. */
const BACKSTOP_MS = 1000;

interface Pending {
  resolve(answer: ConnectorAnswer): void;
  reject(err: Error): void;
  backstopMs: number;
  timer?: NodeJS.Timeout;
}

let worker: Worker | undefined;
/** Until the thread is up (it loads its modules first), calls wait in its queue with no backstop yet. */
let online = false;
const pending = new Map<number, Pending>();
let nextId = 1;

/** tsx's ESM API (register), found through its package.json: this module may itself run as CommonJS under tsx. */
function tsxApiUrl(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(packageJson), exports['./esm/api']!.import.default)).href;
}

/** Running from the TypeScript sources (tsx), the thread registers tsx before loading its entry. */
function startWorker(): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './connector-worker.ts' : './connector-worker.js', import.meta.url);
  const w = fromSources
    ? new Worker(`import(require('node:worker_threads').workerData.tsx).then((m) => { m.register(); return import(require('node:worker_threads').workerData.entry); });`, {
        eval: true,
        workerData: { tsx: tsxApiUrl(), entry: entry.href },
      })
    : new Worker(entry);
  w.on('message', (message: ThreadAnswer) => {
    if ('ready' in message) {
      if (worker !== w) return;
      online = true;
      for (const [id, p] of pending) p.timer ??= backstop(id, p);
      return;
    }
    const p = pending.get(message.id);
    if (!p) return;
    settle(message.id, p);
    if ('answer' in message) p.resolve(message.answer);
    else p.reject(new CallFailure(message.failure));
  });
  const lost = () => {
    if (worker !== w) return;
    worker = undefined;
    online = false;
    for (const [id, p] of pending) {
      settle(id, p);
      p.reject(new CallFailure('调用出错'));
    }
  };
  w.on('error', lost);
  w.on('exit', lost);
  // The thread keeps the process alive only while a call is in flight (settle() below).
  w.unref();
  return w;
}

/** Should the thread ever stall, the main thread still answers: failed, a little after the connector's own timeout. */
function backstop(id: number, p: Pending): NodeJS.Timeout {
  return setTimeout(() => {
    if (!pending.has(id)) return;
    settle(id, p);
    p.reject(new CallFailure(`超时（${p.backstopMs} 毫秒内没有答复）`));
  }, p.backstopMs);
}

function settle(id: number, p: Pending): void {
  pending.delete(id);
  clearTimeout(p.timer);
  if (pending.size === 0) worker?.unref();
}

/** Starts the thread ahead of the first call (a server does at start), so that call does not wait for it. */
export function warmConnectorThread(): void {
  worker ??= startWorker();
}

/** One call through the connector thread; rejects with a CallFailure like callConnector. */
export function callInThread(call: Omit<ThreadCall, 'id'>): Promise<ConnectorAnswer> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const p: Pending = { resolve, reject, backstopMs: (call.connector.timeoutMs ?? DEFAULT_TIMEOUT_MS) + BACKSTOP_MS };
    pending.set(id, p);
    try {
      worker ??= startWorker();
      if (pending.size === 1) worker.ref();
      if (online) p.timer = backstop(id, p);
      worker.postMessage({ id, ...call } satisfies ThreadCall);
    } catch {
      settle(id, p);
      reject(new CallFailure('调用出错'));
    }
  });
}

/** Stops the thread (tests, shutdown); the next call starts a new one. */
export async function stopConnectorThread(): Promise<void> {
  const w = worker;
  if (w) await w.terminate();
}

// The connector thread's side (see connector-thread.ts): each message is one signed call made with
// callConnector — the same URL rules, timeout, size cap, no redirects and JSON pointers as a call
// on the main thread — and the mapped answer (never the raw body) goes back.
import { parentPort } from 'node:worker_threads';
import { CallFailure, callConnector } from './call-connector.js';
import type { ThreadAnswer, ThreadCall } from './connector-thread.js';

const port = parentPort;
if (port) {
  port.on('message', (call: ThreadCall) => {
    const reply = (answer: ThreadAnswer) => port.postMessage(answer);
    const options = { connector: call.connector, baseUrl: call.baseUrl, secret: call.secret, ...(call.nowMs !== undefined ? { now: () => new Date(call.nowMs!) } : {}) };
    callConnector(options, call.request).then(
      (answer) => reply({ id: call.id, answer }),
      (err: unknown) => reply({ id: call.id, failure: err instanceof CallFailure ? err.message : '调用出错' }),
    );
  });
  port.postMessage({ ready: true } satisfies ThreadAnswer);
}

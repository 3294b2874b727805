// A lean HTTP/1.1 load generator for benches that share the machine's cores with the servers they
// measure: each connection is a keep-alive socket that writes one request, reads its answer (the
// status line, Content-Length or a chunked body) and writes the next, with no per-request objects
// beyond the request's own bytes and no histogram library. Where autocannon spends 60–130 µs of
// the bench's CPU per request on this machine, this spends a fraction, so more of the cores are
// left to the servers and the database being compared.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LeanRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LeanTarget {
  host: string;
  port: number;
}

export interface LeanResult {
  /** Answers received within the run. */
  requests: number;
  /** Per second of the run. */
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors and unparseable answers. */
  errors: number;
  statuses: Record<string, number>;
  /** CPU seconds this process spent from the clock's start until the last answer (the preparation not included). */
  cpuSeconds: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function encode(request: LeanRequest): Buffer {
  const body = Buffer.from(request.body);
  let head = `POST ${request.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** How long the answer at the start of buf is in bytes, once it is all there (undefined before). */
function answerLength(buf: Buffer): { length: number; status: string } | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const head = buf.toString('latin1', 0, end).toLowerCase();
  const status = head.slice(9, 12);
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) {
    const total = end + 4 + Number(length[1]);
    return buf.length >= total ? { length: total, status } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
    const last = buf.indexOf('\r\n0\r\n\r\n', end + 2);
    return last < 0 ? undefined : { length: last + 7, status };
  }
  return { length: end + 4, status }; // no body (204, 304)
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0);

/**
 * Keeps `connections` requests in flight against each target for `seconds`, request i made by
 * make(i) across all connections. Answers still in flight at the end are waited for but not counted.
 * The first `prepared` requests are made and encoded before the clock starts (a client's signing
 * is WeChat's work, on WeChat's machines, not the servers'); any beyond are made as they go.
 */
export async function leanLoad(targets: LeanTarget[], connectionsPerTarget: number, seconds: number, make: (i: number) => LeanRequest, prepared = 0): Promise<LeanResult> {
  const ready = Array.from({ length: prepared }, (_, i) => encode(make(i)));
  let next = 0;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  const record = (ms: number, status: string) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const connection = (target: LeanTarget) =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
      let pending: Buffer | undefined;
      let sentAt = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        socket.destroy();
        resolve();
      };
      const send = () => {
        if (performance.now() >= until) return finish();
        sentAt = performance.now();
        const i = next++;
        socket.write(i < ready.length ? ready[i]! : encode(make(i)));
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        const answer = answerLength(pending);
        if (!answer) return;
        const now = performance.now();
        if (now <= until) record(now - sentAt, answer.status);
        pending = pending.length > answer.length ? pending.subarray(answer.length) : undefined;
        send();
      });
      socket.on('error', () => {
        errors++;
        finish();
      });
      socket.on('close', finish);
    });
  await Promise.all(targets.flatMap((t) => Array.from({ length: connectionsPerTarget }, () => connection(t))));
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.slice(0, count).sort();
  return { requests: count, rps: count / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors, statuses, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

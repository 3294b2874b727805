// Signals between the processes sharing one database, on LISTEN/NOTIFY: one PostgreSQL channel
// per schema carries every named signal. A dedicated connection listens; when it drops, it
// reconnects and tells every listener with an empty payload, because anything sent meanwhile
// was lost and listeners must re-read what they care about.
import pg from 'pg';

type Listener = (payload: string) => void;

export interface Signals {
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, listener: Listener): Promise<() => void>;
  close(): Promise<void>;
}

export function createSignals(config: pg.ClientConfig, send: (text: string, params: unknown[]) => Promise<unknown>, schema: string): Signals {
  const pgChannel = `onestop_${schema}`;
  const listeners = new Map<string, Set<Listener>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const deliver = (channel: string, payload: string) => {
    for (const l of listeners.get(channel) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(`[onestop] 处理进程间通知失败: ${channel}`, err);
      }
    }
  };

  function connect(): Promise<void> {
    connecting ??= (async () => {
      const c = new pg.Client(config);
      c.on('notification', (msg) => {
        if (msg.channel !== pgChannel || !msg.payload) return;
        const { channel, payload } = JSON.parse(msg.payload) as { channel: string; payload: string };
        deliver(channel, payload);
      });
      c.on('error', (err) => {
        console.error('[onestop] 通知连接断开，稍后重连:', err.message);
        lost(c);
      });
      c.on('end', () => lost(c));
      await c.connect();
      await c.query(`listen ${pgChannel}`);
      client = c;
    })().catch((err) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  }

  function lost(c: pg.Client) {
    if (client !== c || closed) return; // a second event for a connection already given up
    client = undefined;
    connecting = undefined;
    reconnectLater();
  }

  function reconnectLater() {
    clearTimeout(retry);
    retry = setTimeout(() => {
      if (closed) return;
      connect().then(() => {
        for (const channel of listeners.keys()) deliver(channel, '');
      }, reconnectLater);
    }, 1000);
    retry.unref();
  }

  return {
    async notify(channel, payload) {
      await send('select pg_notify($1, $2)', [pgChannel, JSON.stringify({ channel, payload })]);
    },
    async listen(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      await connect();
      return () => void set.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}

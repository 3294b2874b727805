// The stand-in on its own loopback port, for commands that run while no server is up (a
// local-mode `onestop publish`): the real WeChat client talks to it over HTTP as it would to WeChat.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Store } from '../../store/index.js';
import { localStandinCredentials, scopedStore } from '../../accounts/index.js';
import { createWechatStandin } from './wechat-standin.js';

export interface RunningStandin {
  /** e.g. http://127.0.0.1:41234/_wechat */
  base: string;
  close(): Promise<void>;
}

/** siblings: the further accounts' ids, each with its own stand-in under /_wechat/<id>, as the server has them. */
export async function serveLocalStandin(store: Store, siblings: readonly string[] = []): Promise<RunningStandin> {
  const app = express();
  for (const id of siblings) app.use(`/_wechat/${id}`, createWechatStandin(scopedStore(store, `account-${id}-`), { credentials: localStandinCredentials(id) }));
  app.use('/_wechat', createWechatStandin(store));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/_wechat`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The stand-in on its own loopback port, for commands that run while no server is up (a
// local-mode `onestop publish`): the real WeChat client talks to it over HTTP as it would to WeChat.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Store } from '../../store/index.js';
import { createWechatStandin } from './wechat-standin.js';

export interface RunningStandin {
  /** e.g. http://127.0.0.1:41234/_wechat */
  base: string;
  close(): Promise<void>;
}

export async function serveLocalStandin(store: Store): Promise<RunningStandin> {
  const app = express();
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

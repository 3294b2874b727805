import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { checkMenuLinks, computeStats, menuViewLinks } from '../../server/stats/index.js';
import { fixtureBuild } from './stats-fixture.js';

describe('stats: menu link checks', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 404, { location: '/ok' }).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('opens every view button of the menu and warns on the dashboard about those that do not load', async () => {
    const store = createMemoryStore();
    const build = await fixtureBuild();
    const menu = {
      button: [
        { type: 'view' as const, name: '官网', url: `${base}/ok` },
        { name: '服务', sub_button: [{ type: 'view' as const, name: '旧页面', url: `${base}/gone` }, { type: 'view' as const, name: '跳转', url: `${base}/moved` }, { type: 'click' as const, name: '点我', key: 'k' }] },
        { type: 'view' as const, name: '停机', url: 'http://127.0.0.1:1/' },
      ],
    };
    assert.deepEqual(menuViewLinks({ menu }).map((l) => l.name), ['官网', '服务 › 旧页面', '服务 › 跳转', '停机']);
    const check = await checkMenuLinks({ store, build: () => ({ menu }), now: () => new Date('2026-11-12T04:00:00.000Z') });
    assert.deepEqual(check.links.map((l) => [l.name, l.ok, l.detail]), [['官网', true, 'HTTP 200'], ['服务 › 旧页面', false, 'HTTP 404'], ['服务 › 跳转', true, 'HTTP 302'], ['停机', false, '无法连接']]);
    const r = await computeStats({ store, build, now: () => new Date('2026-11-12T04:00:00.000Z') }, { from: '2026-11-01', to: '2026-11-12' });
    const links = r.health.find((h) => h.id === 'menu-links')!;
    assert.equal(links.status, 'warn');
    assert.match(links.value, /2\/4 个打不开：服务 › 旧页面（HTTP 404）、停机（无法连接）/);
  });
});

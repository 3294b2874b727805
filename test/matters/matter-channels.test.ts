import assert from 'node:assert/strict';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { parseMessage } from '../../server/wechat/index.js';
import { computeStats } from '../../server/stats/index.js';
import { eventXml, textXml } from '../gateway/harness.js';
import { gatewayFor } from '../gateway/gateway-helpers.js';
import { submitMatter } from '../../server/matters/index.js';
import { matterFixture, MATTER_ID, sampleCity, validBody, validFiles } from './matter-fixture.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOPICS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../topics');

describe('一件事 in the channels: keywords, menu, trace, dashboard', () => {
  it('answers the matter’s keyword with its notice page, the trace naming the matter and its lead department', async () => {
    const { gateway } = gatewayFor(await sampleCity());
    const hit = await gateway.simulate(parseMessage(textXml('我要办二手房交易')));
    assert.deepEqual({ by: hit.trace.answeredBy, dept: hit.trace.department, rule: hit.trace.rule }, { by: 'keyword', dept: 'budongchan', rule: '二手房交易' });
    assert.match(hit.trace.reason, /matters\/ershoufang-jiaoyi\.json.*一件事“二手房交易一件事”/);
    assert.equal(hit.reply.kind, 'news');
    assert.ok(hit.reply.kind === 'news' && hit.reply.articles[0]!.url.endsWith('/m/ershoufang-jiaoyi'));
  });

  it('lists the matter first when its topic is opened from the menu', async () => {
    const { gateway } = gatewayFor(await sampleCity());
    const hit = await gateway.simulate(parseMessage(eventXml('CLICK', 'topic:zhufang')));
    const text = hit.reply.kind === 'text' ? hit.reply.content : hit.reply.kind === 'news' ? hit.reply.articles.map((a) => a.title).join('\n') : '';
    assert.ok(text.indexOf('二手房交易一件事') >= 0 && text.indexOf('二手房交易一件事') < text.indexOf('住房公积金提取'), text);
  });

  it('reports a matter keyword that collides with a department’s as a conflict naming both', async () => {
    const city = await loadCityFromDir(TOPICS);
    const files = city.files.map((f) => {
      if (f.path !== 'matters/ershoufang-jiaoyi.json') return f;
      const value = JSON.parse(f.text);
      value.keywords = [{ text: '契税', match: 'exact' }];
      return { path: f.path, text: JSON.stringify(value, null, 2) };
    });
    const build = buildAccount({ files }, { publicBaseUrl: 'https://gov.example.cn' });
    const conflict = build.diagnostics.find((d) => d.code === 'KEYWORD_CONFLICT' && d.file === 'matters/ershoufang-jiaoyi.json');
    assert.ok(conflict, build.diagnostics.map((d) => d.code).join());
    assert.match(conflict.message, /departments\/shuiwu\.json/);
  });

  it('offers the matter in the numbered list of a keyword the platform disambiguates, and opens it by its number', async () => {
    const city = await loadCityFromDir(TOPICS);
    const files = city.files.map((f) => {
      if (f.path !== 'matters/ershoufang-jiaoyi.json' && f.path !== 'account.json') return f;
      const value = JSON.parse(f.text);
      if (f.path === 'account.json') value.keywordResolutions = [...(value.keywordResolutions ?? []), { keyword: '契税', strategy: 'disambiguate' }];
      else value.keywords = [{ text: '契税', match: 'exact' }];
      return { path: f.path, text: JSON.stringify(value, null, 2) };
    });
    const build = buildAccount({ files }, { publicBaseUrl: 'https://gov.example.cn' });
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    const { gateway } = gatewayFor(build);
    const list = await gateway.handle(parseMessage(textXml('契税', 'o-seller-1')));
    const content = list.reply.kind === 'text' ? list.reply.content : '';
    const lines = content.split('\n');
    const matterLine = lines.find((l) => l.includes('二手房交易一件事'));
    assert.ok(matterLine, content);
    assert.match(matterLine, /^1\. <a href="https:\/\/gov\.example\.cn\/m\/ershoufang-jiaoyi">二手房交易一件事（一件事）<\/a>（牵头部门：.*不动产登记/);
    assert.ok(lines.some((l) => /^2\. .*存量房契税申报/.test(l)), content);

    const picked = await gateway.handle(parseMessage(textXml('1', 'o-seller-1')));
    assert.equal(picked.reply.kind, 'news');
    assert.ok(picked.reply.kind === 'news' && picked.reply.articles[0]!.url === 'https://gov.example.cn/m/ershoufang-jiaoyi');
    assert.deepEqual([picked.trace.answeredBy, picked.trace.department], ['keyword', 'budongchan']);
    assert.match(picked.trace.reason, /回复序号 1.*一件事“二手房交易一件事”/);
  });

  it('puts a matter whose topic has its own menu button first among the sub-buttons', async () => {
    const city = await loadCityFromDir(TOPICS);
    const files = city.files.map((f) => {
      if (f.path !== 'matters/ershoufang-jiaoyi.json') return f;
      return { path: f.path, text: f.text.replace('"topic": "zhufang"', '"topic": "shebao-jiuye"') };
    });
    const build = buildAccount({ files }, { publicBaseUrl: 'https://gov.example.cn' });
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    const shebao = build.menu.button.find((b) => 'sub_button' in b && b.sub_button.some((s) => s.name === '二手房交易一件事'));
    assert.ok(shebao && 'sub_button' in shebao);
    assert.deepEqual(shebao.sub_button[0], { type: 'view', name: '二手房交易一件事', url: 'https://gov.example.cn/m/ershoufang-jiaoyi' });
    assert.ok(shebao.sub_button.length <= 5);
  });

  it('counts each matter application once on the dashboard, with its parts', async () => {
    const f = await matterFixture();
    try {
      await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) });
      await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer-2', body: validBody('no'), files: validFiles(f) });
      const report = await computeStats({ store: f.deps.store, build: f.deps.live.current(), now: () => f.clock.now }, { from: '2026-12-01', to: '2026-12-02' });
      assert.deepEqual(report.matters, [{ matter: MATTER_ID, name: '二手房交易一件事', applications: 2, parts: 5, completed: 0, rated: 0 }]);
      const gjj = await computeStats({ store: f.deps.store, build: f.deps.live.current(), now: () => f.clock.now }, { from: '2026-12-01', to: '2026-12-02', scope: ['gongjijin'] });
      assert.equal(gjj.matters[0]!.applications, 1, 'a department sees the matters it has a part in');
    } finally {
      f.cleanup();
    }
  });
});

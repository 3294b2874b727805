import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildAccount, buildCity } from '../../server/builder/build-account.js';
import { formatDiagnostic } from '../../server/builder/diagnostics.js';
import { accountFile, cityWith, SAMPLE, sampleCity } from '../accounts/city-fixture.js';

const OPTIONS = { publicBaseUrl: 'https://gov.example.cn' };
/** What a primary account must have itself (nothing to inherit from). */
const PRIMARY_FIELDS = { desk: { hours: {} }, calendar: { holidays: [], workdays: [] }, badReviewDeadlineDays: 5, linkHosts: ['www.12306.cn'] };
const codes = (d: { code: string }[]) => d.map((x) => x.code);

describe('a city of several accounts', () => {
  describe('the sample city', () => {
    it('builds three accounts, the primary first, with no errors', async () => {
      const city = buildCity(await sampleCity(), OPTIONS);
      assert.equal(city.primary, 'jiangcheng');
      assert.deepEqual(
        city.accounts.map((b) => [b.account.id, b.account.type]),
        [
          ['jiangcheng', 'service'],
          ['chuxing', 'subscription'],
          ['jiaojing-neibu', 'subscription'],
        ],
      );
      assert.deepEqual(city.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
    });

    it('keeps the primary build what buildAccount gave before (every topic and keyword)', async () => {
      const files = await sampleCity();
      const primary = buildAccount(files, OPTIONS);
      assert.equal(primary.account.id, 'jiangcheng');
      assert.equal(primary.topics.length, 6);
      assert.deepEqual(primary.homes, {});
      assert.ok(primary.keywords.some((k) => k.text === '社保卡补办'));
    });

    it('gives each account its own menu and keyword table from the topics it serves', async () => {
      const files = await sampleCity();
      const chuxing = buildAccount(files, { ...OPTIONS, account: 'chuxing' });
      assert.deepEqual(
        chuxing.topics.map((t) => t.id),
        ['chuxing'],
      );
      assert.equal(chuxing.menu.button.length, 2);
      assert.ok(chuxing.keywords.every((k) => k.owner === 'jiaojing' || k.owner === 'chengguan' || k.owner === '@account'));
      assert.ok(!chuxing.keywords.some((k) => k.text === '社保卡补办'), 'another topic’s keyword leaks into the 出行 account');
      // Its own resolution of 违章, not the primary's.
      const weizhang = chuxing.keywords.find((k) => k.text === '违章');
      assert.equal(weizhang?.source.file, 'accounts/chuxing.json');
    });

    it('links the services another account hosts (one service, one home)', async () => {
      const chuxing = buildAccount(await sampleCity(), { ...OPTIONS, account: 'chuxing' });
      assert.equal(chuxing.homes?.['jiaojing/weifa-chaxun'], 'jiangcheng');
      assert.deepEqual(
        chuxing.siblings?.map((s) => s.id),
        ['jiangcheng', 'jiaojing-neibu'],
      );
    });

    it('inherits the calendar and connectors from the primary account', async () => {
      const files = await sampleCity();
      const primary = buildAccount(files, OPTIONS);
      const chuxing = buildAccount(files, { ...OPTIONS, account: 'chuxing' });
      assert.deepEqual(chuxing.account.calendar, primary.account.calendar);
      assert.deepEqual(chuxing.account.connectors, primary.account.connectors);
      assert.equal(chuxing.account.desk.hotline, '122', 'its own desk is kept');
    });

    it('refuses an account id that is not in the city', async () => {
      assert.throws(() => buildAccount({ files: [] }, { ...OPTIONS, account: 'nope' }), /没有编号为“nope”的公众号/);
    });
  });

  describe('diagnostics', () => {
    it('names the account for a keyword conflict only one account has', async () => {
      const raw = JSON.parse(await readFile(path.join(SAMPLE, 'accounts/chuxing.json'), 'utf8'));
      delete raw.keywordResolutions;
      const { city, cleanup } = await cityWith({ 'accounts/chuxing.json': raw });
      try {
        const built = buildCity(city, OPTIONS);
        const conflicts = built.diagnostics.filter((d) => d.code === 'KEYWORD_CONFLICT');
        assert.ok(conflicts.length > 0);
        assert.ok(conflicts.every((d) => d.account === 'chuxing'));
        assert.match(formatDiagnostic(conflicts[0]!), /^\[公众号 chuxing\] departments\//);
        assert.match(conflicts[0]!.message, /accounts\/chuxing\.json 的 keywordResolutions/);
        // The primary account resolved the same keyword: its own build is clean.
        assert.deepEqual(codes(buildAccount(city, OPTIONS).diagnostics.filter((d) => d.severity === 'error')), []);
      } finally {
        await cleanup();
      }
    });

    it('requires an organising department for an account in accounts/', async () => {
      const { organiser: _organiser, ...rest } = accountFile();
      const { city, cleanup } = await cityWith({ 'accounts/test.json': rest });
      try {
        const found = buildCity(city, OPTIONS).diagnostics.find((d) => d.code === 'ACCOUNT_ORGANISER_MISSING');
        assert.equal(found?.file, 'accounts/test.json');
        assert.equal(found?.severity, 'error');
      } finally {
        await cleanup();
      }
    });

    it('reports an organiser that is no department', async () => {
      const { city, cleanup } = await cityWith({ 'accounts/test.json': accountFile({ organiser: 'nope' }) });
      try {
        const found = buildCity(city, OPTIONS).diagnostics.find((d) => d.code === 'UNKNOWN_DEPARTMENT' && d.file === 'accounts/test.json');
        assert.equal(found?.pointer, '/organiser');
      } finally {
        await cleanup();
      }
    });

    it('warns when one department organises two citizen accounts, but not for its internal account', async () => {
      const { city, cleanup } = await cityWith({ 'accounts/zz-jiaojing2.json': accountFile({ organiser: 'jiaojing', name: '交警二号' }) });
      try {
        const twice = buildCity(city, OPTIONS).diagnostics.filter((d) => d.code === 'ACCOUNT_ORGANISER_TWICE');
        assert.equal(twice.length, 1);
        assert.equal(twice[0]!.severity, 'warning');
        assert.equal(twice[0]!.file, 'accounts/zz-jiaojing2.json');
        assert.equal(twice[0]!.related?.file, 'accounts/chuxing.json');
        assert.match(twice[0]!.message, /国办发〔2018〕123号/);
      } finally {
        await cleanup();
      }
      const sample = buildCity(await sampleCity(), OPTIONS);
      assert.ok(!sample.diagnostics.some((d) => d.code === 'ACCOUNT_ORGANISER_TWICE'), 'jiaojing-neibu is internal');
    });

    it('reports two files with one account id', async () => {
      const { city, cleanup } = await cityWith({ 'accounts/jiangcheng.json': accountFile() });
      try {
        const found = buildCity(city, OPTIONS).diagnostics.find((d) => d.code === 'DUPLICATE_ACCOUNT_ID');
        assert.equal(found?.file, 'accounts/jiangcheng.json');
        assert.equal(found?.related?.file, 'account.json');
      } finally {
        await cleanup();
      }
    });

    it('reports an unknown topic an account says it serves', async () => {
      const { city, cleanup } = await cityWith({ 'accounts/test.json': accountFile({ topics: ['chengshi-guanli', 'nope'] }) });
      try {
        const found = buildCity(city, OPTIONS).diagnostics.find((d) => d.code === 'UNKNOWN_TOPIC' && d.file === 'accounts/test.json');
        assert.equal(found?.pointer, '/topics/1');
      } finally {
        await cleanup();
      }
    });
  });

  describe('capabilities at build time', () => {
    // Without account.json the first file in accounts/ is the primary and hosts its topics itself.
    const subscriptionCity = (overrides: Record<string, unknown> = {}) =>
      cityWith({
        'account.json': null,
        'accounts/a-zhengzhao.json': accountFile({ ...PRIMARY_FIELDS, organiser: 'churujing', topics: ['zhengzhao'], menu: { buttons: [{ topic: 'zhengzhao' }] }, ...overrides }),
      });

    it('refuses online payment and template notices in a subscription account that hosts the service', async () => {
      const { city, cleanup } = await subscriptionCity();
      try {
        const missing = buildCity(city, OPTIONS).diagnostics.filter((d) => d.code === 'CAPABILITY_MISSING');
        const payment = missing.find((d) => d.file === 'departments/churujing.json' && d.pointer.endsWith('/steps/payment'));
        assert.ok(payment, 'no payment diagnostic');
        assert.equal(payment.severity, 'error');
        assert.equal(payment.account, 'a-zhengzhao');
        assert.match(payment.message, /微信支付/);
        assert.match(payment.message, /订阅号/);
        assert.ok(missing.some((d) => d.pointer.endsWith('/steps/progress/notifyTemplateId') && /模板消息/.test(d.message)));
      } finally {
        await cleanup();
      }
    });

    it('accepts the same services in a service account', async () => {
      const { city, cleanup } = await subscriptionCity({ type: 'service' });
      try {
        assert.deepEqual(
          buildCity(city, OPTIONS).diagnostics.filter((d) => d.code === 'CAPABILITY_MISSING' && d.account === 'a-zhengzhao'),
          [],
        );
      } finally {
        await cleanup();
      }
    });

    it('refuses an appointment template id on a subscription account', async () => {
      const { city, cleanup } = await subscriptionCity({ topics: [], menu: { buttons: [{ name: '资讯', extras: [{ name: '出行提示', answer: 'jiaojing/chuxing-tishi' }] }] }, notifications: { appointmentTemplateId: 'TM_1' } });
      try {
        const found = buildCity(city, OPTIONS).diagnostics.find((d) => d.code === 'CAPABILITY_MISSING');
        assert.equal(found?.pointer, '/notifications/appointmentTemplateId');
      } finally {
        await cleanup();
      }
    });

    it('does not check services another account hosts', async () => {
      // The sample's 出行 account (subscription) serves 交警 services with online payment, hosted by the service account.
      const chuxing = buildAccount(await sampleCity(), { ...OPTIONS, account: 'chuxing' });
      assert.deepEqual(chuxing.diagnostics.filter((d) => d.code === 'CAPABILITY_MISSING'), []);
    });
  });
});

// The account file's broadcasts: the schema (sizes, formats) and the builder's own rules, each one
// field changed from a valid configuration.
import assert from 'node:assert/strict';
import { CityDraft, withCode, type Json } from '../builder/city-draft.js';

describe('account.json broadcasts', () => {
  let draft: CityDraft;
  beforeEach(() => {
    draft = CityDraft.fixture();
    draft.account.broadcasts = {
      columns: [{ id: 'jingqing', name: '警情', department: 'jiaojing' }, { id: 'ketang', name: '微信课堂', department: 'jiaojing', days: ['sat'] }],
      chain: [
        { id: 'chugao', name: '初稿', users: ['jj-writer1', 'jj-writer2'], approvals: 2 },
        { id: 'lingdao', name: '领导审核', role: 'dept-admin', department: 'jiaojing', approvals: 1 },
        { id: 'yulan', name: '预览确认', approvals: 1, previewers: [{ user: 'jj-p1', openid: 'oP0000001' }] },
      ],
      sendTime: '17:30',
    };
  });
  const broadcasts = (): Json => draft.account.broadcasts;
  const errors = () => draft.build().diagnostics.filter((d) => d.severity === 'error');

  it('accepts a valid configuration and carries it into the build', () => {
    assert.deepEqual(errors(), []);
    assert.equal(draft.build().account.broadcasts?.chain.length, 3);
  });

  it('refuses a ninth column (WeChat sends at most 8 articles)', () => {
    broadcasts().columns = Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, name: `栏目${i}`, department: 'jiaojing' }));
    const [d] = withCode(draft.build(), 'SCHEMA_MAX_ITEMS');
    assert.equal(d?.pointer, '/broadcasts/columns');
    assert.match(d!.message, /最多 8 项/);
  });

  it('refuses a send time that is not HH:MM', () => {
    broadcasts().sendTime = '5:30pm';
    assert.ok(errors().some((d) => d.pointer === '/broadcasts/sendTime'));
  });

  it('refuses a column owned by a department that does not exist', () => {
    broadcasts().columns[0].department = 'nowhere';
    const [d] = withCode(draft.build(), 'UNKNOWN_DEPARTMENT');
    assert.equal(d?.pointer, '/broadcasts/columns/0/department');
    assert.match(d!.message, /栏目“警情”的部门“nowhere”不存在/);
  });

  it('refuses a repeated column id', () => {
    broadcasts().columns[1].id = 'jingqing';
    assert.equal(withCode(draft.build(), 'BROADCAST_DUPLICATE_ID')[0]?.pointer, '/broadcasts/columns/1/id');
  });

  it('refuses a step that needs more approvals than it names people', () => {
    broadcasts().chain[0].approvals = 3;
    const [d] = withCode(draft.build(), 'BROADCAST_STEP_UNREACHABLE');
    assert.match(d!.message, /需要 3 人通过，但只指定了 2 人/);
  });

  it('refuses a step nobody may act on', () => {
    broadcasts().chain[0] = { id: 'chugao', name: '初稿', approvals: 1 };
    assert.equal(withCode(draft.build(), 'BROADCAST_STEP_NOBODY').length, 1);
  });

  it('refuses a previewer WeChat cannot reach', () => {
    broadcasts().chain[2].previewers = [{ user: 'jj-p1' }];
    assert.match(withCode(draft.build(), 'BROADCAST_PREVIEWER_UNREACHABLE')[0]!.message, /既没有 openid 也没有微信号/);
  });

  it('refuses openid delivery on a subscription account', () => {
    draft.account.type = 'subscription';
    broadcasts().delivery = 'openids';
    broadcasts().openids = ['oA0000001', 'oB0000002'];
    assert.equal(withCode(draft.build(), 'BROADCAST_OPENIDS_SERVICE_ONLY').length, 1);
  });

  it('refuses openid delivery without openids', () => {
    broadcasts().delivery = 'openids';
    assert.equal(withCode(draft.build(), 'BROADCAST_OPENIDS_MISSING').length, 1);
  });

  it('refuses mass sends from an unverified account, which may only publish', () => {
    draft.account.verified = false;
    const found = withCode(draft.build(), 'CAPABILITY_MISSING').filter((d) => d.pointer === '/broadcasts/delivery');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /没有“群发（按标签或全部关注者）”能力/);
    broadcasts().delivery = 'publish';
    assert.deepEqual(withCode(draft.build(), 'CAPABILITY_MISSING').filter((d) => d.pointer === '/broadcasts/delivery'), []);
  });

  describe('a recurring column filled from a department’s system', () => {
    beforeEach(() => {
      draft.account.connectors = [{ id: 'jiaojing-tmri', name: '交警平台', baseUrl: 'https://tmri.example.cn/onestop', auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_JIAOJING_SECRET' } }];
      broadcasts().columns.push({ id: 'tianqi', name: '出行天气', department: 'jiaojing', template: { title: '{{date}}：{{weather}}', body: '<p>{{weather}}，{{temperature}}</p>', source: { connector: 'jiaojing-tmri', path: '/road-conditions/{date}', map: { weather: '/data/weather', temperature: '/data/temperature' } } } });
    });
    const codes = () => errors().map((d) => `${d.code} ${d.pointer}`);

    it('accepts a declared connector whose map names every placeholder', () => {
      assert.deepEqual(codes(), []);
    });

    it('refuses a connector account.json does not declare', () => {
      broadcasts().columns[2].template.source.connector = 'qixiang';
      assert.deepEqual(codes(), ['UNKNOWN_CONNECTOR /broadcasts/columns/2/template/source/connector']);
    });

    it('refuses a placeholder the source does not map, and a path input other than {date}', () => {
      broadcasts().columns[2].template.body = '<p>{{humidity}}</p>';
      broadcasts().columns[2].template.source.path = '/road-conditions/{plate}';
      assert.deepEqual(codes().sort(), ['BROADCAST_SOURCE_INPUT_UNKNOWN /broadcasts/columns/2/template/source', 'BROADCAST_TEMPLATE_FIELD_UNKNOWN /broadcasts/columns/2/template/body']);
    });

    it('refuses a path that names a host', () => {
      broadcasts().columns[2].template.source.path = '//evil.example.com/x';
      assert.ok(codes().includes('QUERY_HOST_FORBIDDEN /broadcasts/columns/2/template/source/path'));
    });
  });
});

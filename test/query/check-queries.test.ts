// Build errors for queries: inputs, tables, chat patterns, connectors and the rule that a
// department file can never name a host.
import assert from 'node:assert/strict';
import { withCode, type CityDraft, type Json } from '../builder/city-draft.js';
import { cityWithRestriction, RESTRICTION_CSV } from './query-fixture.js';

const query = (city: CityDraft): Json => city.service('jiaojing/xianxing').steps.query;

describe('query build checks', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = cityWithRestriction();
  });

  it('publishes the table a valid query reads, with no diagnostics', () => {
    const build = city.build();
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(build.tables?.['data/jiaojing/xianxing.csv']?.rows.length, 7);
  });

  it('reports a table that is not there', () => {
    city.remove('data/jiaojing/xianxing.csv');
    assert.equal(withCode(city.build(), 'QUERY_TABLE_MISSING')[0]?.pointer, '/services/3/steps/query/source/table/file');
  });

  it('refuses a table in another department’s folder', () => {
    query(city).source.table.file = 'data/shebao/xianxing.csv';
    assert.equal(withCode(city.build(), 'QUERY_TABLE_FOREIGN').length, 1);
  });

  it('points a CSV syntax error at its line in the table', () => {
    city.setText('data/jiaojing/xianxing.csv', `${RESTRICTION_CSV}\nthu,4`);
    const [d] = withCode(city.build(), 'QUERY_TABLE_SYNTAX');
    assert.deepEqual([d?.file, d?.line], ['data/jiaojing/xianxing.csv', 9]);
  });

  it('points a repeated key at the second row', () => {
    city.setText('data/jiaojing/xianxing.csv', `${RESTRICTION_CSV}\nwed,3,8:00`);
    const [d] = withCode(city.build(), 'QUERY_TABLE_KEY_DUPLICATE');
    assert.deepEqual([d?.file, d?.line], ['data/jiaojing/xianxing.csv', 9]);
    assert.match(d!.message, /day=wed，tail=3.*第 6 行/);
  });

  it('reports a key column the table lacks and a key naming no input', () => {
    query(city).source.table.keys = [{ column: 'weekday', fromDate: true }, { column: 'tail', input: 'tail' }];
    const build = city.build();
    assert.match(withCode(build, 'QUERY_TABLE_COLUMN_UNKNOWN')[0]!.message, /没有列“weekday”/);
    assert.equal(withCode(build, 'QUERY_INPUT_UNKNOWN')[0]?.pointer, '/services/3/steps/query/source/table/keys/1/input');
  });

  it('refuses a catastrophic (backtracking) chat pattern at build', () => {
    query(city).chat.patterns = ['^(?<plateTail>a+)+\\1$'];
    const [d] = withCode(city.build(), 'QUERY_PATTERN_INVALID');
    assert.equal(d?.pointer, '/services/3/steps/query/chat/patterns/0');
    assert.match(d!.message, /反向引用/);
  });

  it('refuses a lookahead in a chat pattern', () => {
    query(city).chat.patterns = ['^限行(?=\\d)(?<plateTail>\\d)$'];
    assert.equal(withCode(city.build(), 'QUERY_PATTERN_INVALID').length, 1);
  });

  it('reports a named group that names no input', () => {
    query(city).chat.patterns = ['^限行 (?<tail>\\d)$'];
    assert.match(withCode(city.build(), 'QUERY_PATTERN_GROUP_UNKNOWN')[0]!.message, /“tail”/);
  });

  it('reports proof naming an optional input', () => {
    query(city).proof = ['plateTail'];
    assert.equal(withCode(city.build(), 'QUERY_PROOF_OPTIONAL').length, 1);
  });

  it('reports a reply template that does not compile', () => {
    query(city).reply.found = '{{#if plateTail}}限行';
    assert.equal(withCode(city.build(), 'QUERY_TEMPLATE_INVALID')[0]?.pointer, '/services/3/steps/query/reply/found');
  });

  describe('connectors', () => {
    beforeEach(() => {
      city.account.connectors = [{ id: 'tmri', baseUrl: 'https://tmri.example.gov.cn/api', auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_TMRI' } }];
      query(city).source = { connector: { connector: 'tmri', path: '/restrictions/{plateTail}' } };
    });

    it('accepts a connector the platform declared', () => {
      assert.deepEqual(city.build().diagnostics.filter((d) => d.severity === 'error'), []);
    });

    it('reports an unknown connector', () => {
      query(city).source.connector.connector = 'nope';
      assert.match(withCode(city.build(), 'UNKNOWN_CONNECTOR')[0]!.message, /现有：tmri/);
    });

    for (const path of ['https://evil.example.com/x', '//evil.example.com/x', '/a//evil.example.com', '/../admin']) {
      it(`refuses a path that names a host or leaves the base: ${path}`, () => {
        query(city).source.connector.path = path;
        assert.equal(withCode(city.build(), 'QUERY_HOST_FORBIDDEN').length, 1);
      });
    }

    it('refuses a department file that gives the connector a URL of its own', () => {
      query(city).source.connector.baseUrl = 'https://evil.example.com';
      const build = city.build();
      assert.equal(withCode(build, 'QUERY_HOST_FORBIDDEN')[0]?.pointer, '/services/3/steps/query/source/connector/baseUrl');
    });

    it('refuses plain http for anything but loopback', () => {
      city.account.connectors[0].baseUrl = 'http://tmri.example.gov.cn/api';
      assert.equal(withCode(city.build(), 'CONNECTOR_INSECURE').length, 1);
      city.account.connectors[0].baseUrl = 'http://127.0.0.1:3850/api';
      assert.equal(withCode(city.build(), 'CONNECTOR_INSECURE').length, 0);
    });

    it('reports a placeholder naming no input', () => {
      query(city).source.connector.path = '/restrictions/{plate}';
      assert.equal(withCode(city.build(), 'QUERY_INPUT_UNKNOWN').length, 1);
    });

    it('refuses a connector secret from an environment variable outside CONNECTOR_*', () => {
      city.account.connectors[0].auth.secretEnv = 'SESSION_SECRET';
      assert.equal(withCode(city.build(), 'SCHEMA_PATTERN')[0]?.pointer, '/connectors/0/auth/secretEnv');
    });
  });
});

// Build checks for what citizens can bind: fields like form fields, key fields, exactly one way of
// verifying through a declared connector, chat patterns that fill every required field, and
// queries that name a binding. Each diagnostic names the file, line:column and pointer.
import assert from 'node:assert/strict';
import { codesOf, positionOf, withCode, type CityDraft, type Json } from '../builder/city-draft.js';
import { cityWithBindings } from './bindings-fixture.js';

const vehicle = (city: CityDraft): Json => city.department('jiaojing').bindings[0];

describe('binding build checks', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = cityWithBindings();
  });

  it('publishes every department’s binding kinds when the files are valid', () => {
    const build = city.build();
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(build.bindings?.map((k) => [k.ref, k.maxPerCitizen]), [['jiaojing/vehicle', 2], ['shebao/card', 1]]);
  });

  it('leaves bindings out of a city that declares none', () => {
    city.department('jiaojing').bindings = [];
    delete city.department('shebao').bindings;
    city.service('jiaojing/weifa').steps.query.binding = undefined;
    delete city.service('jiaojing/weifa').steps.query.binding;
    assert.equal('bindings' in city.build(), false);
  });

  it('points a key naming no field at its line and column', () => {
    vehicle(city).key = ['plateType', 'plate'];
    const [d] = withCode(city.build(), 'BINDING_FIELD_UNKNOWN');
    assert.equal(d?.pointer, '/bindings/0/key/1');
    assert.equal(d?.file, 'departments/jiaojing.json');
    const text = city.textOf('departments/jiaojing.json');
    assert.deepEqual({ line: d!.line, column: d!.column }, positionOf(text, '"plate"', text.indexOf('"key": [')));
    assert.match(d!.message, /绑定标识（key）引用了“plate”/);
  });

  it('requires key fields to be required', () => {
    vehicle(city).fields[1].required = false;
    assert.equal(withCode(city.build(), 'BINDING_KEY_OPTIONAL')[0]?.pointer, '/bindings/0/key/1');
  });

  it('refuses a file field, a select without options and a pattern the linear engine refuses', () => {
    vehicle(city).fields.push({ name: 'photo', label: '行驶证照片', type: 'file' }, { name: 'colour', label: '颜色', type: 'select' }, { name: 'owner', label: '车主', type: 'text', pattern: '^(a)\\1$' });
    const build = city.build();
    assert.equal(withCode(build, 'BINDING_FIELD_TYPE')[0]?.pointer, '/bindings/0/fields/3/type');
    assert.equal(withCode(build, 'FIELD_OPTIONS_MISSING')[0]?.pointer, '/bindings/0/fields/4');
    assert.equal(withCode(build, 'FIELD_PATTERN_INVALID')[0]?.pointer, '/bindings/0/fields/5/pattern');
    assert.equal(build.bindings?.some((k) => k.id === 'vehicle'), false);
  });

  it('needs exactly one way of verifying', () => {
    vehicle(city).verify = { connector: vehicle(city).verify.connector, declared: true };
    assert.equal(withCode(city.build(), 'BINDING_VERIFY_INVALID')[0]?.pointer, '/bindings/0/verify');
    vehicle(city).verify = {};
    assert.equal(withCode(city.build(), 'BINDING_VERIFY_INVALID').length, 1);
  });

  it('verifies only through a connector the platform declared, by path, never a host', () => {
    vehicle(city).verify.connector.connector = 'elsewhere';
    vehicle(city).verify.connector.path = '//evil.example/x';
    const build = city.build();
    assert.equal(withCode(build, 'UNKNOWN_CONNECTOR')[0]?.pointer, '/bindings/0/verify/connector/connector');
    assert.equal(withCode(build, 'QUERY_HOST_FORBIDDEN')[0]?.pointer, '/bindings/0/verify/connector/path');
  });

  it('reports a verification placeholder naming no field', () => {
    vehicle(city).verify.connector.params = { vin: '{vin}' };
    assert.equal(withCode(city.build(), 'BINDING_FIELD_UNKNOWN')[0]?.pointer, '/bindings/0/verify/connector/params/vin');
  });

  it('refuses a chat pattern that cannot fill a required field', () => {
    vehicle(city).chat.defaults = {};
    const [d] = withCode(city.build(), 'BINDING_CHAT_INCOMPLETE');
    assert.equal(d?.pointer, '/bindings/0/chat/patterns/0');
    assert.match(d!.message, /plateType/);
  });

  it('refuses a repeated kind id', () => {
    city.department('jiaojing').bindings.push({ ...vehicle(city) });
    assert.equal(withCode(city.build(), 'DUPLICATE_BINDING_ID')[0]?.pointer, '/bindings/1/id');
  });

  it('refuses a query naming a binding its department does not declare, or one whose fields miss its inputs', () => {
    city.service('jiaojing/weifa').steps.query.binding = 'licence';
    assert.match(withCode(city.build(), 'UNKNOWN_BINDING')[0]!.message, /“licence”没有在本部门的 bindings 中声明（现有：vehicle）/);
    city.service('jiaojing/weifa').steps.query.binding = 'vehicle';
    city.service('jiaojing/weifa').steps.query.inputs.push({ name: 'engine', label: '发动机号', type: 'text', required: true });
    assert.match(withCode(city.build(), 'BINDING_QUERY_FIELDS')[0]!.message, /engine/);
  });

  it('reports schema errors in a binding with the schema codes', () => {
    vehicle(city).maxPerCitizen = 0;
    assert.ok(codesOf(city.build()).includes('SCHEMA_MINIMUM'));
  });
});

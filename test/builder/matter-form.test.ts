import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir, type CityFiles } from '../../server/builder/load-city.js';
import type { AccountBuild, Diagnostic } from '../../server/builder/types.js';

// The sample city with its 二手房交易一件事: each case changes one thing in the matter or a member's form.
const TOPICS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../topics');
const MATTER = 'matters/ershoufang-jiaoyi.json';
type Json = any;

let sample: CityFiles;
before(async () => {
  sample = await loadCityFromDir(TOPICS);
});

function buildWith(change: (files: Map<string, Json>) => void): AccountBuild {
  const values = new Map(sample.files.filter((f) => f.path.endsWith('.json')).map((f) => [f.path, JSON.parse(f.text)]));
  change(values);
  const files = sample.files.map((f) => (values.has(f.path) ? { path: f.path, text: JSON.stringify(values.get(f.path), null, 2) } : f));
  return buildAccount({ files }, { publicBaseUrl: 'https://gov.example.cn' });
}

const service = (files: Map<string, Json>, ref: string): Json => {
  const [dept, id] = ref.split('/');
  return files.get(`departments/${dept}.json`).services.find((s: Json) => s.id === id);
};
const field = (files: Map<string, Json>, ref: string, name: string): Json => service(files, ref).steps.processing.fields.find((f: Json) => f.name === name);
const matter = (files: Map<string, Json>): Json => files.get(MATTER);
const matterErrors = (build: AccountBuild): Diagnostic[] => build.diagnostics.filter((d) => d.severity === 'error');

describe('checkMatters: the sample 二手房交易一件事', () => {
  it('builds with no diagnostics and one merged form', () => {
    const build = buildWith(() => {});
    assert.deepEqual(build.diagnostics, []);
    const [m] = build.matters ?? [];
    assert.equal(m?.id, 'ershoufang-jiaoyi');
    assert.equal(m.url, 'https://gov.example.cn/m/ershoufang-jiaoyi');
    const buyer = m.fields.find((f) => f.field.name === 'buyerName')!;
    assert.equal(buyer.member, null);
    assert.deepEqual(buyer.targets, [
      { service: 'budongchan/zhuanyi-dengji', name: 'buyerName' },
      { service: 'shuiwu/qishui-shenbao', name: 'name' },
      { service: 'gongjijin/tiqu', name: 'name' },
    ]);
    // A field only one member asks stays in that member's section; a preset is never asked.
    assert.ok(m.fields.some((f) => f.field.name === 'shuiwu.qishui-shenbao.price' && f.member === 'shuiwu/qishui-shenbao'));
    assert.ok(!m.fields.some((f) => f.field.name === 'gongjijin.tiqu.reason'));
    // The conditional member's own fields are not required on the page (the server decides).
    assert.equal(m.fields.find((f) => f.field.name === 'gongjijin.tiqu.bankCard')!.field.required, false);
    // The contract is uploaded once: PDF (all three accept it), the smallest size limit.
    const contract = m.attachments.find((a) => a.name === 'contract')!;
    assert.deepEqual([contract.types, contract.maxSizeKb, contract.targets.length], [['pdf'], 10240, 3]);
  });
});

interface Case {
  name: string;
  change: (files: Map<string, Json>) => void;
  code: string;
  pointer: string;
  /** Fragments the message must contain (both departments' names for conflicts). */
  says: string[];
  /** The department file that gets the MATTER_MAPPING_BROKEN warning, if any. */
  warns?: string;
}

const BDC = '江城市不动产登记中心';
const SW = '国家税务总局江城市税务局';
const GJJ = '江城住房公积金中心';

const cases: Case[] = [
  {
    name: 'a shared field mapped to fields of different types',
    change: (f) => (field(f, 'shuiwu/qishui-shenbao', 'houseAddress').type = 'number'),
    code: 'MATTER_FIELD_TYPE_CONFLICT',
    pointer: '/fields/3/maps/shuiwu~1qishui-shenbao',
    says: [BDC, SW, '文本', '数字', '房屋坐落'],
    warns: 'departments/shuiwu.json',
  },
  {
    name: 'a shared field mapped to fields with different patterns',
    change: (f) => (field(f, 'shuiwu/qishui-shenbao', 'unitNumber').pattern = '^\\d{28}$'),
    code: 'MATTER_FIELD_PATTERN_CONFLICT',
    pointer: '/fields/4/maps/shuiwu~1qishui-shenbao',
    says: [BDC, SW, '^\\d{28}$'],
    warns: 'departments/shuiwu.json',
  },
  {
    name: 'a shared select mapped to selects with different options',
    change: (f) => {
      service(f, 'budongchan/zhuanyi-dengji').steps.processing.fields.push({ name: 'homeCount', label: '住房情况', type: 'select', options: [{ value: 'first', label: '唯一' }, { value: 'second', label: '二套' }] });
      matter(f).fields.push({ name: 'homeCount', label: '购房家庭住房情况', maps: { 'budongchan/zhuanyi-dengji': 'homeCount', 'shuiwu/qishui-shenbao': 'homeCount' } });
    },
    code: 'MATTER_FIELD_OPTIONS_CONFLICT',
    pointer: '/fields/5/maps/shuiwu~1qishui-shenbao',
    says: [BDC, SW, '仅后者有 other'],
    warns: 'departments/budongchan.json',
  },
  {
    name: 'a shared field whose ranges do not overlap',
    change: (f) => Object.assign(field(f, 'gongjijin/tiqu', 'name'), { min: 25, max: 30 }),
    code: 'MATTER_FIELD_RANGE_CONFLICT',
    pointer: '/fields/0/maps/gongjijin~1tiqu',
    says: [BDC, GJJ, '2~20', '25~30'],
    warns: 'departments/gongjijin.json',
  },
  {
    name: 'a shared document no type of which every department accepts',
    change: (f) => (service(f, 'gongjijin/tiqu').steps.processing.attachments.find((a: Json) => a.name === 'proof').types = ['jpg']),
    code: 'MATTER_ATTACHMENT_TYPES_CONFLICT',
    pointer: '/attachments/0/maps/gongjijin~1tiqu',
    says: [BDC, GJJ, 'PDF', 'JPG'],
    warns: 'departments/gongjijin.json',
  },
  {
    name: 'a mapping to a field the member lost',
    change: (f) => (field(f, 'shuiwu/qishui-shenbao', 'mobile').name = 'phone'),
    code: 'MATTER_MAPPING_UNKNOWN_FIELD',
    pointer: '/fields/2/maps/shuiwu~1qishui-shenbao',
    says: [SW, '“mobile”'],
    warns: 'departments/shuiwu.json',
  },
  {
    name: 'a mapping to a service that is not a member',
    change: (f) => (matter(f).fields[0].maps['shuiwu/fapiao-daikai'] = 'name'),
    code: 'MATTER_MAPPING_UNKNOWN_MEMBER',
    pointer: '/fields/0/maps/shuiwu~1fapiao-daikai',
    says: ['不是本事项的成员服务'],
  },
  {
    name: 'one member field filled by two shared fields',
    change: (f) => matter(f).fields.push({ name: 'buyer2', label: '买受人', maps: { 'budongchan/zhuanyi-dengji': 'buyerName', 'shuiwu/qishui-shenbao': 'price' } }),
    code: 'MATTER_FIELD_MAPPED_TWICE',
    pointer: '/fields/5/maps/budongchan~1zhuanyi-dengji',
    says: [BDC, '“买方姓名”'],
  },
  {
    name: 'a member service that cannot be applied for online',
    change: (f) => (service(f, 'shuiwu/qishui-shenbao').steps.processing.online = false),
    code: 'MATTER_MEMBER_NOT_ONLINE',
    pointer: '/members/1/service',
    says: [SW, '存量房契税申报'],
  },
  {
    name: 'a member of a department neither lead nor cooperating',
    change: (f) => (matter(f).cooperating = ['shuiwu']),
    code: 'MATTER_MEMBER_DEPARTMENT',
    pointer: '/members/2/service',
    says: [GJJ],
  },
  {
    name: 'a member service that does not exist',
    change: (f) => (matter(f).members[1].service = 'shuiwu/qishui'),
    code: 'UNKNOWN_SERVICE',
    pointer: '/members/1/service',
    says: ['shuiwu/qishui'],
  },
  {
    name: 'a condition on a value the question does not offer',
    change: (f) => (matter(f).members[2].when.equals = ['y']),
    code: 'MATTER_CONDITION_UNKNOWN',
    pointer: '/members/2/when/equals/0',
    says: ['“y”', 'useFund'],
  },
  {
    name: 'a preset that is not an option of the member field',
    change: (f) => (matter(f).members[2].presets.reason = 'buy'),
    code: 'MATTER_PRESET_INVALID',
    pointer: '/members/2/presets/reason',
    says: [GJJ, 'purchase'],
  },
  {
    name: 'a lead department without an unconditional part',
    change: (f) => (matter(f).members[0].when = { question: 'useFund', equals: ['no'] }),
    code: 'MATTER_LEAD_MEMBER',
    pointer: '/members',
    says: ['牵头部门'],
  },
];

describe('checkMatters: mapping diagnostics', () => {
  for (const c of cases) {
    it(`reports ${c.name} (${c.code}) and leaves the matter out`, () => {
      const build = buildWith(c.change);
      const errors = matterErrors(build);
      const found = errors.find((d) => d.code === c.code);
      assert.ok(found, `expected ${c.code}, got ${errors.map((d) => `${d.code} ${d.pointer}`).join('; ')}`);
      assert.equal(found.file, MATTER);
      assert.equal(found.pointer, c.pointer);
      for (const part of c.says) assert.ok(found.message.includes(part), `“${found.message}” lacks “${part}”`);
      // line:column of the pointer in the matter file, not a placeholder.
      assert.ok(found.line > 1 && found.column > 1, `${found.line}:${found.column}`);
      assert.equal(build.matters, undefined);
      if (c.warns) {
        const warning = build.diagnostics.find((d) => d.code === 'MATTER_MAPPING_BROKEN' && d.file === c.warns);
        assert.ok(warning, `no MATTER_MAPPING_BROKEN in ${c.warns}`);
        assert.equal(warning.severity, 'warning');
        assert.ok(warning.message.includes('二手房交易一件事'));
        assert.equal(warning.related?.file, MATTER);
      }
    });
  }
});

// The city-min fixture with bindings: 交警's vehicle (verified through a connector, with a plate
// lookup that uses it) and 社保's card (accepted as declared); a fake department system; and the
// bindings room's deps on an in-memory store. Each test changes one thing.
import type { AccountBuild } from '../../server/builder/types.js';
import type { BindingsDeps } from '../../server/bindings/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { ConnectorAnswer, ConnectorCaller } from '../../server/query/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createVault } from '../../server/vault/index.js';
import { CityDraft, type Json } from '../builder/city-draft.js';

export const PLATE = '^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$';

export function vehicleKind(): Json {
  return {
    id: 'vehicle',
    name: '机动车',
    summary: '绑定后发送“违章”即可查询。',
    fields: [
      { name: 'plateType', label: '号牌种类', type: 'select', required: true, options: [{ value: '02', label: '小型汽车' }, { value: '01', label: '大型汽车' }] },
      { name: 'plateNumber', label: '号牌号码', type: 'text', required: true, upperCase: true, pattern: PLATE },
      { name: 'vinLast6', label: '车辆识别代号后6位', type: 'text', required: true, upperCase: true, pattern: '^[A-HJ-NPR-Z0-9]{6}$' },
    ],
    key: ['plateType', 'plateNumber'],
    verify: { connector: { connector: 'tmri', path: '/vehicles/{plateNumber}', params: { type: '{plateType}', vin: '{vinLast6}' }, map: { inspectionDue: '/data/inspectionDue' }, foundWhen: '/data/verified' } },
    chat: { patterns: ['^绑定 ?(?<plateNumber>[\\u4e00-\\u9fa5][A-Za-z][A-Za-z0-9]{4,6}) (?<vinLast6>[A-Za-z0-9]{6})$'], example: '绑定 鄂A12345 4F2A91', defaults: { plateType: '02' } },
    maxPerCitizen: 2,
  };
}

export function cityWithBindings(): CityDraft {
  const city = CityDraft.fixture();
  city.account.connectors = [{ id: 'tmri', baseUrl: 'https://tmri.example.gov.cn/v1', auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_TMRI' } }];
  city.department('jiaojing').bindings = [vehicleKind()];
  city.department('jiaojing').services.push({
    id: 'weifa',
    name: '交通违法查询',
    summary: '查询本车违法。',
    keywords: [{ text: '查违法', match: 'exact' }],
    steps: {
      query: {
        binding: 'vehicle',
        inputs: [
          { name: 'plateNumber', label: '号牌号码', type: 'text', required: true, upperCase: true, pattern: PLATE },
          { name: 'vinLast6', label: '车辆识别代号后6位', type: 'text', required: true, upperCase: true },
        ],
        proof: ['plateNumber', 'vinLast6'],
        source: { connector: { connector: 'tmri', path: '/violations/{plateNumber}', params: { vin: '{vinLast6}' }, map: { count: '/data/count' } } },
        reply: { found: '{{plateNumber}} 有 {{data.count}} 条违法', notFound: '{{plateNumber}} 没有违法' },
      },
    },
  });
  city.department('shebao').bindings = [
    {
      id: 'card',
      name: '社保卡',
      fields: [
        { name: 'idNumber', label: '身份证号码', type: 'idcard', required: true },
        { name: 'name', label: '姓名', type: 'text', required: true },
      ],
      key: ['idNumber'],
      verify: { declared: true },
      maxPerCitizen: 1,
    },
  ];
  return city;
}

/** A department system that knows some vehicles; can be told to fail. Records what it was asked. */
export class FakeDepartmentSystem implements ConnectorCaller {
  readonly calls: { path: string; params: Record<string, string> }[] = [];
  failing = false;
  readonly vehicles = new Map<string, { type: string; vin: string; inspectionDue: string; violations: number }>([
    ['鄂A12345', { type: '02', vin: '4F2A91', inspectionDue: '2027-01-15', violations: 2 }],
    ['鄂A0B789', { type: '02', vin: '7C3E55', inspectionDue: '2026-12-20', violations: 0 }],
    ['鄂AD23456', { type: '01', vin: 'K83210', inspectionDue: '2028-06-30', violations: 1 }],
  ]);

  async call(request: Parameters<ConnectorCaller['call']>[0]): Promise<ConnectorAnswer> {
    this.calls.push({ path: request.path, params: request.params });
    if (this.failing) return { kind: 'failed', reason: '超时' };
    const [, kind, rawPlate] = /^\/(vehicles|violations)\/(.+)$/.exec(request.path) ?? [];
    const vehicle = this.vehicles.get(decodeURIComponent(rawPlate ?? ''));
    if (!vehicle || vehicle.vin !== request.params.vin || (kind === 'vehicles' && vehicle.type !== request.params.type)) return { kind: 'not-found', data: {} };
    return { kind: 'found', data: kind === 'vehicles' ? { inspectionDue: vehicle.inspectionDue } : { count: vehicle.violations } };
  }
}

export const testVault = () => createVault({ keys: [{ id: 'test-1', key: Buffer.alloc(32, 1) }], indexKey: Buffer.alloc(32, 2) });

export function bindingsDeps(build: AccountBuild = cityWithBindings().build(), system = new FakeDepartmentSystem()): BindingsDeps & { system: FakeDepartmentSystem } {
  let clock = Date.parse('2026-12-02T02:00:00Z');
  // A second per reading, so bindings made one after the other are listed in that order.
  return { store: createMemoryStore(), vault: testVault(), live: createLiveBuild(build), connectors: system, now: () => new Date((clock += 1000)), system };
}

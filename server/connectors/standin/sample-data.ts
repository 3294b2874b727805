// The local stand-in's sample data (documented in docs/connectors.md): invented people, plates
// and accounts, so that every sample query works on a fresh clone with no credentials.
export interface SampleViolation {
  time: string;
  place: string;
  behavior: string;
  points: number;
  fineYuan: number;
  status: string;
  photos: string[];
}

export const SAMPLE_VEHICLES: Record<string, { vin: string; violations: SampleViolation[] }> = {
  鄂A12345: {
    vin: '4F2A91',
    violations: [
      { time: '2026-11-18 08:12', place: '江城大道与建设路交叉口', behavior: '机动车不按交通信号灯规定通行', points: 6, fineYuan: 200, status: '未处理', photos: ['/photos/v1001.png', '/photos/v1002.png'] },
      { time: '2026-10-30 17:45', place: '解放大道（中山公园段）', behavior: '机动车违反禁止标线指示', points: 3, fineYuan: 100, status: '未处理', photos: ['/photos/v1003.png'] },
    ],
  },
  鄂A0B789: {
    vin: '7C3E55',
    violations: [{ time: '2026-11-02 09:20', place: '二环线（长江大桥段）', behavior: '驾驶机动车在限行时段驶入限行区域', points: 0, fineYuan: 100, status: '未处理', photos: ['/photos/v2001.png'] }],
  },
  鄂AD23456: { vin: 'K83210', violations: [] },
};

export const SAMPLE_LICENCES: Record<string, { fileNumber: string; name: string; points: number; cycleEnd: string; status: string }> = {
  '420102199003071232': { fileNumber: '420100123456', name: '张*', points: 3, cycleEnd: '2027-03-07', status: '正常' },
  '420105198511124569': { fileNumber: '420100654321', name: '李*', points: 0, cycleEnd: '2027-11-12', status: '正常' },
};

export const SAMPLE_FUND_ACCOUNTS: Record<string, { name: string; balance: string; monthlyDeposit: string; lastDepositMonth: string; status: string; unit: string }> = {
  '420105198511124569': { name: '李四', balance: '56,320.18', monthlyDeposit: '2,460.00', lastDepositMonth: '2026-11', status: '正常缴存', unit: '江城市某某科技有限公司' },
};

export const SAMPLE_CONTRIBUTIONS: Record<string, { name: string; records: { month: string; type: string; base: string; personal: string; unit: string; status: string }[] }> = {
  '420111199206187899': {
    name: '王五',
    records: ['2026-11', '2026-10', '2026-09'].flatMap((month) => [
      { month, type: '城镇职工基本养老保险', base: '6,800', personal: '544.00', unit: '1,088.00', status: '已到账' },
      { month, type: '城镇职工基本医疗保险', base: '6,800', personal: '136.00', unit: '544.00', status: '已到账' },
    ]),
  },
};

/** Vehicle registrations and licence holders, for verifying bindings (docs/bindings.md). */
export const SAMPLE_REGISTRATIONS: Record<string, { plateType: string; vin: string; model: string; inspectionDue: string }> = {
  鄂A12345: { plateType: '02', vin: '4F2A91', model: '小型轿车', inspectionDue: '2027-01-15' },
  鄂A0B789: { plateType: '02', vin: '7C3E55', model: '小型普通客车', inspectionDue: '2026-12-20' },
  鄂AD23456: { plateType: '52', vin: 'K83210', model: '小型新能源轿车', inspectionDue: '2028-06-30' },
};
export const SAMPLE_LICENCE_HOLDERS: Record<string, { name: string; validUntil: string; points: number; cycleEnd: string }> = {
  '420102199003071232': { name: '张三', validUntil: '2027-03-07', points: 3, cycleEnd: '2027-03-07' },
  '420105198511124569': { name: '李四', validUntil: '2031-11-12', points: 0, cycleEnd: '2027-11-12' },
};

export const STANDIN_SAMPLES = {
  vehicles: SAMPLE_VEHICLES,
  licences: SAMPLE_LICENCES,
  fundAccounts: SAMPLE_FUND_ACCOUNTS,
  contributions: SAMPLE_CONTRIBUTIONS,
  registrations: SAMPLE_REGISTRATIONS,
  licenceHolders: SAMPLE_LICENCE_HOLDERS,
};

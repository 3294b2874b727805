import assert from 'node:assert/strict';
import { suppressSmallCounts, tableCsv, type StatsTable } from '../../server/stats/index.js';

const table: StatsTable = { id: 't', title: '表', head: ['指标', '数量'], rows: [['工单,总数', 4], ['待回复', 0], ['已回复', 5], ['满意率', '50.0%']], countColumns: [1] };

describe('stats: CSV export', () => {
  it('starts with a UTF-8 byte-order mark, quotes commas and ends lines with CRLF', () => {
    const csv = tableCsv(table);
    assert.equal(Buffer.from(csv, 'utf8').subarray(0, 3).toString('hex'), 'efbbbf');
    assert.equal(csv, '\uFEFF指标,数量\r\n"工单,总数",4\r\n待回复,0\r\n已回复,5\r\n满意率,50.0%\r\n');
  });

  it('shows counts from 1 to 4 as "<5" in a department\'s export, keeping 0, 5 and rates', () => {
    assert.deepEqual(suppressSmallCounts(table).rows.map((r) => r[1]), ['<5', 0, 5, '50.0%']);
  });
});

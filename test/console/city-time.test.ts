import assert from 'node:assert/strict';
import { cityTime } from '../../server/http/console/page.js';

describe('cityTime', () => {
  it('shows a UTC instant as Asia/Shanghai date and minute', () => {
    assert.equal(cityTime('2026-11-22T03:47:12.345Z'), '2026-11-22 11:47');
    assert.equal(cityTime('2026-11-21T16:05:00.000Z'), '2026-11-22 00:05'); // the city's next day
  });

  it('shows text that is not a time as it is, and nothing for a missing value', () => {
    assert.equal(cityTime('不是时间'), '不是时间');
    assert.equal(cityTime(undefined), '');
  });
});

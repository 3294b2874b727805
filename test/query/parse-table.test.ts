import assert from 'node:assert/strict';
import { parseTable } from '../../server/builder/parse-table.js';

describe('parseTable', () => {
  it('reads a CSV with quoted cells, doubled quotes and CRLF line ends', () => {
    const r = parseTable('data/x/t.csv', 'a,b\r\n1,"x, ""y"""\r\n\r\n2, z \r\n');
    assert.ok(r.ok);
    assert.deepEqual(r.table.rows, [{ a: '1', b: 'x, "y"' }, { a: '2', b: 'z' }]);
    assert.deepEqual(r.table.lines, [2, 4]);
  });

  it('locates a row with too many cells', () => {
    const r = parseTable('data/x/t.csv', 'a,b\n1,2\n1,2,3\n');
    assert.deepEqual(r.ok ? undefined : [r.line, r.message], [3, '这一行有 3 个单元格，表头有 2 列']);
  });

  it('locates an unfinished quote', () => {
    const r = parseTable('data/x/t.csv', 'a\n"x\n');
    assert.equal(r.ok, false);
  });

  it('reads a JSON array of flat objects, numbers as text', () => {
    const r = parseTable('data/x/t.json', '[{"day":"mon","tail":1},{"day":"tue"}]');
    assert.ok(r.ok);
    assert.deepEqual(r.table.rows, [{ day: 'mon', tail: '1' }, { day: 'tue', tail: '' }]);
  });

  it('refuses a repeated column name', () => {
    const r = parseTable('data/x/t.csv', 'a,a\n1,2');
    assert.equal(r.ok ? '' : r.message, '列名“a”重复');
  });
});

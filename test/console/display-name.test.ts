import assert from 'node:assert/strict';
import { displayName, textColumns } from '../../server/console/display-name.js';

describe('displayName', () => {
  const cases: Array<[string, 'top' | 'sub', string]> = [
    ['出行', 'top', '出行'],
    ['社保就业', 'top', '社保就业'],
    ['社保就业服务', 'top', '社保就业...'],
    ['ETC办理', 'top', 'ETC办理'],
    ['Services', 'top', 'Services'],
    ['Services!', 'top', 'Services...'],
    ['违章查询与处理', 'sub', '违章查询与处理'],
    ['机动车驾驶证期满换证', 'sub', '机动车驾驶证期满...'],
    ['12345热线人工服务', 'sub', '12345热线人工服...'],
    ['（全角）括号很长很长', 'top', '（全角）...'],
    ['', 'top', ''],
  ];
  for (const [name, level, shown] of cases) {
    it(`shows "${name}" at the ${level} level as "${shown}"`, () => {
      assert.equal(displayName(name, level), shown);
    });
  }

  it('counts CJK and full-width characters as two columns and ASCII as one', () => {
    assert.equal(textColumns('社保'), 4);
    assert.equal(textColumns('ETC'), 3);
    assert.equal(textColumns('Ａ１'), 4);
    assert.equal(textColumns('12345热线'), 9);
  });

  it('never cuts a wide character in half', () => {
    assert.equal(displayName('A社保就业', 'top'), 'A社保就...');
  });
});

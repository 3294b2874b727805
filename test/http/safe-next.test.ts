import assert from 'node:assert/strict';
import { safeNext } from '../../server/http/safe-next.js';

describe('safeNext', () => {
  describe('for citizens (any path on this site)', () => {
    const cases: Array<[unknown, string]> = [
      ['/me/applications?x=1', '/me/applications?x=1'],
      ['//evil.example', '/'],
      ['/\\evil.example', '/'],
      ['https://evil.example/', '/'],
      ['/me\r\nSet-Cookie: x=1', '/'],
      [undefined, '/'],
    ];
    for (const [input, expected] of cases) it(`turns ${JSON.stringify(input)} into ${expected}`, () => assert.equal(safeNext(input), expected));
  });

  describe('for the console (only /console/ paths)', () => {
    const cases: Array<[unknown, string]> = [
      ['/console/drafts/3?tab=diff', '/console/drafts/3?tab=diff'],
      ['/console/', '/console/'],
      ['/me/applications', '/console/'],
      ['/console', '/console/'],
      ['//evil.example/console/', '/console/'],
      ['/console/\\evil', '/console/'],
      ['https://evil.example/console/', '/console/'],
      [['/console/a'], '/console/'],
      [undefined, '/console/'],
    ];
    for (const [input, expected] of cases) it(`turns ${JSON.stringify(input)} into ${expected}`, () => assert.equal(safeNext(input, '/console/'), expected));
  });
});

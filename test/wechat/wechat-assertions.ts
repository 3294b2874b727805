import assert from 'node:assert/strict';
import { WechatApiError } from '../../server/errors.js';

/** The WechatApiError a call rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(p: Promise<unknown>): Promise<WechatApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WechatApiError, `expected WechatApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

// Vault keys for tests that load a production config (real WeChat credentials): such a config
// refuses to start without them. Test-only values, never the local development key.
export const TEST_VAULT_ENV = {
  VAULT_KEYS: `test-1:${Buffer.alloc(32, 7).toString('base64')}`,
  VAULT_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
};

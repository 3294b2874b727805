// The vault's front door: personal data encrypted at rest (AES-256-GCM, key ids for rotation) and
// keyed blind indexes, for every room that stores a citizen's personal fields. Its keys come from
// config.vault (VAULT_KEYS, VAULT_INDEX_KEY; server/config.ts reads and checks them).
export { createVault, type Vault, type VaultKey, type VaultOptions } from './vault.js';
export { VaultError } from './vault-error.js';
export { sealingStore, type SealedFieldRule } from './sealing-store.js';

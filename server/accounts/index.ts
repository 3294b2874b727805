// The accounts front door: the city's several official accounts at run time (registry, credentials per account, signed sign-in links for accounts without web authorisation).
// Other rooms import this folder only through this file; everything else in it is private.
export { accountInfoOf, createAccountRegistry } from './account-registry.js';
export type { AccountInfo, AccountRegistry, AccountRuntime } from './account-registry.js';
export { credentialVariables, localStandinCredentials, resolveAccountCredentials } from './credentials.js';
export type { AccountCredentials, CredentialVariables } from './credentials.js';
export { scopedStore } from './scoped-store.js';
export { accountChannelOf, accountClientOf } from './account-channels.js';
export type { AccountChannel } from './account-channels.js';
export { createCityPublisher } from './publish-city.js';
export { pruneUsedLinks, redeemSignedLink, SIGNED_LINK_PATH, SIGNED_LINK_TTL_MS, SignedLinkError, signLink } from './signed-links.js';
export type { RedeemedLink } from './signed-links.js';
// The capability matrix lives in its own room (the builder checks it too); re-exported for convenience.
export { broadcastQuota, can, capabilityMatrix, CapabilityMissingError, requireCapability } from '../capabilities/index.js';
export type { AccountType, BroadcastQuota, Capability } from '../capabilities/index.js';

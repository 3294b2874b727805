// The publish room's front door: build, version, publish to WeChat and swap the live build (used by the CLI, start-up and the console).
// Other rooms import this folder only through this file; everything else in it is private.
export { createPublisher } from './publisher.js';
export type { CityVersion, Publisher } from './publisher.js';
export { followLiveVersion } from './follow-live-version.js';
export { LIVE_VERSION_SIGNAL } from './publisher.js';
export { describeTopicsDrift } from './topics-drift.js';

// A view of the store whose collections, logs and locks carry a prefix: each further account's
// local WeChat stand-in keeps its own tokens, menu and outbox beside the primary's.
import type { Store } from '../store/index.js';

export function scopedStore(store: Store, prefix: string): Store {
  return {
    collection: (name, options) => store.collection(`${prefix}${name}`, options),
    log: (name) => store.log(`${prefix}${name}`),
    withLock: (key, fn) => store.withLock(`${prefix}${key}`, fn),
    ...(store.notify ? { notify: store.notify.bind(store) } : {}),
    ...(store.listen ? { listen: store.listen.bind(store) } : {}),
    close: async () => {},
  };
}

// Every process serves the same live build: when any process sharing the store publishes or
// rolls back, it signals LIVE_VERSION_SIGNAL and each process's publisher swaps in the newest
// version. Stores without signals serve one process, where publishing already swapped it.
import type { Store } from '../store/index.js';
import { LIVE_VERSION_SIGNAL, type Publisher } from './publisher.js';

export async function followLiveVersion(store: Store, publisher: Pick<Publisher, 'follow'>): Promise<() => void> {
  if (!store.listen) return () => {};
  return store.listen(LIVE_VERSION_SIGNAL, () => {
    publisher.follow().catch((err: Error) => console.error('[onestop] 切换到其他进程发布的版本失败:', err.message));
  });
}

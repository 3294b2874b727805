// A store whose chosen collection method fails the next N times, for half-written-state tests.
import type { Collection, Doc, Store } from '../../../server/store/types.js';

export interface FailingStore extends Store {
  /** The next `times` calls of collection(name).method (any of them, if several) throw "disk full". */
  failNext(name: string, methods: keyof Collection<Doc> | Array<keyof Collection<Doc>>, times?: number): void;
}

export function failingStore(inner: Store): FailingStore {
  const pending: Array<{ name: string; methods: string[]; left: number }> = [];
  return {
    collection<T extends Doc>(name: string, options?: Parameters<Store['collection']>[1]): Collection<T> {
      const real = inner.collection<T>(name, options);
      return new Proxy(real, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const armed = pending.find((p) => p.name === name && p.methods.includes(String(prop)) && p.left > 0);
            if (armed) {
              armed.left -= 1;
              return Promise.reject(new Error(`disk full (${name}.${String(prop)})`));
            }
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    },
    log: (name) => inner.log(name),
    withLock: (key, fn) => inner.withLock(key, fn),
    close: () => inner.close(),
    failNext(name, methods, times = 1) {
      pending.push({ name, methods: ([] as string[]).concat(methods), left: times });
    },
  };
}

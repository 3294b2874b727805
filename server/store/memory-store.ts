// In-memory Store for tests and benchmarks' baselines. Same semantics as the lowdb store.
import { ConflictError, NotFoundError } from '../errors.js';
import { KeyedLock } from './keyed-lock.js';
import { LogPositionError, type Collection, type CollectionOptions, type Doc, type Log, type Store } from './types.js';

const clone = <T>(value: T): T => structuredClone(value);

class MemoryCollection<T extends Doc> implements Collection<T> {
  private readonly docs = new Map<string, T>();
  constructor(
    private readonly name: string,
    private readonly lock: KeyedLock,
  ) {}

  async get(id: string) {
    const doc = this.docs.get(id);
    return doc && clone(doc);
  }
  async insert(doc: T) {
    return this.lock.run(this.name, async () => {
      if (this.docs.has(doc.id)) throw new ConflictError(`记录已存在: ${doc.id}`);
      this.docs.set(doc.id, clone(doc));
      return clone(doc);
    });
  }
  async put(doc: T) {
    return this.lock.run(this.name, async () => {
      this.docs.set(doc.id, clone(doc));
      return clone(doc);
    });
  }
  async update(id: string, fn: (current: T) => T) {
    return this.lock.run(this.name, async () => {
      const current = this.docs.get(id);
      if (!current) throw new NotFoundError(`记录不存在: ${id}`);
      const next = fn(clone(current));
      this.docs.set(id, clone(next));
      return clone(next);
    });
  }
  async delete(id: string) {
    return this.lock.run(this.name, async () => this.docs.delete(id));
  }
  async findBy(field: string, value: string) {
    return [...this.docs.values()].filter((d) => (d as Record<string, unknown>)[field] === value).map(clone);
  }
  async list(filter?: (doc: T) => boolean) {
    const all = [...this.docs.values()].map(clone);
    return filter ? all.filter(filter) : all;
  }
  async count() {
    return this.docs.size;
  }
}

class MemoryLog<T> implements Log<T> {
  private readonly records: T[] = [];
  append(record: T) {
    this.records.push(clone(record));
  }
  async flush() {}
  async read(filter?: (record: T) => boolean) {
    const all = this.records.map(clone);
    return filter ? all.filter(filter) : all;
  }
  async readAfter(position: string | undefined) {
    if (position !== undefined && !/^\d+$/.test(position)) throw new LogPositionError('memory', position);
    const start = Math.min(Number(position ?? 0) || 0, this.records.length);
    return { records: this.records.slice(start).map(clone), position: String(this.records.length) };
  }
}

export function createMemoryStore(): Store {
  const lock = new KeyedLock();
  const collections = new Map<string, MemoryCollection<Doc>>();
  const logs = new Map<string, MemoryLog<unknown>>();
  return {
    collection<T extends Doc>(name: string, _options?: CollectionOptions) {
      let c = collections.get(name);
      if (!c) collections.set(name, (c = new MemoryCollection<Doc>(`c:${name}`, lock)));
      return c as unknown as Collection<T>;
    },
    log<T>(name: string) {
      let l = logs.get(name);
      if (!l) logs.set(name, (l = new MemoryLog<unknown>()));
      return l as Log<T>;
    },
    withLock: (key, fn) => lock.run(`l:${key}`, fn),
    close: async () => {},
  };
}

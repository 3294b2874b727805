// One collection as rows of the shared documents table. Reads are single statements; update is
// a transaction with SELECT ... FOR UPDATE, so concurrent updates of one document serialise in
// the database, whichever process sends them.
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Collection, Doc } from '../types.js';
import type { Sessions } from './sessions.js';

const json = (value: unknown) => JSON.stringify(value);

export class PostgresCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly db: Sessions,
    private readonly name: string,
  ) {}

  async get(id: string) {
    const { rows } = await this.db.query<{ doc: T }>('select doc from documents where collection = $1 and id = $2', [this.name, id]);
    return rows[0]?.doc;
  }

  async insert(doc: T) {
    // ON CONFLICT DO NOTHING instead of catching 23505: inside a transaction a failed statement
    // would abort everything after it.
    const { rowCount } = await this.db.query('insert into documents (collection, id, doc) values ($1, $2, $3) on conflict do nothing', [
      this.name,
      doc.id,
      json(doc),
    ]);
    if (!rowCount) throw new ConflictError(`记录已存在: ${doc.id}`);
    return copy(doc);
  }

  async put(doc: T) {
    await this.db.query('insert into documents (collection, id, doc) values ($1, $2, $3) on conflict (collection, id) do update set doc = excluded.doc', [
      this.name,
      doc.id,
      json(doc),
    ]);
    return copy(doc);
  }

  update(id: string, fn: (current: T) => T) {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ doc: T }>('select doc from documents where collection = $1 and id = $2 for update', [this.name, id]);
      const current = rows[0]?.doc;
      if (!current) throw new NotFoundError(`记录不存在: ${id}`);
      const next = fn(current);
      if (next.id !== id) throw new Error(`update 不能修改 id: ${id} -> ${next.id}`);
      await client.query('update documents set doc = $3 where collection = $1 and id = $2', [this.name, id, json(next)]);
      return copy(next);
    });
  }

  async delete(id: string) {
    const { rowCount } = await this.db.query('delete from documents where collection = $1 and id = $2', [this.name, id]);
    return (rowCount ?? 0) > 0;
  }

  async findBy(field: string, value: string) {
    // The containment test uses the GIN index; the ->> test keeps the embedded store's
    // semantics exactly (a string equal to value, not an array holding it).
    const { rows } = await this.db.query<{ doc: T }>('select doc from documents where collection = $1 and doc @> $2 and doc ->> $3 = $4', [
      this.name,
      json({ [field]: value }),
      field,
      value,
    ]);
    return rows.map((r) => r.doc);
  }

  async countBy(field: string, value: string, also: Readonly<Record<string, string>> = {}) {
    // One containment test on the GIN index for every pair; the ->> tests keep findBy's exact
    // string semantics (a string equal to the value, not an array holding it).
    const pairs = Object.entries({ ...also, [field]: value });
    const exact = pairs.map((_, i) => `doc ->> $${3 + 2 * i} = $${4 + 2 * i}`).join(' and ');
    const { rows } = await this.db.query<{ n: string }>(`select count(*) as n from documents where collection = $1 and doc @> $2 and ${exact}`, [
      this.name,
      json(Object.fromEntries(pairs)),
      ...pairs.flat(),
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async list(filter?: (doc: T) => boolean) {
    const { rows } = await this.db.query<{ doc: T }>('select doc from documents where collection = $1', [this.name]);
    const all = rows.map((r) => r.doc);
    return filter ? all.filter(filter) : all;
  }

  async count() {
    const { rows } = await this.db.query<{ n: string }>('select count(*) as n from documents where collection = $1', [this.name]);
    return Number(rows[0]?.n ?? 0);
  }
}

/** What was written, as it reads back (JSON), so callers never share objects with the store. */
function copy<T>(doc: T): T {
  return JSON.parse(JSON.stringify(doc)) as T;
}

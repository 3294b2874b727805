// One collection as rows of the shared documents table. Reads are single statements; update is
// a transaction with SELECT ... FOR UPDATE, so concurrent updates of one document serialise in
// the database, whichever process sends them.
import type pg from 'pg';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Collection, Doc } from '../types.js';
import type { Sessions } from './sessions.js';

const json = (value: unknown) => JSON.stringify(value);

/**
 * The document under its collection's name, as the GIN index of migration 5 holds it: a
 * containment test on it finds one collection's documents by field value, and nothing else.
 */
const IN_COLLECTION = `jsonb_set('{}', array[collection], doc)`;

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
    const { rows } = await this.db.query<{ doc: T }>(findByStatement(this.name, field, value));
    return rows.map((r) => r.doc);
  }

  async countBy(field: string, value: string, also: Readonly<Record<string, string>> = {}) {
    const { rows } = await this.db.query<{ n: string }>(countByStatement(this.name, { ...also, [field]: value }));
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

/**
 * findBy's statement. The containment test uses the GIN index; the ->> test keeps the embedded
 * store's semantics exactly (a string equal to value, not an array holding it). Named: each
 * connection prepares it once.
 */
export function findByStatement(collection: string, field: string, value: string): pg.QueryConfig {
  return {
    name: 'onestop-find-by',
    text: `select doc from documents where ${IN_COLLECTION} @> $1 and doc ->> $2 = $3`,
    values: [json({ [collection]: { [field]: value } }), field, value],
  };
}

/** countBy's statement: one containment test on the GIN index for every pair, and findBy's exact string tests. */
export function countByStatement(collection: string, where: Readonly<Record<string, string>>): pg.QueryConfig {
  const pairs = Object.entries(where);
  const exact = pairs.map((_, i) => `doc ->> $${2 + 2 * i} = $${3 + 2 * i}`).join(' and ');
  return {
    name: `onestop-count-by-${pairs.length}`,
    text: `select count(*) as n from documents where ${IN_COLLECTION} @> $1 and ${exact}`,
    values: [json({ [collection]: where }), ...pairs.flat()],
  };
}

/** What was written, as it reads back (JSON), so callers never share objects with the store. */
function copy<T>(doc: T): T {
  return JSON.parse(JSON.stringify(doc)) as T;
}

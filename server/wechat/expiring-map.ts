// A window of remembered keys, each kept for one fixed lifetime (the push guard's nonces, the
// gateway's answered pushes). Every push adds an entry that lives for minutes, so at thousands
// of pushes a second the window holds hundreds of thousands: each entry is its key (a flat copy
// that keeps no request body alive) and its value, with the expiry times in one Float64Array
// ring. No per-entry object and no boxed number is left for the collector to trace and copy.

/**
 * `s` as a string of its own: a key built from the fields of a request is a chain of pieces, or
 * a slice that keeps the whole request body alive. normalize() copies such a chain into one flat
 * string; the copy is used only when it is the same text (a non-NFC key stays as it is).
 */
export function ownString(s: string): string {
  const copy = s.normalize();
  return copy === s ? copy : s;
}

const FIRST_CAPACITY = 1024;

export class ExpiringMap<V> {
  /** Key -> its slot in the ring. */
  private readonly slots = new Map<string, number>();
  /** The ring, oldest first from `head`: a slot's key (undefined once replaced), value and expiry. */
  private keys: Array<string | undefined> = [];
  private values: Array<V | undefined> = [];
  private expiries = new Float64Array(FIRST_CAPACITY);
  private head = 0;
  private used = 0;

  /** Insertion order must be expiry order: every entry lives `lifetimeMs`. */
  constructor(
    private readonly lifetimeMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** The value of key while it lives, else undefined. */
  get(key: string, now: number): V | undefined {
    const slot = this.slots.get(key);
    return slot !== undefined && this.expiries[slot]! > now ? this.values[slot] : undefined;
  }

  /** Remembers key until now + lifetime (a key already present starts over); the oldest go first past maxEntries. */
  set(key: string, value: V, now: number): void {
    this.sweep(now);
    const old = this.slots.get(key);
    if (old !== undefined) this.forget(old);
    if (this.used === this.expiries.length) this.grow();
    const slot = (this.head + this.used) % this.expiries.length;
    const own = ownString(key);
    this.keys[slot] = own;
    this.values[slot] = value;
    this.expiries[slot] = now + this.lifetimeMs;
    this.used += 1;
    this.slots.set(own, slot);
  }

  // Expired entries are all at the head (one lifetime for all); past the bound, the oldest go too,
  // leaving room for one more.
  private sweep(now: number) {
    while (this.used > 0) {
      const key = this.keys[this.head];
      if (key !== undefined && this.expiries[this.head]! > now && this.slots.size < this.maxEntries) break;
      if (key !== undefined) this.slots.delete(key);
      this.forget(this.head);
      this.head = (this.head + 1) % this.expiries.length;
      this.used -= 1;
    }
  }

  private forget(slot: number) {
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
  }

  /** Doubles the ring, oldest first at 0 (a window holds at most maxEntries live ones, plus replaced slots not yet swept). */
  private grow() {
    const capacity = this.expiries.length;
    const keys: Array<string | undefined> = [];
    const values: Array<V | undefined> = [];
    const expiries = new Float64Array(capacity * 2);
    for (let i = 0; i < this.used; i++) {
      const from = (this.head + i) % capacity;
      keys.push(this.keys[from]);
      values.push(this.values[from]);
      expiries[i] = this.expiries[from]!;
      const key = this.keys[from];
      if (key !== undefined) this.slots.set(key, i);
    }
    this.keys = keys;
    this.values = values;
    this.expiries = expiries;
    this.head = 0;
  }
}

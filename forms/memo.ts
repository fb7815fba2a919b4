/**
 * Bounded memoisation for pure string functions: archive batches repeat the same cells
 * ("≥95%", "数量指标") across thousands of forms. The cache is cleared when full, so memory stays bounded.
 */

/**
 * A copy of `key` that holds nothing else. A cell's text is often a slice of its whole document's
 * text, and V8 keeps a slice's parent alive while the slice lives: a cache keyed by the slice kept
 * every document its keys came from (about 80 KB a file, 0.5 GB over a 100,000-form batch before the
 * caches filled). Short strings are copied by V8 anyway.
 */
export function detached(key: string): string {
  return key.length < 13 ? key : Buffer.from(key, 'utf16le').toString('utf16le');
}

/**
 * A string-keyed cache cleared when it holds `limit` entries (bounded memory on long batches). On a
 * miss the value is computed from a detached copy of the key, which the cache then keeps: what the
 * computation keeps of its argument holds only that copy.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit = 50000) {}

  /** The value for `key`, computed by `compute` on a miss. */
  get(key: string, compute: (own: string) => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    if (this.entries.size >= this.limit) this.entries.clear();
    const own = detached(key);
    const value = compute(own);
    this.entries.set(own, value);
    return value;
  }
}

export function memoizeString<V>(fn: (key: string) => V, limit = 50000): (key: string) => V {
  const cache = new BoundedCache<V>(limit);
  return (key: string): V => cache.get(key, fn);
}

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

export function memoizeString<V>(fn: (key: string) => V, limit = 50000): (key: string) => V {
  const cache = new Map<string, V>();
  return (key: string): V => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    if (cache.size >= limit) cache.clear();
    // the value is computed from the copy too: substrings of it hold only the copy
    const own = detached(key);
    const value = fn(own);
    cache.set(own, value);
    return value;
  };
}

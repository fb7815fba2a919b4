/**
 * Bounded memoisation for pure string functions: archive batches repeat the same cells
 * ("≥95%", "数量指标") across thousands of forms. The cache is cleared when full, so memory stays bounded.
 */
export function memoizeString<V>(fn: (key: string) => V, limit = 50000): (key: string) => V {
  const cache = new Map<string, V>();
  return (key: string): V => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    if (cache.size >= limit) cache.clear();
    const value = fn(key);
    cache.set(key, value);
    return value;
  };
}

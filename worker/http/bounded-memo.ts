/**
 * Remembers the results of a pure function per isolate, for inputs that repeat on every
 * request (a service's name, the upstream URLs reporters send). Bounded: when `limit`
 * entries are kept the memory is cleared, so a stream of distinct inputs cannot grow it.
 *
 * @example
 * ```ts
 * const normalized = boundedMemo(normalizeUpstreamUrl);
 * normalized("https://a.internal/"); // computed
 * normalized("https://a.internal/"); // remembered
 * ```
 */
export function boundedMemo<K, V>(compute: (key: K) => V, limit = 1_024): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    let value = kept.get(key);
    if (value === undefined) {
      value = compute(key);
      if (kept.size >= limit) kept.clear();
      kept.set(key, value);
    }
    return value;
  };
}

function lruHits(capacity, keys) {
  const cache = new Map(); // a Map keeps insertion order: the first key is the least recently used
  let hits = 0;
  for (const key of keys) {
    if (cache.has(key)) {
      hits += 1;
      cache.delete(key);
      cache.set(key, true);
    } else {
      cache.set(key, true);
      if (cache.size > capacity) cache.delete(cache.keys().next().value);
    }
  }
  return hits;
}

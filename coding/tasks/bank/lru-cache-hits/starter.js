function lruHits(capacity, keys) {
  // your code here
}

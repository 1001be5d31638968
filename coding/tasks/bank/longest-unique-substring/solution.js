function longestUnique(s) {
  const last = new Map();
  let best = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const seen = last.get(s[i]);
    if (seen !== undefined && seen >= start) start = seen + 1;
    last.set(s[i], i);
    best = Math.max(best, i - start + 1);
  }
  return best;
}

function coveredLength(intervals) {
  const sorted = intervals.map((i) => [i[0], i[1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let total = 0;
  let start = null;
  let end = null;
  for (const [s, e] of sorted) {
    if (end === null || s > end) {
      if (end !== null) total += end - start;
      start = s;
      end = e;
    } else {
      end = Math.max(end, e);
    }
  }
  if (end !== null) total += end - start;
  return total;
}

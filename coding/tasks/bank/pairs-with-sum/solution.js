function countPairs(nums, target) {
  const seen = new Map();
  let pairs = 0;
  for (const x of nums) {
    pairs += seen.get(target - x) || 0;
    seen.set(x, (seen.get(x) || 0) + 1);
  }
  return pairs;
}

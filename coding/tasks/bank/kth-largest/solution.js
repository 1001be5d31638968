function kthLargest(nums, k) {
  const sorted = Float64Array.from(nums).sort();
  return sorted[sorted.length - k];
}

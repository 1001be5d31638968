function windowMaxSum(nums, k) {
  const window = new Int32Array(nums.length);
  let head = 0;
  let tail = 0;
  let total = 0;
  for (let i = 0; i < nums.length; i++) {
    while (tail > head && nums[window[tail - 1]] <= nums[i]) tail--;
    window[tail++] = i;
    if (window[head] <= i - k) head++;
    if (i >= k - 1) total += nums[window[head]];
  }
  return total;
}

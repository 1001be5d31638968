function windowMaxSum(nums, k) {
  // your code here
}

function countPairs(nums, target) {
  // your code here
}

function countInversions(nums) {
  // your code here
}

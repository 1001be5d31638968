function lisLength(nums) {
  // your code here
}

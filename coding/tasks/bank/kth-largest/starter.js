function kthLargest(nums, k) {
  // your code here
}

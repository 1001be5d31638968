function coveredLength(intervals) {
  // your code here
}

function longestUnique(s) {
  // your code here
}

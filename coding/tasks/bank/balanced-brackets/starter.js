function isBalanced(s) {
  // your code here
}

function firstUnique(s) {
  // your code here
}

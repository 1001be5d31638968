function maxProfit(prices) {
  // your code here
}

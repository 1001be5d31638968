def max_profit(prices):
    best, lowest = 0, float("inf")
    for price in prices:
        lowest = min(lowest, price)
        best = max(best, price - lowest)
    return best

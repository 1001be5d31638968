def max_profit(prices):
    # your code here
    pass

def window_max_sum(nums, k):
    # your code here
    pass

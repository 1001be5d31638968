def kth_largest(nums, k):
    # your code here
    pass

def count_pairs(nums, target):
    # your code here
    pass

def count_inversions(nums):
    # your code here
    pass

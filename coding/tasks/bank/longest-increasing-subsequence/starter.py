def lis_length(nums):
    # your code here
    pass

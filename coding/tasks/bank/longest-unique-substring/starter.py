def longest_unique(s):
    # your code here
    pass

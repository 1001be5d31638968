def first_unique(s):
    # your code here
    pass

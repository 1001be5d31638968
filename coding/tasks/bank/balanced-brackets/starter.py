def is_balanced(s):
    # your code here
    pass

def covered_length(intervals):
    # your code here
    pass

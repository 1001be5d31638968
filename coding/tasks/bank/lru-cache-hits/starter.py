def lru_hits(capacity, keys):
    # your code here
    pass

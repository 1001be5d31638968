def min_rooms(meetings):
    # your code here
    pass

def min_rooms(meetings):
    events = []
    for start, end in meetings:
        events.append((start, 1))
        events.append((end, -1))
    events.sort()  # at the same time an end (-1) comes before a start (+1)
    rooms = best = 0
    for _, change in events:
        rooms += change
        best = max(best, rooms)
    return best

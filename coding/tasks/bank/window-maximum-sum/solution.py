from collections import deque


def window_max_sum(nums, k):
    window = deque()  # positions whose numbers fall from front to back
    total = 0
    for i, x in enumerate(nums):
        while window and nums[window[-1]] <= x:
            window.pop()
        window.append(i)
        if window[0] <= i - k:
            window.popleft()
        if i >= k - 1:
            total += nums[window[0]]
    return total

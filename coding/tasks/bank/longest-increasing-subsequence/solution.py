from bisect import bisect_left


def lis_length(nums):
    tails = []  # tails[k]: the smallest last element of an increasing run of length k + 1
    for x in nums:
        i = bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)

function countInversions(nums) {
  const sort = (items) => {
    if (items.length <= 1) return [items, 0];
    const middle = items.length >> 1;
    const [left, a] = sort(items.slice(0, middle));
    const [right, b] = sort(items.slice(middle));
    const merged = [];
    let count = a + b;
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      if (left[i] <= right[j]) merged.push(left[i++]);
      else {
        merged.push(right[j++]);
        count += left.length - i;
      }
    }
    while (i < left.length) merged.push(left[i++]);
    while (j < right.length) merged.push(right[j++]);
    return [merged, count];
  };
  return sort(nums)[1];
}

function minRooms(meetings) {
  const events = [];
  for (const [start, end] of meetings) {
    events.push([start, 1]);
    events.push([end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let rooms = 0;
  let best = 0;
  for (const [, change] of events) {
    rooms += change;
    best = Math.max(best, rooms);
  }
  return best;
}

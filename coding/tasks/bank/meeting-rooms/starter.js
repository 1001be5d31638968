function minRooms(meetings) {
  // your code here
}

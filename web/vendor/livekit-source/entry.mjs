// What web/room.js uses of livekit-client (the LiveKit media backend); nothing else is bundled.
export { ConnectionState, Room, RoomEvent, Track, setLogLevel } from "livekit-client";

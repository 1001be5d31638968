// The candidate's interview room: consent, device check, WebRTC to the server (or, with the
// LiveKit backend, a LiveKit room: web/vendor/livekit-client.js), captions and state from the
// `events` data channel (LiveKit: the events WebSocket), reconnect on a drop.
"use strict";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const interviewId = location.pathname.split("/").filter(Boolean).pop();
// The link's token is kept for this tab (a reload rejoins) and taken out of the address
// bar, so it does not linger in the history, in screenshots or in a shared screen.
const tokenKey = `intervox-token-${interviewId}`;
const token = params.get("token") || sessionStorage.getItem(tokenKey);
if (params.get("token")) {
  sessionStorage.setItem(tokenKey, params.get("token"));
  params.delete("token");
  history.replaceState(null, "", location.pathname + (params.toString() ? `?${params}` : ""));
}
// Tests may turn the browser's audio processing off (?processing=off); people keep it on:
// echo cancellation stops the interviewer's own voice coming back as "candidate speech".
const processing = params.get("processing") !== "off";
const state = { interview: null, stream: null, pc: null, channel: null, ended: false, reconnectTimer: null,
                partials: {}, meterContext: null, mode: "video", coding: null, room: null, events: null };
window.intervoxRoom = state; // for debugging and tests

function api(path, options = {}) {
  return fetch(`/api/v1/interviews/${interviewId}${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(options.headers || {}) },
  });
}

function show(section) {
  for (const id of ["loading", "invalid", "prejoin", "room", "done"]) $(id).hidden = id !== section;
}

function invalid(reason) {
  $("invalid-reason").textContent = reason;
  show("invalid");
}

async function load() {
  if (!token) return invalid("This link has no access token. Please use the full link from your invitation.");
  let response;
  try { response = await api(""); } catch { return invalid("The interview server cannot be reached right now."); }
  if (response.status === 404) return invalid("This interview does not exist. Please check the link.");
  if (response.status === 401 || response.status === 403) return invalid("This link's access token is not valid.");
  if (!response.ok) return invalid("The server could not open this interview. Please try again later.");
  const interview = (state.interview = await response.json());
  if (interview.status === "completed" || interview.status === "cancelled") return finished(false);
  $("title").textContent = `Interview: ${interview.role}`;
  $("summary").textContent = `About ${interview.duration_minutes} minutes` +
    (interview.candidate_name ? `, for ${interview.candidate_name}.` : ".");
  if (interview.mode === "audio" || interview.mode === "phone" || interview.mode === "coding") {
    document.querySelector('input[value="video"]').closest("label").hidden = true;
    document.querySelector('input[value="audio"]').checked = true;
    $("camera-note").hidden = true;
  }
  if (interview.mode === "coding") { // the editor beside the interviewer; the microphone only
    document.body.classList.add("coding");
    $("happen-talk").hidden = true;
    $("happen-code").hidden = false;
    $("coding-note").hidden = false;
    $("check").textContent = "Check my microphone";
  }
  if (interview.mode === "video") { // a separate, optional consent, asked only when the server keeps video
    const config = await api("/rtc/config").then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
    $("video-consent-row").hidden = !config.video_recording;
  }
  const remembered = sessionStorage.getItem(`intervox-joined-${interviewId}`);
  if (interview.status === "in_progress" && remembered) {
    // A reload in the middle of the interview: rejoin at once, same question.
    state.mode = remembered;
    if (await openDevices(remembered)) return enterRoom();
  }
  show("prejoin");
}

function chosenMode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

async function openDevices(mode) {
  const audio = processing ? true : { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
  const video = mode === "video" ? { width: 640, height: 480 } : false;
  $("device-error").hidden = true;
  try {
    if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
    state.stream = await navigator.mediaDevices.getUserMedia({ audio, video });
    return true;
  } catch (error) {
    const name = error && error.name;
    let text = "Your microphone could not be opened.";
    if (name === "NotAllowedError" || name === "SecurityError") {
      text = "You did not allow access to your " + (mode === "video" ? "camera and microphone" : "microphone") +
        ". Allow it in your browser's site settings, then reload this page.";
    } else if (name === "NotFoundError" || name === "OverconstrainedError") {
      text = mode === "video" ? "No camera or microphone was found. Connect one, or choose audio only."
                              : "No microphone was found. Connect one and try again.";
    } else if (name === "NotReadableError") {
      text = "Another program is using your microphone or camera. Close it and try again.";
    }
    $("device-error").textContent = text;
    $("device-error").hidden = false;
    return false;
  }
}

async function checkDevices() {
  state.mode = chosenMode();
  $("join").disabled = true;
  if (!(await openDevices(state.mode))) return;
  $("devices").hidden = false;
  $("preview").hidden = state.mode !== "video";
  $("preview").srcObject = state.mode === "video" ? state.stream : null;
  startMeter(state.stream);
  updateJoin();
}

function startMeter(stream) {
  const context = (state.meterContext = state.meterContext || new AudioContext());
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const draw = () => {
    analyser.getFloatTimeDomainData(samples);
    const rms = Math.sqrt(samples.reduce((sum, v) => sum + v * v, 0) / samples.length);
    const level = Math.min(100, Math.round(rms * 400));
    $("meter-fill").style.width = `${level}%`;
    $("meter").setAttribute("aria-valuenow", String(level));
    if (!$("devices").hidden && !$("prejoin").hidden) requestAnimationFrame(draw);
  };
  draw();
}

function updateJoin() {
  $("join").disabled = !($("consent").checked && state.stream);
}

async function join() {
  $("join").disabled = true;
  const consent = await api("/consent", {
    method: "POST",
    body: JSON.stringify({
      recording: true,
      camera_analysis: state.mode === "video",
      video_recording: state.mode === "video" && !$("video-consent-row").hidden && $("video-consent").checked,
    }),
  });
  if (!consent.ok) {
    $("device-error").textContent = "The server did not accept the consent. Please reload and try again.";
    $("device-error").hidden = false;
    return;
  }
  sessionStorage.setItem(`intervox-joined-${interviewId}`, state.mode);
  enterRoom();
}

function enterRoom() {
  show("room");
  setState("connecting", "Connecting…");
  if (state.interview.mode === "coding") startCoding();
  connect().catch(() => scheduleReconnect());
}

// Coding interviews: the task, the editor and its results (web/coding.js, loaded only here).
async function startCoding() {
  $("question-card").hidden = true;
  try {
    const coding = await import("/static/coding.js");
    state.coding = await coding.start({ api, onEnded: () => finished(true) });
  } catch (error) {
    $("task-card").hidden = false;
    $("task-statement").textContent = "The code editor could not be loaded. Please reload the page.";
    console.warn("editor", error);
  }
}

function iceGatheringComplete(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", check); resolve(); } };
    pc.addEventListener("icegatheringstatechange", check);
    setTimeout(resolve, 3000); // non-trickle: send what we have after 3 s at the latest
  });
}

async function connect() {
  // ICE servers come from the operator's settings (none by default: no outside STUN).
  const config = await api("/rtc/config").then((r) => (r.ok ? r.json() : { ice_servers: [] })).catch(() => ({ ice_servers: [] }));
  if (config.backend === "livekit") return connectLiveKit();
  const pc = (state.pc = new RTCPeerConnection({ iceServers: config.ice_servers }));
  pc.addTransceiver(state.stream.getAudioTracks()[0], { direction: "sendrecv" });
  const camera = state.stream.getVideoTracks()[0];
  if (camera) pc.addTransceiver(camera, { direction: "sendonly" });
  const channel = (state.channel = pc.createDataChannel("events"));
  channel.onmessage = (message) => onEvent(JSON.parse(message.data));
  channel.onclose = () => { if (state.pc === pc && !state.ended) scheduleReconnect(); };
  pc.ontrack = (event) => {
    if (event.track.kind !== "audio") return;
    $("voice").srcObject = new MediaStream([event.track]);
    $("voice").play().catch(() => {});
  };
  pc.onconnectionstatechange = () => {
    if (state.pc !== pc || state.ended) return;
    if (pc.connectionState === "connected") $("reconnecting").hidden = true;
    if (["disconnected", "failed", "closed"].includes(pc.connectionState)) scheduleReconnect();
  };
  await pc.setLocalDescription(await pc.createOffer());
  await iceGatheringComplete(pc);
  const response = await api("/rtc/offer", {
    method: "POST", body: JSON.stringify({ sdp: pc.localDescription.sdp, type: "offer" }),
  });
  if (response.status === 409) {
    // another server still drives it (a failover under way): offer again; otherwise it ended
    const body = await response.json().catch(() => ({}));
    if (!(body.error && body.error.code === "INTERVIEW_HELD_ELSEWHERE")) return finished(true);
  }
  if (!response.ok) throw new Error(`offer refused: ${response.status}`);
  await pc.setRemoteDescription(await response.json());
}

// The LiveKit backend: the server's interviewer joins the interview's room first (rtc/join), then
// this page joins with the short-lived token it got, publishes the microphone (and camera) it
// already opened, and plays the interviewer's voice. Events come over the events WebSocket.
async function connectLiveKit() {
  const response = await api("/rtc/join", { method: "POST" });
  if (response.status === 409) return finished(true);
  if (!response.ok) throw new Error(`join refused: ${response.status}`);
  const join = await response.json();
  const { Room, RoomEvent, Track, setLogLevel } = await import("/static/vendor/livekit-client.js");
  setLogLevel("warn");
  const room = (state.room = new Room());
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind !== Track.Kind.Audio) return;
    track.attach($("voice"));
    $("voice").play().catch(() => {});
  });
  room.on(RoomEvent.Reconnecting, () => { if (state.room === room) $("reconnecting").hidden = false; });
  room.on(RoomEvent.Reconnected, () => { if (state.room === room) $("reconnecting").hidden = true; });
  room.on(RoomEvent.Disconnected, () => { if (state.room === room && !state.ended) scheduleReconnect(); });
  openEvents();
  await room.connect(join.url, join.token);
  await room.localParticipant.publishTrack(state.stream.getAudioTracks()[0], { source: Track.Source.Microphone });
  const camera = state.stream.getVideoTracks()[0];
  if (camera) await room.localParticipant.publishTrack(camera, { source: Track.Source.Camera });
  $("reconnecting").hidden = true;
}

function openEvents() {
  if (state.events && state.events.readyState <= WebSocket.OPEN) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/api/v1/ws/interviews/${interviewId}?token=${encodeURIComponent(token)}`;
  const socket = (state.events = new WebSocket(url));
  socket.onmessage = (message) => onEvent(JSON.parse(message.data));
  socket.onclose = (close) => {
    if (state.events !== socket || state.ended) return;
    if (close.code === 4009) return finished(true); // the interview has ended
    setTimeout(openEvents, 1500);
  };
}

function mediaConnected() {
  if (state.room) return state.room.state === "connected";
  return state.pc && state.pc.connectionState === "connected" && state.channel.readyState === "open";
}

function closeMedia() {
  try { state.pc && state.pc.close(); } catch {}
  const room = state.room;
  state.room = null; // its Disconnected event is then not taken for a drop
  try { room && room.disconnect(); } catch {}
}

function scheduleReconnect() {
  if (state.reconnectTimer || state.ended) return;
  $("reconnecting").hidden = false;
  state.reconnectTimer = setTimeout(async () => {
    state.reconnectTimer = null;
    if (mediaConnected()) {
      $("reconnecting").hidden = true;
      return;
    }
    closeMedia();
    try { await connect(); } catch { scheduleReconnect(); }
  }, 1500);
}

const STATE_TEXT = { speaking: "Interviewer speaking", listening: "Listening to you", thinking: "Thinking…" };

function setState(name, text) {
  $("state").className = `state ${name}`;
  $("state").textContent = text || STATE_TEXT[name] || name;
}

function setQuestion(text, label) {
  $("question").textContent = text;
  $("question-label").textContent = label;
}

function caption(speaker, text, final, segmentId, revised) {
  const list = $("captions");
  if (revised) {  // the accurate pass's text replaces that answer's line; never a new line
    const line = segmentId != null && list.querySelector(`li[data-segment="${Number(segmentId)}"] .text`);
    if (line) line.textContent = text;
    return;
  }
  let item = state.partials[speaker] || null;
  if (!item) {
    item = document.createElement("li");
    item.innerHTML = '<span class="who"></span><span class="text"></span>';
    item.dataset.speaker = speaker;
    item.querySelector(".who").textContent = speaker === "interviewer" ? "Interviewer:" : "You:";
    list.appendChild(item);
  }
  item.querySelector(".text").textContent = text;
  item.classList.toggle("partial", !final);
  if (final && segmentId != null) item.dataset.segment = String(segmentId);
  state.partials[speaker] = final ? null : item;
  list.scrollTop = list.scrollHeight;
}

function onEvent(event) {
  const data = event.data || {};
  switch (event.type) {
    case "question": setQuestion(data.text, `Question ${data.index} of ${data.total}`); break;
    case "followup": setQuestion(data.text, "Follow-up question"); break;
    case "speaking": setState(data.state === "started" ? "speaking" : "listening"); break;
    case "thinking": setState("thinking"); break;
    case "transcript": caption(data.speaker, data.text, data.final, data.segment_id, data.revised); break;
    case "time_remaining": $("time").textContent = `${data.formatted} left`; break;
    case "interview_ended": finished(true); break;
    case "error": if (data.code === "INTERVIEW_ENDED") finished(true); break;
  }
}

let endArmed = false;
async function endInterview() {
  if (!endArmed) { // two steps, so one stray key press does not end the interview
    endArmed = true;
    $("end").textContent = "Press again to end the interview";
    setTimeout(() => { endArmed = false; $("end").textContent = "End interview"; }, 5000);
    return;
  }
  $("end").disabled = true;
  if (state.coding) await state.coding.flush(); // the last saved version is the one reviewed
  await api("/end", { method: "POST" });
  finished(true);
}

function toggleMute() {
  const track = state.stream && state.stream.getAudioTracks()[0];
  if (!track) return;
  track.enabled = !track.enabled;
  $("mute").textContent = track.enabled ? "Mute" : "Unmute";
  $("mute").setAttribute("aria-pressed", String(!track.enabled));
}

async function finished(justEnded) {
  if (state.ended && !$("done").hidden) return;
  state.ended = true;
  if (state.coding) state.coding.stop();
  sessionStorage.removeItem(`intervox-joined-${interviewId}`);
  closeMedia();
  try { state.events && state.events.close(); } catch {}
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  show("done");
  const response = await api("/feedback").catch(() => null);
  if (response && response.ok) {
    const feedback = await response.json();
    $("feedback-text").textContent = feedback.summary;
    $("feedback").hidden = false;
  }
}

$("check").addEventListener("click", checkDevices);
$("consent").addEventListener("change", updateJoin);
$("join").addEventListener("click", join);
$("mute").addEventListener("click", toggleMute);
$("end").addEventListener("click", endInterview);
load();

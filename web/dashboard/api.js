// The API as the dashboard uses it: a signed-in session in this tab's sessionStorage, every call
// with the access token, one refresh on a 401 (shared by concurrent calls: a refresh token used
// twice ends every session of the user), and errors as ApiError with the API's code and message.

const KEY = "intervox-dashboard-session";
const listeners = new Set();
let refreshing = null;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function session() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; }
}

function keep(tokens) {
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((fn) => fn(tokens));
}

/** Called with the new tokens (or null when signed out). */
export function onSessionChange(fn) { listeners.add(fn); }

async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: a proxy's page, say */ }
  const error = (body && body.error) || {};
  return new ApiError(
    response.status,
    error.code || `HTTP_${response.status}`,
    error.message || response.statusText || "the server did not answer as expected",
    error.details,
  );
}

export async function login(email, password) {
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw await errorOf(response);
  const tokens = await response.json();
  keep({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
}

/** A new access token from the refresh token; false (and signed out) when that no longer works. */
export function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const current = session();
      if (!current) return false;
      const response = await fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      }).catch(() => null);
      if (!response || !response.ok) {
        if (response) keep(null); // expired or revoked: sign in again
        return false;
      }
      const tokens = await response.json();
      keep({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
      return true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function logout() {
  const current = session();
  keep(null);
  if (current) {
    await fetch("/api/v1/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: current.refresh_token }),
    }).catch(() => null);
  }
}

/**
 * Call the API. `json` is sent as JSON, `form` as multipart; `as` is "json" (default), "blob" or
 * "text". 204 gives null. Throws ApiError.
 */
export async function api(path, { method = "GET", json, form, as = "json" } = {}, retried = false) {
  const current = session();
  const headers = {};
  if (current) headers.Authorization = `Bearer ${current.access_token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(path, { method, headers, body });
  if (response.status === 401 && current && !retried && (await refresh())) {
    return api(path, { method, json, form, as }, true);
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  if (as === "blob") return response.blob();
  if (as === "text") return response.text();
  return response.json();
}

/** A WebSocket URL on this server with the access token (browsers cannot set headers on them). */
export function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const token = encodeURIComponent((session() || {}).access_token || "");
  return `${scheme}//${location.host}${path}?token=${token}`;
}

/**
 * A socket that reconnects: after a drop (growing pauses up to 15 s), and after 4001 (the access
 * token expired: refreshed first). `onEvent` gets each parsed event, `onState` true/false as it
 * opens and closes. Returns { close }.
 */
export function liveSocket(path, onEvent, { stopOn = [4003, 4004, 4009], onState = () => {} } = {}) {
  let ws = null;
  let closed = false;
  let pause = 1000;
  let timer = null;
  const open = () => {
    if (closed || !session()) return;
    ws = new WebSocket(socketUrl(path));
    ws.addEventListener("open", () => { pause = 1000; onState(true); });
    ws.addEventListener("message", (message) => {
      try { onEvent(JSON.parse(message.data)); } catch (error) { console.warn("bad event", error); }
    });
    ws.addEventListener("close", async (event) => {
      onState(false);
      if (closed || stopOn.includes(event.code) || event.code === 1000) return;
      if (event.code === 4001 && !(await refresh())) return;
      timer = setTimeout(open, pause);
      pause = Math.min(pause * 2, 15000);
    });
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws && ws.readyState <= 1) ws.close(1000);
    },
  };
}

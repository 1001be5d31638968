// The dashboard's shell: sign-in, the top bar, the hash router, and the organisation's live
// stream (WS /api/v1/ws/events), whose status changes every page may listen to.

import { api, liveSocket, login, logout, onSessionChange, session } from "./api.js";
import * as candidates from "./candidates.js";
import { errorBox, field, fill, formValues, h, showError } from "./dom.js";
import * as interview from "./interview.js";
import * as interviews from "./interviews.js";
import * as jobs from "./jobs.js";
import * as webhooks from "./webhooks.js";

const $ = (id) => document.getElementById(id);
const main = $("main");
const RANK = { viewer: 0, recruiter: 1, admin: 2 };
const ROUTES = [
  ["interviews", interviews.renderList],
  ["interviews/new", interviews.renderNew],
  ["interviews/:id", interview.render],
  ["jobs", jobs.render],
  ["candidates", candidates.renderList],
  ["candidates/:id", candidates.renderOne],
  ["webhooks", webhooks.render],
];
const state = { me: null, org: null, view: 0, leave: [], statusListeners: new Set(), firstView: true };

function announce(text) {
  $("announce").textContent = "";
  setTimeout(() => { $("announce").textContent = text; }, 50);
}

function parseRoute() {
  const hash = location.hash.startsWith("#/") ? location.hash.slice(2) : "interviews";
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  for (const [pattern, view] of ROUTES) {
    const want = pattern.split("/");
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = parts[i]), true) : w === parts[i]))) {
      return { view, params, query: new URLSearchParams(query), section: want[0] };
    }
  }
  return { view: null, params: {}, query: new URLSearchParams(), section: parts[0] };
}

/** What a page gets: who is signed in, role checks, live status, and cleanup when it is left. */
function contextFor(id) {
  const current = () => id === state.view;
  return {
    me: state.me,
    can: (role) => Boolean(state.me) && RANK[state.me.role] >= RANK[role],
    announce,
    current,
    onLeave(fn) { if (current()) state.leave.push(fn); else fn(); },
    onStatus(fn) {
      state.statusListeners.add(fn);
      this.onLeave(() => state.statusListeners.delete(fn));
    },
  };
}

function leaveView() {
  state.view += 1;
  const leave = state.leave.splice(0);
  leave.forEach((fn) => { try { fn(); } catch (error) { console.warn(error); } });
}

async function show() {
  leaveView();
  if (!session()) return showLogin();
  if (!state.me) {
    try {
      state.me = await api("/api/v1/me");
    } catch (error) {
      if (!session()) return showLogin();
      fill(main, errorBox(error));
      return;
    }
    startShell();
  }
  const id = state.view;
  const route = parseRoute();
  document.querySelectorAll("nav a").forEach((a) => {
    if (a.dataset.section === route.section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  const view = h("div", { class: "view" });
  fill(main, view);
  if (!route.view) {
    view.append(h("h1", { tabindex: "-1" }, "Page not found"), h("p", {}, h("a", { href: "#/interviews" }, "Go to the interviews")));
  } else {
    try {
      await route.view(view, contextFor(id), route.params, route.query);
    } catch (error) {
      if (id === state.view) view.append(errorBox(error));
    }
  }
  if (id !== state.view) return;
  const heading = view.querySelector("h1");
  if (heading && !state.firstView) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
  state.firstView = false;
  document.title = `${heading ? heading.textContent : "Dashboard"} · Intervox`;
}

function showLogin() {
  stopShell();
  document.title = "Sign in · Intervox";
  const slot = h("div");
  const form = h("form", { class: "card narrow", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, "Sign in to Intervox"),
    h("p", { class: "muted" }, "The recruiter's dashboard: interviews, reports, jobs and candidates."),
    field("Email", h("input", { type: "email", name: "email", autocomplete: "username", required: true })),
    field("Password",
      h("input", { type: "password", name: "password", autocomplete: "current-password", required: true })),
    slot,
    h("button", { type: "submit", class: "primary" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { email, password } = formValues(form);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await login(email, password);
      state.firstView = true;
      if (!location.hash.startsWith("#/")) history.replaceState(null, "", "#/interviews"); // no second hashchange render
      await show();
    } catch (error) {
      showError(slot, error);
      form.querySelector("input[name=password]").focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, form);
  form.querySelector("input").focus();
}

function startShell() {
  $("top").hidden = false;
  const me = state.me;
  $("whoami").textContent = `${me.email} · ${me.role} · ${me.org.name}`;
  $("logout").title = `Signed in as ${me.email} (${me.role})`;
  $("nav-webhooks").hidden = me.role !== "admin";
  if (!state.org) {
    state.org = liveSocket("/api/v1/ws/events", (event) => {
      if (event.type !== "interview_status") return;
      state.statusListeners.forEach((fn) => fn(event.data));
    }, {
      onState(up) {
        $("live").textContent = up ? "live" : "offline";
        $("live").classList.toggle("up", up);
      },
    });
  }
}

function stopShell() {
  if (state.org) state.org.close();
  state.org = null;
  state.me = null;
  $("top").hidden = true;
}

onSessionChange((tokens) => {
  if (!tokens) {
    leaveView();
    showLogin();
  }
});

$("logout").addEventListener("click", () => logout());
$("skip").addEventListener("click", (event) => {
  event.preventDefault(); // the hash is the router's
  main.focus();
});
window.addEventListener("hashchange", () => {
  if (location.hash.startsWith("#/")) show();
});
show();

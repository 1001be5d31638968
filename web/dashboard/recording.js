// An interview's recording: one part per connection (a reconnect starts the next), each part's
// `start` in interview seconds, so a transcript time t plays at t - part.start in its part.
// <audio> cannot send the token: each part is fetched with it and played from memory.

import { api, ApiError } from "./api.js";
import { clock, fill, h } from "./dom.js";

export class Player {
  constructor(interviewId, ctx) {
    this.interviewId = interviewId;
    this.ctx = ctx;
    this.parts = [];
    this.current = null;
    this.urls = new Map(); // part number -> object URL
    this.audio = h("audio", { controls: true, preload: "auto", id: "recording", hidden: true });
    this.note = h("p", { class: "muted", id: "recording-note" });
    this.choices = h("div", { class: "actions" });
    this.onTime = () => {};
    this.audio.addEventListener("timeupdate", () => this.onTime(this.time));
  }

  /** Interview seconds at the play position. */
  get time() {
    return (this.current ? this.current.start : 0) + this.audio.currentTime;
  }

  section(hidden) {
    return h("section", { class: "card", "aria-labelledby": "recording-title", hidden },
      h("h2", { id: "recording-title" }, "Recording"), this.audio, this.choices, this.note);
  }

  say(text) { fill(this.note, text); }

  /** The interview JSON's `recordings`; servers that do not list them serve one at t=0. */
  async open(interview) {
    this.parts = Array.isArray(interview.recordings)
      ? [...interview.recordings].sort((a, b) => a.start - b.start)
      : [{ part: 1, start: 0, url: `/api/v1/interviews/${this.interviewId}/recording` }];
    if (!this.parts.length) return this.say("There is no recording of this interview.");
    this.say("Loading the recording…");
    if (this.parts.length > 1) {
      fill(this.choices, this.parts.map((p) => h("button", { type: "button", class: "small", onclick: () => this.seek(p.start) },
        `Part ${p.part} (from ${clock(p.start)})`)));
    }
    try {
      await this.load(this.parts[0]);
      this.say(this.parts.length > 1
        ? "Recorded in parts (the connection was renewed). Choose a line of the transcript, a quote or a flag to hear that moment."
        : "Choose a line of the transcript, an evidence quote or a flag to hear that moment.");
    } catch (error) {
      this.say(error instanceof ApiError && error.status === 404
        ? "There is no recording of this interview."
        : `The recording could not be loaded: ${error.message}`);
    }
  }

  async load(part) {
    if (this.current === part) return;
    if (!this.urls.has(part.part)) {
      const blob = await api(part.url, { as: "blob" });
      this.urls.set(part.part, URL.createObjectURL(blob));
    }
    if (!this.ctx.current()) return;
    const loaded = new Promise((resolve) => this.audio.addEventListener("loadedmetadata", resolve, { once: true }));
    this.current = part;
    this.audio.src = this.urls.get(part.part);
    this.audio.hidden = false;
    await loaded;
  }

  /** Play from interview second `t` (in the part that holds it). */
  async seek(t) {
    if (typeof t !== "number" || !this.parts.length || !this.current) return;
    const part = this.parts.filter((p) => p.start <= t + 0.05).pop() || this.parts[0];
    try {
      await this.load(part);
    } catch (error) {
      this.say(`That part of the recording could not be loaded: ${error.message}`);
      return;
    }
    this.audio.currentTime = Math.max(0, t - part.start);
    this.audio.play().catch(() => {}); // a browser may refuse to play; the position is set anyway
    this.onTime(t);
  }

  close() {
    this.audio.pause();
    this.audio.removeAttribute("src");
    this.urls.forEach((url) => URL.revokeObjectURL(url));
    this.urls.clear();
    this.current = null;
    this.parts = [];
  }
}

// One interview: the recording, the transcript (each line seeks the recording; live while the
// interview runs), scores with their evidence, the attention timeline and flags to review,
// the recommendation, the candidate's notes, the PDF and share links.

import { api, ApiError, liveSocket } from "./api.js";
import { badge, clock, download, field, fill, h, label, score, showError, when } from "./dom.js";
import { notesSection } from "./notes.js";
import { Player } from "./recording.js";

const TYPED = ["chat", "practice"]; // nothing is recorded: the transcript is what was typed
const SPEAKER = { interviewer: "Interviewer", candidate: "Candidate" };
const FLAG_TEXT = {
  second_face: "A second face",
  face_absent: "No face in view",
  camera_covered: "Camera covered",
  camera_quality: "Camera too dark or blurred",
};

/** Servers that list recordings say which there are; before they did, a completed one may have one. */
function hasRecording(interview) {
  if (TYPED.includes(interview.mode)) return false;
  if (Array.isArray(interview.recordings)) return interview.recordings.length > 0;
  return interview.status === "completed";
}

export async function render(view, ctx, { id }) {
  const page = new InterviewPage(view, ctx, id);
  ctx.onLeave(() => page.close());
  ctx.onStatus((change) => page.statusChanged(change));
  await page.load();
}

class InterviewPage {
  constructor(view, ctx, id) {
    this.view = view;
    this.ctx = ctx;
    this.id = id;
    this.socket = null;
    this.objectUrls = [];
    this.partials = {};
    this.player = new Player(id, ctx);
    this.player.onTime = (t) => this.highlight(t);
    this.transcript = h("ol", { class: "transcript", id: "transcript", "aria-label": "Transcript" });
    this.status = null;
  }

  close() {
    if (this.socket) this.socket.close();
    this.socket = null;
    this.objectUrls.forEach((url) => URL.revokeObjectURL(url));
    this.objectUrls = [];
    this.player.close();
  }

  async load() {
    const [interview, transcript] = await Promise.all([
      api(`/api/v1/interviews/${this.id}`),
      api(`/api/v1/interviews/${this.id}/transcript`),
    ]);
    // asked only once there is one: an expected 404 still reads as an error in the console
    const report = interview.status !== "completed" ? null : await api(`/api/v1/interviews/${this.id}/report`).catch((error) => {
      if (error instanceof ApiError && error.code === "REPORT_NOT_READY") return null;
      throw error;
    });
    if (!this.ctx.current()) return;
    this.interview = interview;
    this.status = interview.status;
    this.report = report;
    fill(this.view,
      this.header(),
      this.player.section(TYPED.includes(interview.mode)),
      this.transcriptSection(transcript.segments),
      report ? this.reportSections(report) : this.pendingReport(),
      h("div", { id: "notes-slot" }));
    if (interview.status === "scheduled" || interview.status === "in_progress") this.watch();
    if (hasRecording(interview)) this.player.open(interview);
    else this.player.say(interview.status === "completed" || interview.status === "cancelled"
      ? "There is no recording of this interview." : "The recording is ready when the interview ends.");
    if (interview.candidate_id) {
      notesSection(this.ctx, interview.candidate_id).then((section) => {
        if (section) this.view.querySelector("#notes-slot")?.replaceWith(section);
      });
    }
  }

  // -- header and actions ---------------------------------------------------------------
  header() {
    const iv = this.interview;
    const slot = h("div");
    const actions = h("div", { class: "actions" });
    const can = this.ctx.can("recruiter");
    if (can && (iv.status === "scheduled" || iv.status === "in_progress")) {
      actions.append(this.confirmButton("Cancel the interview", "Press again to cancel", async () => {
        await api(`/api/v1/interviews/${this.id}/cancel`, { method: "POST" });
      }, slot));
    }
    if (can && iv.status === "in_progress") {
      actions.append(this.confirmButton("End it now", "Press again to end it", async () => {
        await api(`/api/v1/interviews/${this.id}/end`, { method: "POST" });
      }, slot));
    }
    if (iv.status === "completed" && this.report) {
      actions.append(h("button", { type: "button", onclick: () => this.pdf(slot) }, "Download the PDF"));
    }
    return h("header", { class: "card head" },
      h("p", { class: "muted" }, h("a", { href: "#/interviews" }, "Interviews"), " / this interview"),
      h("h1", {}, iv.candidate_name || "Unnamed candidate"),
      h("p", {}, `${iv.role} (${iv.level}) · ${iv.mode} · ${iv.duration_minutes} min · `,
        h("span", { id: "status" }, badge(iv.status)),
        h("span", { id: "live-marker", class: "live-marker", hidden: !this.socket }, " live")),
      h("p", { class: "muted" },
        iv.started_at ? `Started ${when(iv.started_at)}` : iv.scheduled_at ? `Scheduled for ${when(iv.scheduled_at)}` : `Created ${when(iv.created_at)}`,
        iv.ended_at ? ` · ended ${when(iv.ended_at)}` : ""),
      actions, slot);
  }

  /** Two presses, so one stray key does not cancel an interview. */
  confirmButton(text, again, action, slot) {
    let armed = false;
    const button = h("button", { type: "button", class: "danger" }, text);
    button.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        button.textContent = again;
        setTimeout(() => { armed = false; button.textContent = text; }, 5000);
        return;
      }
      button.disabled = true;
      try {
        await action();
        await this.reload();
      } catch (error) {
        showError(slot, error);
        button.disabled = false;
      }
    });
    return button;
  }

  async pdf(slot) {
    try {
      download(await api(`/api/v1/interviews/${this.id}/report.pdf`, { as: "blob" }), `interview-${this.id}.pdf`);
    } catch (error) {
      showError(slot, error);
    }
  }

  async reload() {
    this.close();
    await this.load();
  }

  statusChanged(change) {
    if (change.interview_id !== this.id || !this.interview) return;
    const before = this.status;
    this.status = change.status;
    fill(this.view.querySelector("#status"), badge(change.status));
    this.ctx.announce(`Status: ${label(change.status)}`);
    // the report (and the recording) come once it is written; a start or a cancel changes the actions
    if (change.report_ready || change.status === "cancelled") {
      this.reload(); // the report (and the recording) are there now; or there will be none
    } else if (before !== change.status && this.interview) {
      this.interview = { ...this.interview, status: change.status }; // other actions now
      this.view.querySelector("header.head")?.replaceWith(this.header());
    }
  }

  seek(seconds) {
    this.player.seek(seconds);
  }

  highlight(seconds) {
    let current = null;
    for (const line of this.transcript.querySelectorAll("button.line")) {
      if (Number(line.dataset.start) <= seconds + 0.05) current = line;
    }
    this.transcript.querySelectorAll("[aria-current]").forEach((b) => b !== current && b.removeAttribute("aria-current"));
    if (current) current.setAttribute("aria-current", "time");
  }

  // -- the transcript --------------------------------------------------------------------
  transcriptSection(segments) {
    fill(this.transcript, segments.map((s) => this.line(s)));
    this.emptyNote = h("p", { class: "muted", hidden: segments.length > 0 }, "Nothing has been said yet.");
    return h("section", { class: "card", "aria-labelledby": "transcript-title" },
      h("h2", { id: "transcript-title" }, "Transcript"), this.emptyNote, this.transcript);
  }

  line(segment) {
    const who = SPEAKER[segment.speaker] || segment.speaker;
    const button = h("button", {
      type: "button",
      class: "line",
      dataset: { start: String(segment.start), speaker: segment.speaker },
      "aria-label": `${clock(segment.start)} ${who}: ${segment.text}. Play from here`,
      onclick: () => this.seek(segment.start),
    }, h("span", { class: "t" }, clock(segment.start)), h("span", { class: "who" }, who), h("span", { class: "text" }, segment.text));
    const item = h("li", { dataset: { speaker: segment.speaker } }, button);
    if (segment.id != null) item.dataset.segment = String(segment.id);
    return item;
  }

  /** Live: the recruiter's socket carries every transcript event as it happens. */
  watch() {
    this.socket = liveSocket(`/api/v1/ws/interviews/${this.id}`, (event) => {
      if (event.type === "transcript") this.liveTranscript(event.data || {});
      if (event.type === "interview_ended") this.view.querySelector("#live-marker").hidden = true;
    });
    this.view.querySelector("#live-marker").hidden = false;
  }

  liveTranscript(data) {
    if (data.revised) { // the accurate pass's text for a line already shown
      const text = this.transcript.querySelector(`li[data-segment="${Number(data.segment_id)}"] .text`);
      if (text) text.textContent = data.text;
      return;
    }
    const partial = this.partials[data.speaker];
    if (!data.final) {
      const item = partial || h("li", { class: "partial", dataset: { speaker: data.speaker } },
        h("span", { class: "t" }, "now"), h("span", { class: "who" }, SPEAKER[data.speaker] || data.speaker), h("span", { class: "text" }));
      item.querySelector(".text").textContent = data.text;
      if (!partial) this.transcript.append(item);
      this.partials[data.speaker] = item;
    } else {
      if (data.segment_id != null && this.transcript.querySelector(`li[data-segment="${Number(data.segment_id)}"]`)) return;
      const item = this.line({ ...data, id: data.segment_id });
      if (partial) partial.replaceWith(item);
      else this.transcript.append(item);
      this.partials[data.speaker] = null;
    }
    this.emptyNote.hidden = true;
  }

  // -- the report ------------------------------------------------------------------------
  pendingReport() {
    const text = this.interview.status === "cancelled"
      ? "This interview was cancelled: there is no report."
      : "The report is written when the interview ends.";
    return h("section", { class: "card" }, h("h2", {}, "Report"), h("p", { class: "muted" }, text));
  }

  reportSections(report) {
    return [
      this.summary(report),
      this.questions(report.questions || []),
      this.attention(report.attention),
      this.shares(),
    ];
  }

  summary(report) {
    const verdict = report.recommendation || "";
    return h("section", { class: "card", "aria-labelledby": "summary-title" },
      h("h2", { id: "summary-title" }, "Recommendation"),
      h("div", { class: "figures" },
        h("div", {}, h("span", { class: "muted" }, "Overall score"), h("strong", {}, score(report.overall_score))),
        h("div", {}, h("span", { class: "muted" }, "Recommendation"), h("strong", { class: `verdict ${verdict}` }, label(verdict) || "–"))),
      report.summary ? h("p", {}, report.summary) : null,
      report.recommendation_reasoning ? h("p", { class: "muted" }, [report.recommendation_reasoning].flat().join(" ")) : null,
      h("p", { class: "muted" }, "A recommendation to help a person decide, never a decision."));
  }

  questions(questions) {
    return h("section", { "aria-labelledby": "questions-title" },
      h("h2", { id: "questions-title" }, "Scores per question"),
      questions.map((q) => h("article", { class: "card question" },
        h("div", { class: "qhead" },
          h("span", { class: "muted" }, `${String(q.id || "").toUpperCase()} · ${label(q.section)}`),
          h("span", { class: "score" }, typeof q.score === "number" ? score(q.score, 10) : label(q.status))),
        h("h3", {}, q.text),
        h("p", {}, q.answer || h("em", {}, "No answer was given.")),
        q.feedback ? h("p", { class: "muted" }, q.feedback) : null,
        (q.evidence || []).length ? h("ul", { class: "evidence", "aria-label": "Evidence" },
          q.evidence.map((e) => h("li", {}, this.quote(e)))) : null)));
  }

  quote(evidence) {
    const text = `“${evidence.quote}”`;
    if (typeof evidence.start !== "number") return h("blockquote", {}, text);
    return h("button", { type: "button", class: "quote", onclick: () => this.seek(evidence.start) },
      h("blockquote", {}, text), h("span", { class: "t" }, clock(evidence.start)),
      evidence.point ? h("span", { class: "muted" }, ` · ${evidence.point}`) : null);
  }

  attention(attention) {
    if (!attention) return null;
    const flags = attention.flags || [];
    const image = h("img", {
      class: "timeline",
      alt: "Attention timeline: whether a face was present, whether the candidate looked at the screen, and how many faces were seen, over the interview; flagged stretches are shaded.",
    });
    const section = h("section", { class: "card", "aria-labelledby": "attention-title" },
      h("h2", { id: "attention-title" }, "Attention and integrity"),
      h("p", { class: "muted" }, "Signals for a person to review, never a verdict; they do not count in the score unless your operator switched that on."),
      attention.note ? h("p", {}, attention.note) : null,
      typeof attention.present_share === "number" ? h("p", {},
        `Face present ${Math.round(attention.present_share * 100)} % · looking at the screen ${Math.round((attention.looking_at_screen_share || 0) * 100)} % of ${Math.round(attention.video_seconds || 0)} s of video`) : null,
      image,
      h("h3", {}, flags.length ? `To review (${flags.length})` : "Nothing to review"),
      flags.length ? h("ul", { class: "flags-list" }, flags.map((f) => h("li", {},
        h("button", { type: "button", class: "flag", onclick: () => this.seek(f.start) },
          h("span", { class: "t" }, `${clock(f.start)}–${clock(f.end)}`),
          ` ${FLAG_TEXT[f.type] || label(f.type)}`,
          f.while_answering ? " (while answering)" : "")))) : null);
    api(attention.timeline_url || `/api/v1/interviews/${this.id}/attention.png`, { as: "blob" }).then((blob) => {
      const url = URL.createObjectURL(blob);
      this.objectUrls.push(url);
      image.src = url;
    }).catch((error) => image.replaceWith(h("p", { class: "muted" }, `The timeline could not be drawn: ${error.message}`)));
    return section;
  }

  // -- share links -----------------------------------------------------------------------
  shares() {
    const list = h("ul", { class: "shares" });
    const slot = h("div");
    const made = h("div");
    const section = h("section", { class: "card", "aria-labelledby": "shares-title" },
      h("h2", { id: "shares-title" }, "Share the report"),
      h("p", { class: "muted" }, "A read-only link to this report for someone without an account; it expires, and you can revoke it."),
      list, made, slot);
    const refresh = async () => {
      try {
        const shares = await api(`/api/v1/interviews/${this.id}/shares`);
        fill(list, shares.filter((s) => s.active).map((s) => h("li", {},
          `Link made ${when(s.created_at)}, expires ${when(s.expires_at)} `,
          this.ctx.can("recruiter") ? h("button", {
            type: "button",
            class: "small danger",
            onclick: async () => {
              try { await api(`/api/v1/shares/${s.id}`, { method: "DELETE" }); fill(made); await refresh(); } catch (error) { showError(slot, error); }
            },
          }, "Revoke") : null)));
      } catch (error) {
        showError(slot, error);
      }
    };
    if (this.ctx.can("recruiter")) {
      section.append(h("button", {
        type: "button",
        onclick: async () => {
          try {
            const share = await api(`/api/v1/interviews/${this.id}/share`, { method: "POST", json: { expires_in_hours: 72 } });
            fill(made, field("Share link (shown once)", h("input", { readonly: true, class: "mono", value: share.url })));
            made.querySelector("input").select();
            await refresh();
          } catch (error) {
            showError(slot, error);
          }
        },
      }, "Make a share link (72 hours)"));
    }
    refresh();
    return section;
  }
}

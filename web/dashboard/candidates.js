// Candidates: list and create (with a resume), and one candidate's page: the parsed resume,
// notes and interviews.

import { api } from "./api.js";
import { field, fill, formValues, h, showError, when } from "./dom.js";
import { INTERVIEW_COLUMNS, cell, interviewRow, table } from "./interviews.js";
import { notesSection } from "./notes.js";

const ACCEPT = ".pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain";

async function uploadResume(candidateId, file) {
  const form = new FormData();
  form.append("file", file);
  return api(`/api/v1/candidates/${candidateId}/resume`, { method: "POST", form });
}

function resumeSummary(resume) {
  if (!resume) return h("p", { class: "muted" }, "No resume yet.");
  return h("dl", { class: "facts", id: "resume" },
    h("dt", {}, "Skills"), h("dd", { id: "resume-skills" }, resume.skills.length ? resume.skills.join(", ") : "none recognised"),
    h("dt", {}, "Years of experience"), h("dd", {}, resume.years ?? "–"),
    h("dt", {}, "Roles"), h("dd", {}, resume.roles.length ? resume.roles.join(", ") : "–"),
    h("dt", {}, "File"), h("dd", {}, `${resume.filename || "resume"} · ${when(resume.uploaded_at)}`));
}

export async function renderList(view, ctx) {
  const slot = h("div");
  const body = h("div", { class: "table-wrap" });
  const editor = h("div");
  const search = h("input", { type: "search", name: "q", maxlength: "200", "aria-label": "Search candidates", placeholder: "Search by name or email" });
  view.append(
    h("div", { class: "heading" },
      h("h1", {}, "Candidates"),
      ctx.can("recruiter") ? h("button", { type: "button", class: "primary", onclick: () => create() }, "New candidate") : null),
    editor,
    h("form", { class: "filters", role: "search", onsubmit: (e) => { e.preventDefault(); load(); } }, field("Search", search)),
    slot, body);

  const load = async () => {
    try {
      const q = search.value.trim();
      const page = await api(`/api/v1/candidates?limit=200${q ? `&q=${encodeURIComponent(q)}` : ""}`);
      fill(body, page.items.length
        ? table(["Name", "Email", "Resume skills", "Added"], page.items.map((c) => h("tr", { dataset: { id: c.id } },
          cell("Name", h("a", { href: `#/candidates/${c.id}` }, c.name)),
          cell("Email", c.email || "–"),
          cell("Resume skills", c.resume ? c.resume.skills.slice(0, 8).join(", ") || "none recognised" : "no resume"),
          cell("Added", when(c.created_at)))), "Candidates")
        : h("p", { class: "muted" }, "No candidates yet."));
      showError(slot, null);
    } catch (error) {
      showError(slot, error);
    }
  };

  const create = () => {
    const formSlot = h("div");
    const form = h("form", { class: "card form", "aria-labelledby": "candidate-form-title" },
      h("h2", { id: "candidate-form-title" }, "New candidate"),
      field("Name", h("input", { name: "name", required: true, maxlength: "200", autocomplete: "off" })),
      field("Email (optional)", h("input", { name: "email", type: "email", maxlength: "254", autocomplete: "off" })),
      field("Phone (optional)", h("input", { name: "phone", type: "tel", maxlength: "40", autocomplete: "off" })),
      field("Resume (optional: PDF, DOCX or TXT, up to 2 MB)", h("input", { name: "file", type: "file", accept: ACCEPT })),
      formSlot,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, "Add the candidate"),
        h("button", { type: "button", onclick: () => fill(editor) }, "Cancel")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = formValues(form);
      const body = { name: v.name };
      if (v.email) body.email = v.email;
      if (v.phone) body.phone = v.phone;
      const file = form.querySelector("input[type=file]").files[0];
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const created = await api("/api/v1/candidates", { method: "POST", json: body });
        if (file) {
          try {
            await uploadResume(created.id, file);
          } catch (error) { // the record exists: go on to its page, and say what went wrong
            ctx.announce(`The candidate was added, but the resume was not: ${error.message}`);
          }
        }
        location.hash = `#/candidates/${created.id}`;
      } catch (error) {
        showError(formSlot, error);
        button.disabled = false;
      }
    });
    fill(editor, form);
    form.querySelector("input").focus();
  };

  await load();
}

export async function renderOne(view, ctx, { id }) {
  const [person, interviews, jobs] = await Promise.all([
    api(`/api/v1/candidates/${encodeURIComponent(id)}`),
    api(`/api/v1/candidates/${encodeURIComponent(id)}/interviews?limit=100`),
    api("/api/v1/jobs?limit=200"),
  ]);
  if (!ctx.current()) return;
  const jobsById = new Map(jobs.items.map((j) => [j.id, j]));
  const resume = h("div", {}, resumeSummary(person.resume));
  const slot = h("div");
  const resumeCard = h("section", { class: "card", "aria-labelledby": "resume-title" },
    h("h2", { id: "resume-title" }, "Resume"), resume, slot);
  if (ctx.can("recruiter")) {
    const form = h("form", { class: "form inline" },
      field(person.resume ? "Replace the resume" : "Upload a resume", h("input", { name: "file", type: "file", accept: ACCEPT, required: true })),
      h("button", { type: "submit" }, "Upload"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = form.querySelector("input[type=file]").files[0];
      if (!file) return;
      try {
        const updated = await uploadResume(id, file);
        fill(resume, resumeSummary(updated.resume));
        showError(slot, null);
        form.reset();
        ctx.announce("Resume read");
      } catch (error) {
        showError(slot, error);
      }
    });
    resumeCard.append(form);
  }
  view.append(
    h("header", { class: "card head" },
      h("p", { class: "muted" }, h("a", { href: "#/candidates" }, "Candidates"), " / this candidate"),
      h("h1", {}, person.name),
      h("p", {}, [person.email, person.phone].filter(Boolean).join(" · ") || h("span", { class: "muted" }, "No contact details")),
      ctx.can("recruiter") ? h("a", { class: "button", href: `#/interviews/new?candidate=${person.id}` }, "New interview with this candidate") : null),
    resumeCard,
    h("section", { class: "card", "aria-labelledby": "cand-interviews-title" },
      h("h2", { id: "cand-interviews-title" }, "Interviews"),
      interviews.items.length
        ? h("div", { class: "table-wrap" }, table(INTERVIEW_COLUMNS, interviews.items.map((i) => interviewRow(i, jobsById)), "Interviews"))
        : h("p", { class: "muted" }, "No interviews yet.")));
  const notes = await notesSection(ctx, person.id);
  if (notes && ctx.current()) view.append(notes);
}

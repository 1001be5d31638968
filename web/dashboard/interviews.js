// The interviews list (live statuses, filters) and the create-interview form with its invitation.

import { api } from "./api.js";
import { badge, download, field, fill, formValues, h, label, score, showError, when } from "./dom.js";

const STATUSES = ["scheduled", "in_progress", "completed", "cancelled"];
const MODES = ["video", "audio", "phone", "chat"];

async function jobTitles() {
  const jobs = await api("/api/v1/jobs?limit=200");
  return new Map(jobs.items.map((job) => [job.id, job]));
}

/** A table that turns into cards at phone width (each cell says what it is). */
export function table(columns, rows, caption) {
  return h("table", { class: "list" },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows));
}

export function cell(name, ...content) {
  return h("td", { "data-label": name }, ...content);
}

export function interviewRow(item, jobs) {
  const job = item.job_id && jobs.get(item.job_id);
  return h("tr", { dataset: { id: item.id } },
    cell("Candidate", h("a", { href: `#/interviews/${item.id}` }, item.candidate_name || "Unnamed candidate")),
    cell("Job", job ? job.title : item.role),
    cell("Status", badge(item.status)),
    cell("Mode", item.mode),
    cell("Score", score(item.overall_score)),
    cell("Recommendation", item.recommendation ? h("span", { class: `verdict ${item.recommendation}` }, label(item.recommendation)) : "–"),
    cell("Flags", item.flag_count ? h("span", { class: "flags" }, `${item.flag_count} to review`) : "–"),
    cell("Created", when(item.created_at)));
}

export const INTERVIEW_COLUMNS = ["Candidate", "Job", "Status", "Mode", "Score", "Recommendation", "Flags", "Created"];

export async function renderList(view, ctx, _params, query) {
  const jobs = await jobTitles();
  const slot = h("div");
  const body = h("div", { class: "table-wrap" });
  const filters = h("form", { class: "filters", role: "search", "aria-label": "Filter interviews" },
    field("Status", h("select", { name: "status" },
      h("option", { value: "" }, "Any status"),
      STATUSES.map((s) => h("option", { value: s, selected: query.get("status") === s }, label(s))))),
    field("Job", h("select", { name: "job_id" },
      h("option", { value: "" }, "Any job"),
      [...jobs.values()].map((j) => h("option", { value: j.id, selected: query.get("job_id") === j.id }, j.title)))));
  view.append(
    h("div", { class: "heading" },
      h("h1", {}, "Interviews"),
      ctx.can("recruiter") ? h("a", { class: "button primary", href: "#/interviews/new" }, "New interview") : null),
    filters, slot, body);

  const load = async () => {
    const { status, job_id: jobId } = formValues(filters);
    const params = new URLSearchParams({ limit: "100" });
    if (status) params.set("status", status);
    if (jobId) params.set("job_id", jobId);
    try {
      const page = await api(`/api/v1/interviews?${params}`);
      // keep the keyboard where it was when the rows are redrawn
      const focused = document.activeElement && document.activeElement.closest("tr[data-id]");
      const rows = page.items.map((item) => interviewRow(item, jobs));
      fill(body, page.items.length
        ? table(INTERVIEW_COLUMNS, rows, "Interviews")
        : h("p", { class: "muted" }, "No interviews yet."));
      if (page.total > page.items.length) body.append(h("p", { class: "muted" }, `Showing ${page.items.length} of ${page.total}.`));
      if (focused) body.querySelector(`tr[data-id="${focused.dataset.id}"] a`)?.focus();
      showError(slot, null);
    } catch (error) {
      showError(slot, error);
    }
  };
  filters.addEventListener("change", load);
  filters.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  ctx.onStatus((change) => {
    const row = body.querySelector(`tr[data-id="${change.interview_id}"]`);
    if (row) {
      const who = row.querySelector("a").textContent;
      ctx.announce(`${who}: ${label(change.status)}`);
    }
    load();
  });
  await load();
}

function toIso(local) {
  // datetime-local has no zone: it is the recruiter's own
  return local ? new Date(local).toISOString() : undefined;
}

export async function renderNew(view, ctx, _params, query) {
  view.append(h("h1", {}, "New interview"));
  if (!ctx.can("recruiter")) {
    view.append(h("p", {}, "Your role can read interviews but not create them."));
    return;
  }
  const [jobs, people] = await Promise.all([
    api("/api/v1/jobs?status=open&limit=200"),
    api("/api/v1/candidates?limit=200"),
  ]);
  const slot = h("div");
  const result = h("div");
  const form = h("form", { class: "card form" },
    field("Job", h("select", { name: "job_id" },
      h("option", { value: "" }, "No job: type the role below"),
      jobs.items.map((j) => h("option", { value: j.id, selected: query.get("job") === j.id }, `${j.title} (${j.level})`)))),
    field("Role (when no job is chosen)", h("input", { name: "role", maxlength: "200", placeholder: "Backend Engineer" })),
    field("Candidate", h("select", { name: "candidate_id" },
      h("option", { value: "" }, "No candidate record: type a name below"),
      people.items.map((c) => h("option", { value: c.id, selected: query.get("candidate") === c.id }, c.email ? `${c.name} <${c.email}>` : c.name)))),
    field("Candidate name (when no record is chosen)", h("input", { name: "candidate_name", maxlength: "200" })),
    h("div", { class: "row" },
      field("Mode", h("select", { name: "mode" }, MODES.map((m) => h("option", { value: m }, m)))),
      field("Duration (minutes)", h("input", { name: "duration_minutes", type: "number", min: "2", max: "180", value: "20", required: true })),
      field("Scheduled at (optional)", h("input", { name: "scheduled_at", type: "datetime-local" }))),
    slot,
    h("button", { type: "submit", class: "primary" }, "Create the interview"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { mode: v.mode, duration_minutes: Number(v.duration_minutes) };
    if (v.job_id) body.job_id = v.job_id;
    if (v.role) body.role = v.role;
    if (v.candidate_id) body.candidate_id = v.candidate_id;
    if (v.candidate_name) body.candidate_name = v.candidate_name;
    if (v.scheduled_at) body.scheduled_at = toIso(v.scheduled_at);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const created = await api("/api/v1/interviews", { method: "POST", json: body });
      showError(slot, null);
      form.hidden = true;
      fill(result, invitationCard(created));
      result.querySelector("h2").focus();
      ctx.announce("Interview created");
    } catch (error) {
      showError(slot, error);
    } finally {
      button.disabled = false;
    }
  });
  view.append(form, result);
}

function copyButton(text, what) {
  const button = h("button", { type: "button", class: "small" }, `Copy ${what}`);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy it by hand";
    }
  });
  return button;
}

/** The invitation: the join link (shown once), the email and the calendar event. */
export function invitationCard(created) {
  const invitation = created.invitation || {};
  const ics = invitation.ics;
  return h("section", { class: "card", "aria-labelledby": "invitation-title" },
    h("h2", { id: "invitation-title", tabindex: "-1" }, "Invitation"),
    h("p", {}, "The join link is shown only now (the server keeps its hash). Send it to the candidate."),
    field("Join link", h("input", { readonly: true, value: created.join_url, class: "mono", id: "join-url" })),
    copyButton(created.join_url, "the link"),
    h("h3", {}, "Email"),
    h("p", {}, h("strong", {}, "Subject: "), h("span", { id: "invitation-subject" }, invitation.subject || "")),
    h("pre", { class: "email", id: "invitation-body" }, invitation.body || ""),
    copyButton(`${invitation.subject || ""}\n\n${invitation.body || ""}`, "the email"),
    ics ? h("button", {
      type: "button",
      class: "small",
      onclick: () => download(new Blob([ics], { type: "text/calendar" }), `interview-${created.id}.ics`),
    }, "Download the calendar event (.ics)") : h("p", { class: "muted" }, "No calendar event: the interview has no scheduled time."),
    h("p", {}, h("a", { href: `#/interviews/${created.id}` }, "Open the interview")));
}

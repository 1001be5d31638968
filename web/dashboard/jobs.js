// Jobs: list (open / archived), create, edit, archive or reopen, and a drafted description.

import { api } from "./api.js";
import { badge, field, fill, formValues, h, showError, skillsOf, when } from "./dom.js";
import { cell, table } from "./interviews.js";

const LEVELS = ["junior", "middle", "senior"];

export async function render(view, ctx) {
  const slot = h("div");
  const body = h("div", { class: "table-wrap" });
  const editor = h("div");
  const filter = h("select", { name: "status", "aria-label": "Show jobs" },
    h("option", { value: "open" }, "Open jobs"), h("option", { value: "archived" }, "Archived jobs"), h("option", { value: "" }, "All jobs"));
  view.append(
    h("div", { class: "heading" },
      h("h1", {}, "Jobs"),
      ctx.can("recruiter") ? h("button", { type: "button", class: "primary", onclick: () => edit(null) }, "New job") : null),
    editor,
    h("div", { class: "filters" }, field("Show", filter)),
    slot, body);

  const load = async () => {
    try {
      const status = filter.value;
      const page = await api(`/api/v1/jobs?limit=200${status ? `&status=${status}` : ""}`);
      fill(body, page.items.length ? table(["Title", "Level", "Skills", "Status", "Updated", "Actions"], page.items.map(row), "Jobs")
        : h("p", { class: "muted" }, "No jobs here yet."));
      showError(slot, null);
    } catch (error) {
      showError(slot, error);
    }
  };

  const act = async (path, json, method = "POST") => {
    try {
      await api(path, { method, json });
      await load();
    } catch (error) {
      showError(slot, error);
    }
  };

  const row = (job) => h("tr", { dataset: { id: job.id } },
    cell("Title", h("strong", {}, job.title)),
    cell("Level", job.level),
    cell("Skills", job.skills.join(", ") || "–"),
    cell("Status", badge(job.status)),
    cell("Updated", when(job.updated_at)),
    cell("Actions", h("div", { class: "actions" },
      h("a", { href: `#/interviews?job_id=${job.id}`, class: "button small" }, "Interviews"),
      ctx.can("recruiter") ? [
        h("button", { type: "button", class: "small", onclick: () => edit(job) }, "Edit"),
        job.status === "open"
          ? h("button", { type: "button", class: "small", onclick: () => act(`/api/v1/jobs/${job.id}/archive`) }, "Archive")
          : h("button", { type: "button", class: "small", onclick: () => act(`/api/v1/jobs/${job.id}`, { status: "open" }, "PATCH") }, "Reopen"),
        job.status === "open" ? h("a", { class: "button small", href: `#/interviews/new?job=${job.id}` }, "New interview") : null,
      ] : null)));

  const edit = (job) => {
    fill(editor, jobForm(job, async () => { fill(editor); await load(); }, () => fill(editor)));
    editor.querySelector("input").focus();
  };

  filter.addEventListener("change", load);
  await load();
}

function jobForm(job, saved, cancelled) {
  const slot = h("div");
  const description = h("textarea", { name: "description", rows: "8", maxlength: "20000" }, job ? job.description : "");
  const form = h("form", { class: "card form", "aria-labelledby": "job-form-title" },
    h("h2", { id: "job-form-title" }, job ? `Edit ${job.title}` : "New job"),
    field("Title", h("input", { name: "title", required: true, maxlength: "200", value: job ? job.title : "" })),
    field("Level", h("select", { name: "level" },
      LEVELS.map((l) => h("option", { value: l, selected: (job ? job.level : "middle") === l }, l)))),
    field("Skills (comma-separated)", h("input", { name: "skills", value: job ? job.skills.join(", ") : "", placeholder: "Python, SQL" })),
    field("Description", description),
    h("button", {
      type: "button",
      onclick: async (event) => {
        const v = formValues(form);
        if (!v.title) { showError(slot, new Error("Give the job a title first: the draft is written from it.")); return; }
        event.currentTarget.disabled = true;
        try {
          const drafted = await api("/api/v1/jobs/generate-description", {
            method: "POST", json: { title: v.title, level: v.level, skills: skillsOf(v.skills) },
          });
          description.value = drafted.description;
          showError(slot, null);
        } catch (error) {
          showError(slot, error);
        } finally {
          form.querySelector("button[type=button]").disabled = false;
        }
      },
    }, "Draft a description"),
    slot,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, job ? "Save" : "Create the job"),
      h("button", { type: "button", onclick: cancelled }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { title: v.title, level: v.level, skills: skillsOf(v.skills), description: description.value };
    try {
      if (job) await api(`/api/v1/jobs/${job.id}`, { method: "PATCH", json: body });
      else await api("/api/v1/jobs", { method: "POST", json: body });
      await saved();
    } catch (error) {
      showError(slot, error);
    }
  });
  return form;
}

// A candidate's notes: read by everyone in the organisation, added by recruiters.

import { api, ApiError } from "./api.js";
import { errorBox, field, fill, formValues, h, showError, when } from "./dom.js";

/** The notes section, or null when `candidateId` is not one of the organisation's records. */
export async function notesSection(ctx, candidateId) {
  let notes;
  try {
    notes = await api(`/api/v1/candidates/${encodeURIComponent(candidateId)}/notes`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null; // an integration's own reference
    return h("section", { class: "card" }, h("h2", {}, "Notes"), errorBox(error));
  }
  const list = h("ul", { class: "notes", id: "notes" });
  const show = (items) => fill(list, items.length
    ? items.map((n) => h("li", {}, h("p", {}, n.text), h("p", { class: "muted" }, `${n.author} · ${when(n.created_at)}`)))
    : h("li", { class: "muted" }, "No notes yet."));
  show(notes);
  const section = h("section", { class: "card", "aria-labelledby": "notes-title" },
    h("h2", { id: "notes-title" }, "Notes on the candidate"), list);
  if (ctx.can("recruiter")) {
    const slot = h("div");
    const form = h("form", { class: "form" },
      field("Add a note", h("textarea", { name: "text", rows: "3", maxlength: "5000", required: true })),
      slot,
      h("button", { type: "submit" }, "Add the note"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/v1/candidates/${encodeURIComponent(candidateId)}/notes`, { method: "POST", json: { text: formValues(form).text } });
        form.reset();
        showError(slot, null);
        show(await api(`/api/v1/candidates/${encodeURIComponent(candidateId)}/notes`));
      } catch (error) {
        showError(slot, error);
      }
    });
    section.append(form);
  }
  return section;
}

// Webhooks (admins): subscriptions, the secret shown once, and each one's delivery log.

import { api } from "./api.js";
import { badge, field, fill, formValues, h, showError, when } from "./dom.js";
import { cell, table } from "./interviews.js";

const EVENTS = ["interview.started", "interview.completed", "report.ready"];

export async function render(view, ctx) {
  view.append(h("h1", {}, "Webhooks"));
  if (!ctx.can("admin")) {
    view.append(h("p", {}, "Webhooks send candidates' data to other servers: only admins manage them."));
    return;
  }
  const slot = h("div");
  const list = h("div");
  const created = h("div");
  const form = h("form", { class: "card form", "aria-labelledby": "webhook-form-title" },
    h("h2", { id: "webhook-form-title" }, "New webhook"),
    field("URL", h("input", { name: "url", type: "url", required: true, maxlength: "2000", placeholder: "https://ats.example.com/intervox" })),
    h("fieldset", {}, h("legend", {}, "Events"),
      EVENTS.map((e) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "events", value: e, checked: true }), e))),
    slot,
    h("button", { type: "submit", class: "primary" }, "Add the webhook"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const events = [...form.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
    try {
      const hook = await api("/api/v1/webhooks", { method: "POST", json: { url: formValues(form).url, events } });
      form.reset();
      showError(slot, null);
      fill(created, h("div", { class: "card notice", role: "status" },
        h("p", {}, h("strong", {}, "Signing secret (shown once): "), h("code", { class: "mono", id: "webhook-secret" }, hook.secret)),
        h("p", { class: "muted" }, "Verify X-Intervox-Signature with it. Store it now: it cannot be shown again.")));
      await load();
    } catch (error) {
      showError(slot, error);
    }
  });

  const load = async () => {
    try {
      const hooks = await api("/api/v1/webhooks");
      fill(list, hooks.length ? hooks.map(hookCard) : h("p", { class: "muted" }, "No webhooks yet."));
    } catch (error) {
      showError(slot, error);
    }
  };

  const hookCard = (hook) => {
    const log = h("div", { hidden: true, id: `log-${hook.id}` });
    const cardSlot = h("div");
    const toggle = h("button", { type: "button", class: "small", "aria-expanded": "false", "aria-controls": log.id }, "Show the delivery log");
    toggle.addEventListener("click", async () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide the delivery log" : "Show the delivery log";
      log.hidden = !open;
      if (open) {
        try {
          fill(log, deliveries((await api(`/api/v1/webhooks/${hook.id}/deliveries`)).items));
        } catch (error) {
          showError(cardSlot, error);
        }
      }
    });
    const remove = h("button", { type: "button", class: "small danger" }, "Delete");
    remove.addEventListener("click", async () => {
      try {
        await api(`/api/v1/webhooks/${hook.id}`, { method: "DELETE" });
        await load();
      } catch (error) {
        showError(cardSlot, error);
      }
    });
    return h("article", { class: "card" },
      h("h2", { class: "mono url" }, hook.url),
      h("p", { class: "muted" }, `${hook.events.join(", ")} · added ${when(hook.created_at)}`),
      h("div", { class: "actions" }, toggle, remove), cardSlot, log);
  };

  view.append(form, created, h("h2", {}, "Subscriptions"), list);
  await load();
}

function deliveries(items) {
  if (!items.length) return h("p", { class: "muted" }, "Nothing has been sent yet.");
  return h("div", { class: "table-wrap" }, table(["Event", "Status", "Attempts", "Queued", "Last attempt"], items.map((d) => {
    const last = d.log[d.log.length - 1];
    const outcome = last ? `${last.status_code ?? "no answer"}${last.error ? `: ${last.error}` : ""} (${last.duration_ms} ms)` : "–";
    return h("tr", {},
      cell("Event", d.event),
      cell("Status", badge(d.status)),
      cell("Attempts", String(d.attempts)),
      cell("Queued", when(d.created_at)),
      cell("Last attempt", d.status === "pending" && d.next_attempt_at ? `${outcome}; next ${when(d.next_attempt_at)}` : outcome));
  }), "Deliveries"));
}

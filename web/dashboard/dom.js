// Small DOM helpers: build elements from text (never parsed markup), format times.

/**
 * h("button", { class: "x", onclick: fn, "aria-label": "..." }, "text", child, [more])
 * Attributes starting with "on" become listeners; false/null attributes are left out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** 75.4 -> "1:15" (hours when needed). */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(Number(seconds) || 0));
  const h_ = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h_ ? `${h_}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "strong_hire" -> "strong hire" */
export function label(value) {
  return String(value ?? "").replaceAll("_", " ");
}

export function score(value, outOf = 100) {
  return typeof value === "number" ? `${Math.round(value * 10) / 10}${outOf === 10 ? " / 10" : ""}` : "–";
}

/** An error as people read it, in an alert region. */
export function errorBox(error) {
  const code = error && error.code ? ` (${error.code})` : "";
  // 422: which fields, and what is wrong with each ("body.email: String should match ...")
  const fields = error && error.details && Array.isArray(error.details.fields)
    ? error.details.fields.map((f) => `${String(f.field || "").replace(/^body\./, "")}: ${f.message || ""}`)
    : [];
  return h("div", { class: "error", role: "alert" },
    h("p", {}, `${(error && error.message) || String(error)}${code}`),
    fields.length ? h("ul", {}, fields.map((f) => h("li", {}, f))) : null);
}

/** Show an error (or clear it) in a slot element. */
export function showError(slot, error) {
  fill(slot, error ? errorBox(error) : null);
}

/** A status as a badge. */
export function badge(status) {
  return h("span", { class: `badge ${status}` }, label(status));
}

/** Trigger a download of a Blob under a file name. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Read a form's named fields as an object of trimmed strings. */
export function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value === "string") values[name] = value.trim();
  }
  return values;
}

export function skillsOf(text) {
  return String(text || "").split(",").map((s) => s.trim()).filter(Boolean);
}

let fieldIds = 0;

/** A labelled control: <label for> names it (a wrapping label would add the control's own text). */
export function field(text, control) {
  if (!control.id) control.id = `field-${++fieldIds}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, text), control);
}

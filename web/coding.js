// A coding interview's workspace in the room: the task, a CodeMirror 6 editor (bundled in
// vendor/codemirror.js, see vendor/source/build.sh) with one buffer per language, autosave,
// Run (button or Ctrl/Cmd+Enter) and the visible tests' results. Loaded by room.js.
import {
  EditorState, Compartment, EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, defaultKeymap, history, historyKeymap, indentWithTab, syntaxHighlighting,
  defaultHighlightStyle, indentOnInput, bracketMatching, indentUnit, closeBrackets, closeBracketsKeymap,
  python, javascript,
} from "./vendor/codemirror.js";
import { watchIntegrity } from "./integrity.js";

const $ = (id) => document.getElementById(id);
const SAVE_AFTER_MS = 1500; // a pause in typing this long saves a version
const MODES = { python: () => python(), javascript: () => javascript() };
const NAMES = { python: "Python", javascript: "JavaScript" };
// The editor lives in a shadow root: CodeMirror's styles then go into a constructed style sheet
// there, which the room's strict Content-Security-Policy (style-src 'self') allows; in the
// document itself they would need an inline <style>, which it refuses.
const THEME = EditorView.theme({
  "&": { height: "100%", fontSize: "15px", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "3px solid #1d4ed8", outlineOffset: "-3px" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "#f6f7f9", color: "#6b7280", borderRight: "1px solid #e5e7eb" },
});

async function errorOf(response) {
  try { return (await response.json()).error || {}; } catch { return {}; }
}

// The statement's `code` spans become <code> elements; everything is text, never HTML.
function renderText(parent, text) {
  for (const paragraph of String(text).split(/\n{2,}/)) {
    const p = document.createElement("p");
    String(paragraph).split("`").forEach((part, i) => {
      if (!part) return;
      if (i % 2) { const code = document.createElement("code"); code.textContent = part; p.append(code); }
      else p.append(part);
    });
    parent.append(p);
  }
}

function renderTask(task) {
  $("task-title").textContent = task.title;
  const statement = $("task-statement");
  statement.replaceChildren();
  renderText(statement, task.statement);
  const examples = $("task-examples");
  examples.replaceChildren();
  if (task.examples.length) {
    const heading = document.createElement("h3");
    heading.textContent = "Examples";
    examples.append(heading);
  }
  for (const example of task.examples) {
    const box = document.createElement("div");
    box.className = "example";
    const pre = document.createElement("pre");
    pre.textContent = `Input: ${example.input}\nOutput: ${example.output}`;
    box.append(pre);
    if (example.explanation) renderText(box, example.explanation);
    examples.append(box);
  }
  $("task-note").textContent =
    `Run tests tries the ${task.visible_tests.length} visible tests; ${task.hidden_test_count} more are run on ` +
    `your final code after the interview. Each run has ${task.limits.cpu_s} s of CPU and ${task.limits.memory_mb} MB.`;
  for (const id of ["task-card", "editor-card", "results-card"]) $(id).hidden = false;
}

function show(value) {
  return value === undefined ? "" : JSON.stringify(value);
}

function renderRun(result) {
  const summary = $("run-summary");
  summary.className = `run-summary ${result.status}`;
  summary.textContent = result.message || result.status;
  const list = $("tests");
  list.replaceChildren();
  for (const test of result.tests) {
    const item = document.createElement("li");
    item.className = test.passed ? "pass" : "fail";
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = test.passed ? "✓" : "✗";
    mark.setAttribute("aria-label", test.passed ? "passed" : "failed");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = test.name;
    item.append(mark, name);
    if (!test.passed) {
      const details = document.createElement("dl");
      const rows = [["Expected", show(test.expected)]];
      if (test.error) rows.push(["Error", test.error]);
      else rows.push(["Got", show(test.actual)]);
      for (const [label, value] of rows) {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.textContent = value;
        details.append(dt, dd);
      }
      item.append(details);
    }
    list.append(item);
  }
  $("stdout").textContent = result.stdout || "";
  $("stderr").textContent = result.stderr || "";
  $("output").hidden = !(result.stdout || result.stderr);
  $("output").open = Boolean(result.stderr);
  const mb = (result.memory_kb / 1024).toFixed(1);
  $("run-figures").textContent =
    `Time ${Math.round(result.wall_ms)} ms · CPU ${Math.round(result.cpu_ms)} ms · memory ${mb} MB`;
}

// Typing over a selection: Chrome's own editing would replace it first, wrapping the new text in
// a span with an inline style (to keep the colour of the text it replaced), which the room's
// Content-Security-Policy refuses (a console error, though CodeMirror redraws the line anyway).
// Such input is applied here as CodeMirror does (its input handlers first, e.g. closing brackets).
const TYPING_OVER_SELECTION = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { from, to } = view.state.selection.main;
    if (event.inputType !== "insertText" || event.isComposing || !event.data || from === to) return false;
    event.preventDefault();
    const insert = () => view.state.replaceSelection(event.data);
    const handlers = view.state.facet(EditorView.inputHandler);
    if (!handlers.some((handler) => handler(view, from, to, event.data, insert))) {
      view.dispatch(insert(), { userEvent: "input.type", scrollIntoView: true });
    }
    return true;
  },
});

class Workspace {
  constructor(api, task, onEnded) {
    this.api = api;
    this.task = task;
    this.onEnded = onEnded;
    this.language = task.draft ? task.draft.language : task.language || task.languages[0];
    // one buffer per language: the latest saved draft in it, else the starter code
    this.buffers = {};
    this.saved = {};
    for (const lang of task.languages) {
      const draft = (task.drafts || {})[lang];
      this.buffers[lang] = draft ? draft.code : task.starter[lang];
      this.saved[lang] = draft ? draft.code : null;
    }
    this.timer = null;
    this.saving = Promise.resolve();
    this.stopped = false;
    this.mode = new Compartment();
    const host = $("editor");
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    this.view = new EditorView({ root, parent: root, state: this.stateFor(this.language) });
    this.view.contentDOM.setAttribute("aria-label", "Your code");
    this.setUpLanguages();
    $("run").disabled = false;
    $("run").addEventListener("click", () => this.run());
    // Ctrl/Cmd+Enter runs from anywhere in the room, not only from inside the editor
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !event.defaultPrevented) {
        event.preventDefault();
        this.run();
      }
    });
  }

  stateFor(language) {
    return EditorState.create({
      doc: this.buffers[language],
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
        indentOnInput(), bracketMatching(), closeBrackets(), indentUnit.of(language === "python" ? "    " : "  "),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }), THEME, TYPING_OVER_SELECTION,
        keymap.of([
          { key: "Mod-Enter", run: () => { this.run(); return true; } },
          ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab,
        ]),
        this.mode.of(MODES[language]()),
        EditorView.updateListener.of((update) => { if (update.docChanged) this.changed(); }),
        EditorState.readOnly.of(this.stopped),
      ],
    });
  }

  setUpLanguages() {
    const select = $("language");
    select.replaceChildren();
    for (const lang of this.task.languages) {
      const option = document.createElement("option");
      option.value = lang;
      option.textContent = NAMES[lang] || lang;
      select.append(option);
    }
    select.value = this.language;
    select.disabled = this.task.languages.length < 2;
    select.addEventListener("change", () => this.switchTo(select.value));
  }

  get code() {
    return this.view.state.doc.toString();
  }

  changed() {
    this.buffers[this.language] = this.code;
    this.status("Not saved yet");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_AFTER_MS);
  }

  status(text) {
    $("save-state").textContent = text;
  }

  // Saves the shown language's code when it differs from what was last saved in it (or always).
  save(always = false) {
    clearTimeout(this.timer);
    const language = this.language;
    const code = this.buffers[language];
    if (this.stopped || (!always && code === this.saved[language])) return this.saving;
    this.saving = this.saving.then(() => this.put(language, code));
    return this.saving;
  }

  async put(language, code) {
    this.status("Saving…");
    let response;
    try {
      response = await this.api("/code", { method: "PUT", body: JSON.stringify({ language, code }) });
    } catch {
      this.status("Not saved: offline, retrying…");
      this.timer = setTimeout(() => this.save(), 5000);
      return;
    }
    if (response.ok) {
      this.saved[language] = code;
      this.status(`Saved ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`);
      return;
    }
    const error = await errorOf(response);
    if (error.code === "INTERVIEW_ENDED") return this.onEnded();
    if (response.status === 413) return this.status("Not saved: the code is over the size limit");
    this.status("Not saved, retrying…");
    this.timer = setTimeout(() => this.save(), 5000);
  }

  async switchTo(language) {
    if (language === this.language || !(language in this.buffers)) return;
    await this.save();
    this.language = language;
    this.view.setState(this.stateFor(language));
    // the language on screen is the one reviewed at the end: its code becomes the latest version
    await this.save(true);
  }

  async run() {
    if (this.running || this.stopped) return;
    this.running = true;
    clearTimeout(this.timer);
    $("run").disabled = true;
    $("run-summary").className = "run-summary running";
    $("run-summary").textContent = "Running the visible tests…";
    const language = this.language;
    const code = this.code;
    try {
      await this.saving;
      const response = await this.api("/run", { method: "POST", body: JSON.stringify({ language, code }) });
      if (response.ok) {
        this.saved[language] = code; // a run saves the code it runs
        this.status("Saved");
        renderRun(await response.json());
        return;
      }
      const error = await errorOf(response);
      if (error.code === "INTERVIEW_ENDED") return this.onEnded();
      const wait = response.headers.get("Retry-After");
      const text = {
        503: "The test runner is busy right now.",
        429: "That is a lot of runs in a minute.",
        413: "The code is over the size limit.",
      }[response.status] || error.message || "The run failed.";
      $("run-summary").className = "run-summary error";
      $("run-summary").textContent = text + (wait ? ` Try again in ${wait} s.` : "");
    } catch {
      $("run-summary").className = "run-summary error";
      $("run-summary").textContent = "The server could not be reached. Try again in a moment.";
    } finally {
      this.running = false;
      $("run").disabled = this.stopped;
      if (this.buffers[this.language] !== this.saved[this.language]) this.save(); // a refused run saved nothing
    }
  }

  async flush() {
    await this.save();
    await this.saving;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    $("run").disabled = true;
    this.view.setState(this.stateFor(this.language));
  }
}

// Loads the task (its first opening starts the interview's clock) and sets the workspace up.
export async function start({ api, onEnded }) {
  const response = await api("/task");
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.code === "INTERVIEW_ENDED") return onEnded();
    throw new Error(`the task could not be loaded: ${response.status}`);
  }
  const task = await response.json();
  renderTask(task);
  const workspace = new Workspace(api, task, onEnded);
  watchIntegrity({
    editor: workspace.view.dom,
    statement: $("task-card"),
    report: (type, details) => {
      api("/integrity", {
        method: "POST", keepalive: true, body: JSON.stringify({ type, at: new Date().toISOString(), details }),
      }).catch(() => {}); // a signal, never in the candidate's way
    },
  });
  return workspace;
}

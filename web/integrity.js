// What the editor page reports for a person to review (disclosed before the interview starts):
// large pastes into the editor, copies from the task, leaving the tab or the window (with how
// long), and the developer tools opening. Signals with innocent explanations, never a verdict;
// reporting never blocks or slows the candidate.

export const PASTE_REPORT_CHARS = 40; // shorter pastes (a name, a line) are not worth a signal
const FOCUS_LOSS_MIN_MS = 2000; // a click on the browser's own bar is not leaving the page
const DEVTOOLS_GAP_PX = 160; // docked developer tools take at least this much of the window
const MAX_REPORTS_PER_MINUTE = 30; // well under the server's limit; past it signals are dropped

export function watchIntegrity({ editor, statement, report }) {
  let sent = [];
  const send = (type, details = {}) => {
    const now = Date.now();
    sent = sent.filter((t) => now - t < 60_000);
    if (sent.length >= MAX_REPORTS_PER_MINUTE) return;
    sent.push(now);
    report(type, details);
  };

  editor.addEventListener("paste", (event) => {
    const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (text.length >= PASTE_REPORT_CHARS) send("paste", { chars: text.length, lines: text.split("\n").length });
  }, true);

  statement.addEventListener("copy", () => {
    const chars = String(document.getSelection() || "").length;
    if (chars) send("copy", { source: "statement", chars });
  });

  // Leaving the tab (hidden), or the window while the tab stays visible (another window on top).
  let hiddenAt = null;
  let blurredAt = null;
  let lastHidden = 0;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenAt = Date.now();
      lastHidden = hiddenAt;
    } else if (hiddenAt !== null) {
      send("tab_switch", { duration_ms: Date.now() - hiddenAt });
      hiddenAt = null;
    }
  });
  window.addEventListener("blur", () => { blurredAt = Date.now(); });
  window.addEventListener("focus", () => {
    if (blurredAt === null) return;
    const away = Date.now() - blurredAt;
    const wasTabSwitch = lastHidden >= blurredAt; // already reported as a tab switch
    blurredAt = null;
    if (!wasTabSwitch && away >= FOCUS_LOSS_MIN_MS) send("focus_loss", { duration_ms: away });
  });

  watchDevtools(send);
}

// Docked developer tools shrink the page inside an unchanged window: the gap between the window's
// outer and inner size grows past what it was when the page opened. Zooming also changes the inner
// size, so a change of zoom (devicePixelRatio) resets the baseline instead of counting. Undocked
// tools are not seen; the usual shortcuts are reported too (as an attempt).
function watchDevtools(send) {
  const gaps = () => [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];
  let base = gaps();
  let ratio = window.devicePixelRatio;
  let open = false;
  const check = () => {
    if (window.devicePixelRatio !== ratio || !window.outerWidth) {
      ratio = window.devicePixelRatio;
      base = gaps();
      return;
    }
    const [width, height] = gaps();
    const now = width - base[0] > DEVTOOLS_GAP_PX || height - base[1] > DEVTOOLS_GAP_PX;
    if (now && !open) send("devtools", { via: "window_size" });
    open = now;
  };
  window.addEventListener("resize", check);
  setInterval(check, 2000);
  let lastShortcut = 0;
  document.addEventListener("keydown", (event) => {
    const key = (event.key || "").toUpperCase();
    const inspector = (event.ctrlKey && event.shiftKey) || (event.metaKey && event.altKey);
    if (key === "F12" || (inspector && ["I", "J", "C"].includes(key))) {
      if (Date.now() - lastShortcut > 10_000) send("devtools", { via: "shortcut", key: key === "F12" ? "F12" : key });
      lastShortcut = Date.now();
    }
  }, true);
}

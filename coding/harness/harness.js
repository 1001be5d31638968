// Runs inside the sandbox (Debian's node): loads /task/solution.js, calls the task's function
// once per test in /task/input.json and writes one JSON line per test on the results
// pipe (its fd number is the first argument).
// It never sees an expected output: the server compares. Times are the call's own.
'use strict';
const fs = require('fs');
const util = require('util');
const vm = require('vm');

const MAX_RESULT_CHARS = 1000000;
const RESULTS_FD = Number(process.argv[2]);
const emit = (fields) => fs.writeSync(RESULTS_FD, JSON.stringify(fields) + '\n');

// console output written at once, blocking: never queued in memory, so a flood of prints
// meets the server's output limit instead of the heap limit
function writeAll(fd, text) {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') return;
    }
  }
}
for (const name of ['log', 'info', 'debug']) console[name] = (...args) => writeAll(1, util.format(...args) + '\n');
for (const name of ['error', 'warn']) console[name] = (...args) => writeAll(2, util.format(...args) + '\n');

function describe(error) {
  if (!(error instanceof Error)) return `thrown: ${String(error)}`.slice(0, 500);
  const frame = /solution\.js:(\d+)/.exec(error.stack || '');
  const text = `${error.name}: ${error.message}`.slice(0, 500);
  return frame ? `${text} (line ${frame[1]})` : text;
}

function kindOf(error) {
  const message = String(error && error.message);
  if (error instanceof RangeError && /call stack/.test(message)) return 'recursion';
  if (/allocation failed|Invalid array length|out of memory/i.test(message)) return 'memory';
  return 'exception';
}

function load(source, name) {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error('bad function name');
  const tail = `\n;return typeof ${name} !== 'undefined' ? ${name} : module.exports.${name};`;
  const wrapper = vm.compileFunction(source + tail, ['require', 'module', 'exports'], {
    filename: 'solution.js',
  });
  const mod = { exports: {} };
  const found = wrapper(require, mod, mod.exports);
  if (typeof found !== 'function') {
    throw new ReferenceError(`no function named ${name} (keep the starter's signature)`);
  }
  return found;
}

async function main() {
  const task = JSON.parse(fs.readFileSync('/task/input.json', 'utf8'));
  const tests = task.tests.map((t) => [t.name, JSON.stringify(t.args)]);
  delete task.tests;
  let fn;
  try {
    fn = load(fs.readFileSync('/task/solution.js', 'utf8'), task.function);
  } catch (error) {
    emit({ event: 'load_error', error: describe(error), kind: kindOf(error) });
    return;
  }
  emit({ event: 'loaded' });
  for (const [name, argsJson] of tests) {
    const args = JSON.parse(argsJson); // a fresh copy per test: a solution may change its input
    const started = process.hrtime.bigint();
    let result;
    try {
      result = fn(...args);
      if (result && typeof result.then === 'function') result = await result;
    } catch (error) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      emit({ event: 'test', name, ok: false, error: describe(error), kind: kindOf(error), ms });
      continue;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    let text;
    try {
      text = JSON.stringify(result === undefined ? null : result);
    } catch (error) {
      emit({ event: 'test', name, ok: false, error: `the result: ${describe(error)}`, kind: 'result', ms });
      continue;
    }
    if (text.length > MAX_RESULT_CHARS) {
      emit({ event: 'test', name, ok: false, error: 'the result is too large', kind: 'result', ms });
      continue;
    }
    fs.writeSync(RESULTS_FD, `{"event": "test", "name": ${JSON.stringify(name)}, "ok": true, "ms": ${ms}, "actual": ${text}}\n`);
  }
  emit({ event: 'done' });
}

main().catch((error) => {
  emit({ event: 'harness_error', error: describe(error) });
  process.exitCode = 1;
});

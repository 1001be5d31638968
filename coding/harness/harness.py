"""Runs inside the sandbox (Debian's python3 -I -S): loads /task/solution.py, calls the
task's function once per test in /task/input.json and writes one JSON line per test on the results pipe
(its fd number is the first argument).

It never sees an expected output: the server compares. Times are the call's own (the
interpreter's start and the parsing of the inputs are not counted)."""

import json
import os
import sys
import time
import traceback

MAX_RESULT_CHARS = 1_000_000


def emit(out, **fields):
    out.write(json.dumps(fields) + "\n")
    out.flush()


def describe(exc):
    """`ZeroDivisionError: division by zero (line 3)`: the candidate's own frame, if any."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "solution.py":
            line = frame.lineno
    text = f"{type(exc).__name__}: {exc}"[:500]
    return text + (f" (line {line})" if line else "")


def kind_of(exc):
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RecursionError):
        return "recursion"
    return "exception"


def find_function(namespace, name):
    found = namespace.get(name)
    if callable(found):
        return found
    solution = namespace.get("Solution")  # LeetCode style: class Solution with the method
    if isinstance(solution, type) and callable(getattr(solution, name, None)):
        return getattr(solution(), name)
    return None


def encode(value):
    def fallback(obj):
        if isinstance(obj, (set, frozenset)):
            return sorted(obj, key=repr)
        raise TypeError(f"a {type(obj).__name__} is not a JSON value")

    return json.dumps(value, default=fallback)


def main():
    out = os.fdopen(int(sys.argv[1]), "w")
    with open("/task/input.json", encoding="utf-8") as f:
        task = json.load(f)
    tests = [(t["name"], json.dumps(t["args"])) for t in task["tests"]]
    del task["tests"]
    sys.setrecursionlimit(20_000)
    namespace = {"__name__": "solution", "__builtins__": __builtins__}
    try:
        with open("/task/solution.py", encoding="utf-8") as f:
            source = f.read()
        exec(compile(source, "solution.py", "exec"), namespace)
        function = find_function(namespace, task["function"])
        if function is None:
            raise NameError(f"no function named {task['function']} (keep the starter's signature)")
    except BaseException as exc:  # SystemExit and syntax errors too: the candidate's code failed to load
        emit(out, event="load_error", error=describe(exc), kind=kind_of(exc))
        return
    emit(out, event="loaded")
    for name, args_json in tests:
        args = json.loads(args_json)  # a fresh copy per test: a solution may change its input
        started = time.perf_counter()
        try:
            result = function(*args)
        except BaseException as exc:
            ms = (time.perf_counter() - started) * 1000
            emit(out, event="test", name=name, ok=False, error=describe(exc), kind=kind_of(exc), ms=ms)
            continue
        ms = (time.perf_counter() - started) * 1000
        try:
            text = encode(result)
        except (TypeError, ValueError) as exc:
            emit(out, event="test", name=name, ok=False, error=f"the result: {exc}", kind="result", ms=ms)
            continue
        if len(text) > MAX_RESULT_CHARS:
            emit(
                out, event="test", name=name, ok=False, error="the result is too large", kind="result", ms=ms
            )
            continue
        out.write(
            f'{{"event": "test", "name": {json.dumps(name)}, "ok": true, "ms": {ms}, "actual": {text}}}\n'
        )
        out.flush()
    emit(out, event="done")


main()

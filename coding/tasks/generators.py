"""Inputs too large to write down, made the same way every time from a seed.

An argument of a test is either a JSON value or a generator:
`{"$gen": "ints", "n": 100000, "lo": -1000, "hi": 1000, "seed": 7}`,
`{"$gen": "string", "n": 200000, "alphabet": "abc", "seed": 1, "suffix": "z"}`,
`{"$gen": "intervals", "n": 50000, "lo": 0, "hi": 1000000, "max_len": 100, "seed": 3}`,
`{"$gen": "repeat", "text": "(", "times": 100000}`, `{"$gen": "concat", "parts": [...]}`.
Made in the server, then handed to the sandbox as plain JSON."""

from __future__ import annotations

import json
import random
from functools import lru_cache
from typing import Any

MAX_ITEMS = 1_000_000


class GeneratorError(ValueError):
    pass


def _count(spec: dict[str, Any], key: str = "n") -> int:
    n = spec.get(key)
    if not isinstance(n, int) or not 0 <= n <= MAX_ITEMS:
        raise GeneratorError(f"{spec.get('$gen')}: `{key}` must be an integer from 0 to {MAX_ITEMS}")
    return n


def _ints(spec: dict[str, Any]) -> list[int]:
    n, rng = _count(spec), random.Random(spec.get("seed", 0))
    lo, hi = int(spec.get("lo", 0)), int(spec.get("hi", 1_000_000))
    if lo > hi:
        raise GeneratorError("ints: lo must not exceed hi")
    values = [rng.randint(lo, hi) for _ in range(n)]
    return sorted(values) if spec.get("sorted") else values


def _string(spec: dict[str, Any]) -> str:
    n, rng = _count(spec), random.Random(spec.get("seed", 0))
    alphabet = str(spec.get("alphabet", "abcdefghijklmnopqrstuvwxyz"))
    if not alphabet:
        raise GeneratorError("string: the alphabet is empty")
    body = "".join(rng.choice(alphabet) for _ in range(n))
    return str(spec.get("prefix", "")) + body + str(spec.get("suffix", ""))


def _intervals(spec: dict[str, Any]) -> list[list[int]]:
    n, rng = _count(spec), random.Random(spec.get("seed", 0))
    lo, hi, longest = int(spec.get("lo", 0)), int(spec.get("hi", 1_000_000)), int(spec.get("max_len", 100))
    out = []
    for _ in range(n):
        start = rng.randint(lo, hi)
        out.append([start, start + rng.randint(1, max(1, longest))])
    return out


def _repeat(spec: dict[str, Any]) -> str:
    times = _count(spec, "times")
    text = str(spec.get("text", ""))
    if len(text) * times > MAX_ITEMS:
        raise GeneratorError("repeat: the text would be too long")
    return text * times


def _concat(spec: dict[str, Any]) -> Any:
    parts = [materialize(p) for p in spec.get("parts", [])]
    if parts and all(isinstance(p, str) for p in parts):
        return "".join(parts)
    if parts and all(isinstance(p, list) for p in parts):
        return [x for p in parts for x in p]
    raise GeneratorError("concat: parts must all be strings or all lists")


GENERATORS = {"ints": _ints, "string": _string, "intervals": _intervals, "repeat": _repeat, "concat": _concat}


def materialize(value: Any) -> Any:
    """A generator's value, or the value itself."""
    if isinstance(value, dict) and "$gen" in value:
        make = GENERATORS.get(value["$gen"])
        if make is None:
            raise GeneratorError(f"unknown generator {value['$gen']!r}; known: {', '.join(GENERATORS)}")
        return make(value)
    return value


@lru_cache(maxsize=16)
def _cached(args_json: str) -> str:
    return json.dumps([materialize(a) for a in json.loads(args_json)])


def materialize_args(args: list[Any]) -> list[Any]:
    """The arguments of one test as plain JSON values (large ones made once and kept a while)."""
    if not any(isinstance(a, dict) and "$gen" in a for a in args):
        return args
    return list(json.loads(_cached(json.dumps(args, sort_keys=True))))

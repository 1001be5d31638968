"""Property-based fuzzing of every operation in the OpenAPI document (Schemathesis): whatever a caller
sends, the app never answers 5xx, and every 4xx carries exactly the API.md error body.
Also a static check that every request field in the schema is bounded."""

from __future__ import annotations

import atexit
import itertools
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi

from api.app import create_app
from tests.api.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, api_settings

CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
# Cases take turns: mostly the recruiter (to reach the handlers), then the candidate, then no one.
CREDENTIALS = itertools.cycle(["recruiter"] * 6 + ["candidate"] * 2 + ["none"] * 2)
REAL_IDS = itertools.cycle([True, False, False])


# The schema is read at collection, from an app that is built but not started; Schemathesis runs its
# lifespan (in its own thread) on the first call. Rate limits are off: the fuzzer is one very busy client.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="intervox-fuzz-"))
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)
APP = create_app(api_settings(_DATA_DIR, rate_limit={"enabled": False}, vision={"enabled": False}))
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    """A recruiter's access token and a live chat interview (with its join token) in the fuzzed app."""
    with asgi.get_client(APP) as client:  # type: ignore[arg-type]
        r = client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        recruiter = r.json()["access_token"]
        r = client.post(
            "/api/v1/interviews",
            json={"role": "Backend Engineer", "mode": "chat"},
            headers={"Authorization": f"Bearer {recruiter}"},
        )
        assert r.status_code == 201, r.text
        interview = r.json()
    return {"recruiter": recruiter, "interview": interview}


def error_body_problems(body: Any) -> list[str]:
    """Why a body is not exactly {"error": {"code", "message", "details"}}; empty when it is."""
    if not isinstance(body, dict) or set(body) != {"error"}:
        return [f"top-level keys are {sorted(body) if isinstance(body, dict) else type(body).__name__}"]
    error = body["error"]
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return [f"error keys are {sorted(error) if isinstance(error, dict) else type(error).__name__}"]
    problems = []
    if not isinstance(error["code"], str) or not CODE.match(error["code"]):
        problems.append(f"code {error['code']!r} is not SCREAMING_SNAKE_CASE")
    if not isinstance(error["message"], str):
        problems.append("message is not a string")
    if not isinstance(error["details"], dict):
        problems.append("details is not an object")
    return problems


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_5xx_and_every_error_has_the_error_body(case, world):
    who = next(CREDENTIALS)
    token = {"recruiter": world["recruiter"], "candidate": world["interview"]["join_token"]}.get(who)
    case.headers = dict(case.headers or {})
    if token:
        case.headers["Authorization"] = f"Bearer {token}"
    else:
        case.headers.pop("Authorization", None)
    # A share of the cases aim at the live interview (not DELETE: the rest of the run would only see 404s).
    real_id = next(REAL_IDS) and case.method != "DELETE"
    if case.path_parameters and "interview_id" in case.path_parameters and real_id:
        case.path_parameters["interview_id"] = world["interview"]["id"]

    request = f"{case.method} {case.formatted_path} as {who}: {case.as_curl_command()}"
    try:
        response = case.call()
    except Exception as exc:  # the in-process client re-raises what the server would answer 500 to
        pytest.fail(f"the app raised {exc!r} for {request}")
    assert response.status_code < 500, f"{response.status_code} for {request}\n{response.text[:500]}"
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            pytest.fail(f"{response.status_code} without a JSON body for {request}: {response.text[:300]!r}")
        problems = error_body_problems(body)
        assert not problems, f"{response.status_code} for {request}: {problems}; body {body}"
        if response.status_code == 429:
            assert response.headers.get("Retry-After")


def test_the_error_body_check_can_fail():
    assert error_body_problems({"error": {"code": "NOT_FOUND", "message": "m", "details": {}}}) == []
    assert error_body_problems({"detail": "Not Found"})
    assert error_body_problems({"error": {"code": "not-found", "message": "m", "details": {}}})
    assert error_body_problems({"error": {"code": "X", "message": "m", "details": {}, "extra": 1}})


# -- every request field is bounded ----------------------------------------------------------------------

BOUNDED_STRING_FORMATS = {"date-time", "date", "time", "uuid", "email", "binary"}


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    return node


def unbounded_fields(spec: dict, node: dict, where: str, seen: set[str]) -> list[str]:
    """Every string without maxLength/enum/const/bounded format and every array without maxItems, inside
    `node` (refs followed once each)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return unbounded_fields(spec, _resolve(spec, node), name, seen)
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            found += unbounded_fields(spec, option, where, seen)
    kind = node.get("type")
    if kind == "string" and not (
        "maxLength" in node
        or "enum" in node
        or "const" in node
        or node.get("format") in BOUNDED_STRING_FORMATS
        or "contentMediaType" in node  # an uploaded file: bounded by the body-size middleware per path
    ):
        found.append(f"{where}: string without maxLength")
    if kind == "array":
        if "maxItems" not in node:
            found.append(f"{where}: array without maxItems")
        found += unbounded_fields(spec, node.get("items", {}), f"{where}[]", seen)
    if kind == "object" or "properties" in node:
        for prop, sub in node.get("properties", {}).items():
            found += unbounded_fields(spec, sub, f"{where}.{prop}", seen)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in node:
                found.append(f"{where}: open object without maxProperties")
            found += unbounded_fields(spec, extra, f"{where}.*", seen)
    return found


def request_body_offenders(spec: dict) -> list[str]:
    offenders: list[str] = []
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found = unbounded_fields(spec, content.get("schema", {}), where, set())
                offenders += [f"{where} -> {f}" if not f.startswith(where) else f for f in found]
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    offenders += unbounded_fields(
                        spec, parameter.get("schema", {}), f"{where} ?{parameter['name']}", set()
                    )
    return sorted(set(offenders))


def test_every_schema_field_is_bounded():
    spec = APP.openapi()
    offenders = request_body_offenders(spec)
    assert not offenders, "request fields without a bound:\n" + "\n".join(offenders)


def test_the_bound_walker_finds_an_unbounded_field():
    spec: dict[str, Any] = {
        "components": {"schemas": {"In": {"type": "object", "properties": {"a": {"type": "string"}}}}},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}
                    }
                }
            }
        },
    }
    assert request_body_offenders(spec) == ["POST /x -> In.a: string without maxLength"]
    spec["components"]["schemas"]["In"]["properties"]["a"]["maxLength"] = 10
    assert request_body_offenders(spec) == []

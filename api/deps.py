"""Dependencies: settings, the runtime, and reading a bearer credential."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from api.runtime import Runtime
from api.settings import Settings


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_settings(request: Request) -> Settings:
    return request.app.state.runtime.settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def token_from(authorization: str | None, query_token: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return query_token or None


def bearer(conn: HTTPConnection) -> str | None:
    """`Authorization: Bearer ...`, else `?token=` (browsers cannot set headers on WebSockets)."""
    return token_from(conn.headers.get("authorization"), conn.query_params.get("token"))


def client_ip(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"

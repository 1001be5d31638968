"""Origin checks for browser requests and WebSocket handshakes (cross-site WebSocket hijacking)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normalise(origin: str) -> str:
    """Lowercase without a trailing slash, the form browsers send and settings are compared in."""
    return origin.strip().lower().rstrip("/")


def _host_port(netloc: str, default_port: int) -> tuple[str, int] | None:
    """(hostname, port) of a netloc, the port defaulted; None when it does not parse."""
    try:
        parts = urlsplit("//" + netloc)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port if port is not None else default_port


def _same_host(origin: str, host: str) -> bool:
    """Whether an http(s) Origin names the same host:port as the request's Host header."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    default = _DEFAULT_PORTS.get(parts.scheme)
    if default is None or parts.path not in ("", "/") or parts.query or parts.username:
        return False
    mine = _host_port(parts.netloc, default)
    # The Host header has no scheme; it takes the Origin's default port, so "a.com" matches https://a.com.
    theirs = _host_port(host.strip(), default)
    return mine is not None and mine == theirs


def origin_allowed(origin: str | None, host: str | None, allowed: Sequence[str]) -> bool:
    """Whether a request's Origin may talk to us: absent, same host, or listed ("*" lists any real origin)."""
    if origin is None:
        return True  # not a browser: the token alone decides
    normal = _normalise(origin)
    # Sandboxed iframes and file:// pages send "null"; many unrelated pages share it, so it is never trusted.
    if not normal or normal == "null":
        return False
    if host and _same_host(normal, host):
        return True
    return any(_normalise(entry) in ("*", normal) for entry in allowed)

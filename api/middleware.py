"""Pure ASGI middleware for the trust boundary: request body limits, security headers, per-IP
request budgets and the per-IP cap on open event WebSockets."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from core.errors import IntervoxError

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 256 * 1024

STRICT_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FRAME_ONLY_CSP = "frame-ancestors 'none'"
# FastAPI's Swagger and ReDoc pages load inline scripts and CDN assets, so they only get frame-ancestors.
CSP_EXEMPT_PREFIXES = ("/docs", "/redoc")


def _payload_too_large_body(limit: int) -> bytes:
    """The API.md error body for a refused request body."""
    message = f"the request body is larger than the {limit}-byte limit"
    return json.dumps(error_body("PAYLOAD_TOO_LARGE", message, {"limit_bytes": limit})).encode()


async def _send_413(send: Send, limit: int) -> None:
    """Answer 413 and ask the server to close the connection, since the unread body is still in flight."""
    body = _payload_too_large_body(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BodySizeLimit:
    """Refuse HTTP request bodies over a byte limit with 413, without ever buffering them."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY, limits: dict[str, int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        # Longest prefix first, so "/api/v1/candidates" beats "/api" when both are configured;
        # "*" stands for one path segment ("/api/v1/interviews/*/resume").
        self.limits = sorted(
            ((prefix, _path_pattern(prefix), limit) for prefix, limit in (limits or {}).items()),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def limit_for(self, path: str) -> int:
        """The byte limit that applies to a request path."""
        for _, pattern, limit in self.limits:
            if pattern.match(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length up front, then count what the app actually receives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, limit)
            return

        received = 0
        rejected = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            received += len(message.get("body", b""))
            if received <= limit:
                return message
            rejected = True
            if not response_started:
                await _send_413(send, limit)
            # The app sees a client that went away: it stops reading and whatever it answers is dropped below.
            return {"type": "http.disconnect"}

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if rejected:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not rejected:
                raise
            # The 413 (or the cut-off) is already the answer; an app error about the vanished body is noise.
            log.debug("app raised after its request body was refused", exc_info=True)


def _path_pattern(prefix: str) -> re.Pattern[str]:
    """A limits key as a prefix pattern; "*" stands for one path segment."""
    return re.compile("[^/]+".join(map(re.escape, prefix.split("*"))))


def _content_length(scope: Scope) -> int | None:
    """The declared Content-Length, or None when absent or unparsable (then the body is counted)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class SecurityHeaders:
    """Add nosniff, no-referrer, frame denial and a Content-Security-Policy to every HTTP response."""

    def __init__(
        self,
        app: ASGIApp,
        exempt_prefixes: tuple[str, ...] = CSP_EXEMPT_PREFIXES,
        connect_origins: tuple[str, ...] = (),
    ):
        self.app = app
        self.exempt_prefixes = exempt_prefixes
        # origins pages may fetch from besides their own (the LiveKit server, which the room's
        # client asks over HTTP why a connection failed)
        self.page_csp = STRICT_PAGE_CSP.replace(
            "connect-src 'self' ws: wss:", " ".join(("connect-src 'self' ws: wss:", *connect_origins))
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite the response start message; the body passes through untouched."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exempt = scope.get("path", "").startswith(self.exempt_prefixes)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                is_html = any(
                    name.lower() == b"content-type" and value.lower().startswith(b"text/html")
                    for name, value in headers
                )
                csp = self.page_csp if is_html and not exempt else FRAME_ONLY_CSP
                wanted: Mapping[bytes, bytes] = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"DENY",
                    b"content-security-policy": csp.encode(),
                }
                headers.extend((name, value) for name, value in wanted.items() if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ClientRateLimit:
    """Per-IP request budget for HTTP (generous; per-user and per-route limits are stricter).
    `/health` is left out so a monitor is never locked out by the traffic it watches."""

    def __init__(self, app: ASGIApp, runtime: Any) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") != "/health":
            client = scope.get("client")
            ip = client[0] if client else "unknown"
            limiter, rule = self.runtime.limiter, self.runtime.settings.rate_limit.per_ip
            try:
                await limiter.hit(rule, "ip", ip)
            except IntervoxError as exc:
                body = json.dumps(error_body(exc.code, exc.message, exc.details))
                headers = [(b"content-type", b"application/json")]
                headers += [(k.lower().encode(), v.encode()) for k, v in getattr(exc, "headers", {}).items()]
                await send({"type": "http.response.start", "status": exc.status, "headers": headers})
                await send({"type": "http.response.body", "body": body.encode()})
                return
        await self.app(scope, receive, send)


class EventSocketLimit:
    """Open event WebSockets (`/api/v1/ws/...`) per client address. Past the limit the socket is
    accepted and closed with 1013 (try again later) right here, before routing and the route's
    database work: a client opening hundreds at once then costs the event loop a handshake
    each, not a request each, and /health stays quick for everyone else."""

    PREFIX = "/api/v1/ws/"
    CLOSE_BUSY = 1013

    def __init__(self, app: ASGIApp, runtime: Any) -> None:
        self.app = app
        self.runtime = runtime
        self.open: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope.get("path", "").startswith(self.PREFIX):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        if self.open[ip] >= self.runtime.settings.limits.max_websockets_per_ip:
            await receive()  # websocket.connect
            # Accept, then close with a code: a refusal before accept is a bare HTTP 403.
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": self.CLOSE_BUSY, "reason": "too many connections"})
            return
        self.open[ip] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open[ip] -= 1
            if self.open[ip] <= 0:
                del self.open[ip]

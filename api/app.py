"""The FastAPI application: middleware, routes, the runtime's lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.logs import install_log_redaction
from api.media import livekit_http_origins
from api.middleware import BodySizeLimit, ClientRateLimit, EventSocketLimit, SecurityHeaders
from api.routes import (
    api_keys,
    audit,
    auth,
    candidate,
    candidates,
    coaching,
    coding,
    dashboard,
    evaluate,
    events,
    health,
    interviewers,
    interviews,
    invitations,
    jobs,
    livekit,
    phone,
    recordings,
    report_pdf,
    resumes,
    rtc,
    shares,
    tasks,
    users,
    voices,
    webhooks,
    workers,
)
from api.runtime import Runtime
from api.settings import Settings
from workspace.resumes import MAX_RESUME_BYTES

ROUTERS = (
    health,
    auth,
    users,
    api_keys,
    interviews,
    invitations,
    interviewers,
    voices,
    resumes,
    jobs,
    candidates,
    audit,
    evaluate,
    coaching,
    candidate,
    rtc,
    livekit,
    events,
    phone,
    report_pdf,
    recordings,
    shares,
    webhooks,
    tasks,
    coding,
    workers,
)
UPLOAD_BODY_BYTES = MAX_RESUME_BYTES + 64 * 1024  # the file plus its multipart framing
TASK_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, freeze_gc: bool = False) -> FastAPI:
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("aioice", "aiortc", "httpx"):  # one line per ICE check otherwise
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    install_log_redaction()  # join tokens and passwords never reach the logs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.runtime.start()
        if freeze_gc:
            # What start-up loaded lives as long as the process: keep it out of the garbage
            # collector's full passes, which otherwise walk the models' objects and stall the
            # event loop for ~250 ms under a burst of connections. (Only for a process that
            # runs one app: frozen objects are never freed, so apps made and dropped in tests
            # would pile up.)
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await app.state.runtime.stop()

    app = FastAPI(title="Intervox", version="0.2.0", lifespan=lifespan)
    # The runtime exists before start-up (migrations run here), so middleware can use it.
    app.state.runtime = Runtime(settings)
    install_error_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(candidate.pages)
    app.include_router(shares.pages)
    app.include_router(dashboard.pages)
    app.mount("/static", StaticFiles(directory=candidate.web_dir(settings)), name="static")
    # Outermost last: the event-socket cap (before any other work), security headers on every
    # answer, then the size check before anything reads a body, then per-IP limits, then CORS
    # (closed unless origins are listed).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(ClientRateLimit, runtime=app.state.runtime)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.limits.max_body_bytes,
        limits={
            "/api/v1/interviews/*/resume": UPLOAD_BODY_BYTES,
            "/api/v1/candidates/*/resume": UPLOAD_BODY_BYTES,
            "/api/v1/tasks": TASK_BODY_BYTES,  # statement, starter and reference code per language
        },
    )
    app.add_middleware(SecurityHeaders, connect_origins=livekit_http_origins(settings))
    app.add_middleware(EventSocketLimit, runtime=app.state.runtime)  # outermost: before any other work
    build_route_tables(app)
    return app


def build_route_tables(app: FastAPI) -> None:
    """FastAPI builds each included router's matching table on the first request that walks past
    it (~45 ms for all of ours). Build them now, so that cost is not paid on the event loop by
    whichever client arrives first (or by 300 sockets at once, while /health waits)."""
    for kind in ("http", "websocket"):
        scope: dict[str, Any] = {
            "type": kind,
            "path": "/\x00no-route",
            "method": "GET",
            "headers": [],
            "query_string": b"",
        }
        for route in app.router.routes:
            route.matches(dict(scope))

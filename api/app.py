"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.routes import candidate, events, health, interviews, phone, rtc
from api.runtime import Runtime
from api.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("aioice", "aiortc", "httpx"):  # one line per ICE check otherwise
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime(settings)
        app.state.runtime = runtime
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title="Intervox", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    for module in (health, interviews, rtc, events, candidate, phone):
        app.include_router(module.router)
    app.include_router(candidate.pages)
    app.mount("/static", StaticFiles(directory=candidate.web_dir(settings)), name="static")
    return app

"""The FastAPI application: provider webhooks, the REST API, and the scheduler's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from bot.db.engine import make_engine
from bot.settings import Settings, get_settings
from webhooks import api
from webhooks.inbound import telegram, twilio, twilio_voice

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    background: Lifespan | None = None,
) -> FastAPI:
    """Build the app; `background` runs beside it (the scheduler in `makker serve`)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start background work with the server and stop it with the server."""
        if background is None:
            yield
            return
        async with background(app):
            yield

    app = FastAPI(
        title="Makker",
        summary="Text-message buddy for citizens placed in work, their employers and consultants",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.include_router(twilio.router)
    app.include_router(twilio_voice.router)
    app.include_router(telegram.router)
    app.include_router(api.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness for load balancers."""
        return {"status": "ok"}

    return app

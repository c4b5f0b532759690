"""The ASGI app (Starlette). Handlers are thin: they call services in a worker thread.

* ``POST /inbound/{channel}`` — a signed engagement event (Zalo-style or HMAC signature).
* ``GET /l/{code}`` — a tracked link: counts the click, redirects (302) to the target.
* ``GET /health`` — JSON health report (``services.health``); 503 when something fails.
* ``GET /metrics`` — Prometheus text (``services.metrics``).
"""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from publisher.api.batcher import EventWriter
from publisher.db import get_engine, session_scope
from publisher.errors import InvalidInput, NotFound, PermissionDenied, PublisherError
from publisher.i18n import t
from publisher.services import inbound, links
from publisher.timeutil import Clock

STATUS = {NotFound: 404, PermissionDenied: 401, InvalidInput: 400}


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "vi"


def _error(exc: PublisherError, lang: str) -> JSONResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return JSONResponse(
        {"ok": False, "error": exc.key, "message": exc.message(lang)}, status_code=status
    )


def create_app(engine: Engine | None = None, clock: Clock | None = None) -> Starlette:
    """The app over ``engine`` (default: the configured database) and ``clock``."""

    def db() -> Engine:
        return engine or get_engine()

    writer = EventWriter(db)

    async def inbound_event(request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        channel = request.path_params["channel"]
        try:
            try:
                # Cached channel keys and delivery: verify right here, no thread hop.
                row = inbound.prepare_event(
                    channel, body, headers, engine=db(), clock=clock, allow_db=False
                )
            except inbound.CacheMiss:
                row = await run_in_threadpool(
                    inbound.prepare_event, channel, body, headers, engine=db(), clock=clock
                )
        except PublisherError as exc:
            return _error(exc, _lang(request))
        new = await writer.submit(row)
        return JSONResponse(
            {
                "ok": True,
                "event_id": row["event_id"].split(":", 1)[1],
                "duplicate": not new,
                "delivery_id": row["delivery_id"],
            }
        )

    async def tracked_link(request: Request) -> Response:
        code = request.path_params["code"]

        def click() -> str | None:
            with session_scope(db()) as session:
                return links.record_click(session, code)

        target = await run_in_threadpool(click) if len(code) <= 32 else None
        if target is None:
            text = html.escape(t("error.link_not_found", _lang(request)))
            return HTMLResponse(
                f"<!doctype html><meta charset=utf-8><p>{text}</p>", status_code=404
            )
        return RedirectResponse(
            target,
            status_code=302,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer-when-downgrade"},
        )

    async def health(request: Request) -> Response:
        report = await run_in_threadpool(_health, db(), _lang(request))
        return JSONResponse(report, status_code=503 if report.get("status") == "fail" else 200)

    async def metrics(request: Request) -> Response:
        from publisher.services.metrics import render_metrics

        def render() -> str:
            # engine None: the configured database's read-only engine (on SQLite a deferred
            # BEGIN, so a scrape never waits for the worker's write lock).
            with session_scope(engine, readonly=True) as session:
                return render_metrics(session)

        return PlainTextResponse(
            await run_in_threadpool(render), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    routes = [
        Route("/inbound/{channel}", inbound_event, methods=["POST"]),
        Route("/l/{code}", tracked_link, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(routes=routes)


def _health(engine: Engine, lang: str) -> dict[str, Any]:
    from publisher.services.health import health

    return health(engine, lang=lang)

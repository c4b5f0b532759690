"""The ASGI app (Starlette). Handlers are thin: they call services in a worker thread.

* ``POST /inbound/{channel}`` — a signed engagement event (Zalo-style or HMAC signature).
* ``POST /bot/telegram/{channel}`` — Telegram's webhook mode of a channel's FAQ bot
  (``X-Telegram-Bot-Api-Secret-Token`` checked; ``publisher/bots/webhook.py``).
* ``GET /l/{code}`` — a tracked link: counts the click, redirects (302) to the target
  (``HEAD`` answers the same without counting).
* ``GET /m/{name}`` — a media file by its signed public URL (``services.publishing.
  public_media``): a platform fetching an article's cover (Zalo OA).
* ``GET /health`` — JSON health status (``services.health``); 503 when something fails. The
  checks themselves only with ``Authorization: Bearer <PUBLISHER_HEALTH_TOKEN>``.
* ``GET /metrics`` — Prometheus text (``services.metrics``).
* ``GET /feeds/...``, ``/p/...``, ``/embed/...``, ``/media/...`` — public feeds, pages, embeds
  and media of published public posts (:mod:`publisher.api.public`, docs/feeds.md).

Bounded by construction: an inbound body is refused (413) by its ``Content-Length`` and, while
it streams, as soon as it passes ``inbound.MAX_BODY``; inbound, link and public requests are
rate limited per client address (429 with ``Retry-After``, :mod:`publisher.api.ratelimit`;
the public routes exempt loopback by default, ``PUBLISHER_API_PUBLIC_EXEMPT``).
"""

from __future__ import annotations

import hmac
import html
import logging
import re
from typing import Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from publisher.api import public
from publisher.api.batcher import UNAVAILABLE, EventWriter
from publisher.api.ratelimit import RateLimiter, exempt, networks, source_key
from publisher.bots.webhook import MAX_BODY as BOT_MAX_BODY
from publisher.bots.webhook import WebhookBots
from publisher.bots.zalo import ZaloBots
from publisher.config import get_settings
from publisher.db import get_engine, session_scope
from publisher.errors import InvalidInput, NotFound, PermissionDenied, PublisherError
from publisher.i18n import t
from publisher.services.insight import inbound
from publisher.services.publishing import feeds, links
from publisher.timeutil import Clock, get_clock

log = logging.getLogger(__name__)

_LENGTH = re.compile(r"[0-9]{1,19}")


class BodyTooLarge(InvalidInput):
    """An inbound body longer than ``inbound.MAX_BODY`` (413; the connection is closed)."""


class RateLimited(PublisherError):
    """Too many requests from one client address (429 with ``Retry-After``)."""


class Unavailable(PublisherError):
    """The database did not store an event (503: the sender should retry)."""


#: The first class that matches gives the status.
STATUS = {
    BodyTooLarge: 413,
    RateLimited: 429,
    Unavailable: 503,
    NotFound: 404,
    PermissionDenied: 401,
    InvalidInput: 400,
}


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "vi"


def _error(exc: PublisherError, lang: str, headers: dict[str, str] | None = None) -> JSONResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return JSONResponse(
        {"ok": False, "error": exc.key, "message": exc.message(lang)},
        status_code=status,
        headers=headers,
    )


def _html(message: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    text = html.escape(message)
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><p>{text}</p>", status_code=status, headers=headers
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused before it is read whole: by its ``Content-Length`` when it
    has one, and as soon as the streamed bytes (chunked uploads, a lying length) pass
    ``limit``. Raises :class:`BodyTooLarge` and InvalidInput (a malformed length)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not _LENGTH.fullmatch(length.strip()):
            raise InvalidInput("error.inbound_length")
        if int(length) > limit:
            raise BodyTooLarge("error.inbound_body", detail=f"larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge("error.inbound_body", detail=f"larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(engine: Engine | None = None, clock: Clock | None = None) -> Starlette:
    """The app over ``engine`` (default: the configured database) and ``clock``."""

    def db() -> Engine:
        return engine or get_engine()

    writer = EventWriter(db)
    # The FAQ bots fed through the api: Telegram's webhook mode, Zalo OA's text events.
    bots = WebhookBots(clock)
    zalo_bots = ZaloBots(clock)
    settings = get_settings()
    inbound_limit = RateLimiter(settings.api_inbound_rate, settings.api_inbound_burst)
    link_limit = RateLimiter(settings.api_link_rate, settings.api_link_burst)
    public_limit = RateLimiter(settings.api_public_rate, settings.api_public_burst)
    public_exempt = networks(settings.api_public_exempt)

    def wait(limiter: RateLimiter, request: Request) -> int:
        source = source_key(request.client.host if request.client else None)
        return limiter.hit(source, (clock or get_clock()).now().timestamp())

    def public_wait(request: Request) -> int:
        if exempt(request.client.host if request.client else None, public_exempt):
            return 0
        return wait(public_limit, request)

    async def inbound_event(request: Request) -> Response:
        lang = _lang(request)
        seconds = wait(inbound_limit, request)
        if seconds:
            return _error(
                RateLimited("error.api_rate_limited", seconds=seconds),
                lang,
                headers={"Retry-After": str(seconds), "Connection": "close"},
            )
        try:
            body = await read_body(request, inbound.MAX_BODY)
        except InvalidInput as exc:  # too large (413) or a malformed length (400)
            return _error(exc, lang, headers={"Connection": "close"})
        except ClientDisconnect:
            return Response(status_code=400)
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
            return _error(exc, lang)
        try:
            new = await writer.submit(row)
        except UNAVAILABLE as exc:
            log.warning("inbound event not stored: %s", type(exc).__name__)
            return _error(Unavailable("error.inbound_unavailable"), lang)
        except Exception as exc:  # the database refused this row (its others were stored)
            log.warning("inbound event refused by the database: %s", type(exc).__name__)
            return _error(InvalidInput("error.inbound_body", detail="cannot be stored"), lang)
        # A follower's new text to a Zalo OA whose FAQ bot is on: answered once the event is
        # stored (verified above; a replay is not new, a forged one never gets here).
        answer = (
            BackgroundTask(zalo_bots.answer, row, body)
            if new and row["kind"] == "message"
            else None
        )
        return JSONResponse(
            {
                "ok": True,
                "event_id": row["event_id"].split(":", 1)[1],
                "duplicate": not new,
                "delivery_id": row["delivery_id"],
            },
            background=answer,
        )

    async def bot_webhook(request: Request) -> Response:
        # Telegram's webhook mode of the FAQ bot (publisher/bots/webhook.py).
        seconds = wait(inbound_limit, request)
        if seconds:
            return Response(status_code=429, headers={"Retry-After": str(seconds)})
        try:
            body = await read_body(request, BOT_MAX_BODY)
        except (InvalidInput, ClientDisconnect):
            return Response(status_code=400)
        headers = {k.lower(): v for k, v in request.headers.items()}
        status = await bots.handle(request.path_params["channel"], body, headers)
        return JSONResponse({"ok": status == 200}, status_code=status)

    async def tracked_link(request: Request) -> Response:
        code = request.path_params["code"]
        lang = _lang(request)
        seconds = wait(link_limit, request)
        if seconds:
            message = t("error.api_rate_limited", lang, seconds=seconds)
            return _html(message, 429, {"Retry-After": str(seconds)})
        count = request.method != "HEAD"  # link checkers and previews are not clicks

        def click() -> str | None:
            with session_scope(db()) as session:
                return links.record_click(session, code, count=count, new_row=feeds.feed_link)

        try:
            target = await run_in_threadpool(click) if len(code) <= 32 else None
        except InvalidInput as exc:  # a stored target that is not an http(s) URL
            return _html(exc.message(lang), 400)
        if target is None:
            return _html(t("error.link_not_found", lang), 404)
        return RedirectResponse(
            target,
            status_code=302,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer-when-downgrade"},
        )

    async def public_file(request: Request) -> Response:
        from starlette.responses import FileResponse

        from publisher.services.publishing import public_media

        try:
            path, kind = public_media.resolve(request.path_params["name"])
        except NotFound as exc:
            return _html(exc.message(_lang(request)), 404)
        return FileResponse(
            path, media_type=kind, headers={"Cache-Control": "public, max-age=86400"}
        )

    async def health(request: Request) -> Response:
        lang = _lang(request)
        given = request.headers.get("authorization")
        if given is not None and not _health_token_ok(given):
            return _error(PermissionDenied("error.health_token"), lang)
        report = await run_in_threadpool(_health, db(), lang)
        code = 503 if report.get("status") == "fail" else 200
        if given is None:  # anyone: up or down, no channel names, no host names
            return JSONResponse({"status": report.get("status")}, status_code=code)
        return JSONResponse(report, status_code=code)

    async def metrics(request: Request) -> Response:
        from publisher.services.operations.prometheus import render_metrics

        def render() -> str:
            # engine None: the configured database's read-only engine (on SQLite a deferred
            # BEGIN, so a scrape never waits for the worker's write lock).
            with session_scope(engine, readonly=True) as session:
                return render_metrics(session)

        return PlainTextResponse(
            await run_in_threadpool(render), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    async def zalo_callback(request: Request) -> Response:
        """Zalo's OAuth v4 redirect after an OA administrator granted access
        (``publisher channel connect``); the state is single-use."""
        from publisher.services.publishing import zalo_connect

        lang = _lang(request)
        q = request.query_params
        seconds = wait(link_limit, request)
        if seconds:
            return _html(t("error.api_rate_limited", lang, seconds=seconds), 429)

        def finish() -> str:
            with session_scope(db()) as session:
                return zalo_connect.finish(session, q.get("state", ""), q.get("code", "")).name

        try:
            name = await run_in_threadpool(finish)
        except PublisherError as exc:
            return _html(exc.message(lang), 400)
        return _html(t("zalo.connect.done", lang, channel=name), 200)

    routes = [
        Route("/inbound/{channel}", inbound_event, methods=["POST"]),
        Route("/zalo/callback", zalo_callback, methods=["GET"]),
        Route("/bot/telegram/{channel}", bot_webhook, methods=["POST"]),
        Route("/l/{code}", tracked_link, methods=["GET", "HEAD"]),
        Route("/m/{name}", public_file, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *public.routes(db, public_wait),
    ]
    return Starlette(routes=routes)


def _health_token_ok(authorization: str) -> bool:
    """Whether ``Authorization`` carries ``Bearer <PUBLISHER_HEALTH_TOKEN>`` (constant time;
    always False when no token is configured)."""
    token = get_settings().health_token
    if token is None or not token.get_secret_value():
        return False
    expected = f"Bearer {token.get_secret_value()}".encode()
    return hmac.compare_digest(authorization.strip().encode("utf-8", "replace"), expected)


def _health(engine: Engine, lang: str) -> dict[str, Any]:
    from publisher.services.operations.health import health

    return health(engine, lang=lang)

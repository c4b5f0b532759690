"""Public routes of the api: feeds, public pages, their embeds and the media of public posts.

* ``GET /feeds/{province|unit/<slug>|theme/<theme>|campaign/<slug>/<year>}.{atom|rss|json}``
  with ``?page=N`` (RFC 5005 paging);
* ``GET /p/...`` the same scopes as pages, ``/p/post/<id>`` one post; ``GET /embed/unit/<slug>``
  and ``/embed/campaign/<slug>/<year>`` the compact variant for an iframe;
* ``GET /media/<id>/<sha-prefix>.<ext>`` a medium of a published public post.

Thin: each handler parses, calls the services in a worker thread, and answers. Conditional
requests: ``If-None-Match`` first; ``If-Modified-Since`` only without it, and an invalid date
is ignored (RFC 9110 §13.1.3). ``HEAD`` answers like ``GET`` without a body (Starlette).
No cookie is ever set; errors are one short Vietnamese line, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from publisher.db import session_scope
from publisher.errors import NotFound, PublisherError
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)

FEED_CACHE = "public, max-age=300"
PAGE_CACHE = "public, max-age=300"
MEDIA_CACHE = "public, max-age=86400, immutable"


def _scope(kind: str, params: dict[str, str]) -> Any:
    from publisher.services.publishing.feeds import Scope

    if kind == "campaign":
        year = params.get("year", "")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise NotFound("feeds.error.unknown")
        return Scope("campaign", params["slug"], int(year))
    return Scope(kind, params.get("slug", ""))


def not_modified(request: Request, etag: str, changed: datetime | None) -> bool:
    """Whether the client's copy is current. Raises nothing (a malformed date is ignored)."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {tag.strip().removeprefix("W/") for tag in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims is None or changed is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since.tzinfo is None:
        return False  # "-0000" or no zone: not an HTTP-date
    return changed.replace(microsecond=0) <= since


def _validators(etag: str, changed: datetime | None, cache: str) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if changed is not None:
        # Never later than now (RFC 9110 §8.8.2.1); a client echoing the earlier date sees
        # the change all the same (``not_modified`` compares with ``changed``).
        shown = min(changed, utcnow().replace(microsecond=0))
        headers["Last-Modified"] = format_datetime(shown.astimezone(UTC), usegmt=True)
    return headers


def _fail(exc: PublisherError, html: bool) -> Response:
    status = 404 if isinstance(exc, NotFound) else 400
    text = exc.message("vi")
    if html:
        from html import escape

        body = (
            f'<!doctype html><html lang="vi"><meta charset=utf-8><title>{status}</title>'
            f"<p>{escape(text)}</p>"
        )
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    return PlainTextResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


async def _guarded(work: Callable[[], Response], html: bool) -> Response:
    try:
        return await run_in_threadpool(work)
    except PublisherError as exc:
        return _fail(exc, html)
    except Exception:  # never a traceback to a reader
        log.exception("public route failed")
        return PlainTextResponse("Lỗi máy chủ, vui lòng thử lại sau.", status_code=500)


class _NeedsDatabase(Exception):
    """Raised by :func:`_no_database`: the answer is not in the caches."""


def _no_database() -> AbstractContextManager[Session]:
    raise _NeedsDatabase


def too_many(seconds: int) -> Response:
    """429: one Vietnamese line and ``Retry-After``."""
    from publisher.i18n import t

    return PlainTextResponse(
        t("error.api_rate_limited", "vi", seconds=seconds),
        status_code=429,
        headers={"Retry-After": str(seconds), "Cache-Control": "no-store"},
    )


def routes(db: Callable[[], Engine], limit: Callable[[Request], int] | None = None) -> list[Route]:
    """The public routes over the engine ``db()``; ``limit(request)`` gives the seconds a
    client must wait (0: go on), checked before anything else."""
    from publisher.services.publishing import feed_render, feeds

    def limited(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        if limit is None:
            return handler

        async def guarded(request: Request) -> Response:
            seconds = limit(request)
            if seconds:
                return too_many(seconds)
            response: Response = await handler(request)
            return response

        return guarded

    def opener() -> AbstractContextManager[Session]:
        # Stamps and scopes only: opened when the stamp cache has to be refreshed.
        return session_scope(db())

    background: set[asyncio.Task[None]] = set()

    def stamped(scope: Any) -> tuple[Any, Any] | None:
        """The cached scope and stamp (fresh, or stale while one background refresh runs in
        a worker thread: no request waits for the stamp query). No database here."""
        found, start = feeds.peek_stale(scope)
        if start:
            task = asyncio.get_running_loop().create_task(
                run_in_threadpool(feeds.refresh_later, opener, scope)
            )
            background.add(task)
            task.add_done_callback(background.discard)
        return found

    def feed_handler(kind: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            params = dict(request.path_params)
            name = params.pop("name", "")
            key, _, fmt = name.rpartition(".")
            if kind == "province":
                key, fmt = ("", fmt) if key == "province" else ("?", fmt)
            if kind == "campaign":
                params["year"] = key
            else:
                params["slug"] = key

            def answer(found: tuple[Any, Any], fast: bool) -> Response | None:
                """The answer from the caches; None when it needs the database (fast)."""
                resolved, st = found
                page = feeds.parse_page(request.query_params.get("page"))
                base = feeds.base_url()
                etag = feeds.etag_for(resolved.scope, fmt, page, base, st)
                headers = _validators(etag, st.modified, FEED_CACHE)
                if page > st.pages:
                    raise NotFound("feeds.error.no_page")
                if not_modified(request, etag, st.modified):
                    return Response(status_code=304, headers=headers)
                doc = feed_render.cached(resolved, fmt, page, st, base)
                if doc is None:
                    if fast:
                        return None
                    with session_scope(db()) as session:
                        doc = feed_render.feed(session, resolved, fmt, page, st, base)
                return Response(doc.body, media_type=doc.media_type, headers=headers)

            def work() -> Response:
                if fmt not in feeds.FORMATS or key == "?":
                    raise NotFound("feeds.error.unknown")
                scope = _scope(kind, params)
                response = answer(feeds.current(opener, scope), fast=False)
                assert response is not None
                return response

            # A cached stamp and feed: answered right here, no thread hop, no database.
            try:
                if fmt in feeds.FORMATS and key != "?":
                    found = stamped(_scope(kind, params))
                    fast = answer(found, fast=True) if found is not None else None
                    if fast is not None:
                        return fast
            except PublisherError as exc:
                return _fail(exc, html=False)
            return await _guarded(work, html=False)

        return handler

    def page_handler(kind: str, embed: bool) -> Callable[[Request], Any]:
        from publisher.services.insight import public_pages

        async def handler(request: Request) -> Response:
            params = dict(request.path_params)

            def work(
                open_session: Callable[[], AbstractContextManager[Session]],
                found: tuple[Any, Any] | None = None,
            ) -> Response:
                page = feeds.parse_page(request.query_params.get("page"))
                scope = _scope(kind, params)
                prep = public_pages.prepare(open_session, scope, page, embed, found=found)
                headers = _validators(prep.etag, None, PAGE_CACHE)
                if not_modified(request, prep.etag, None):
                    return Response(status_code=304, headers=headers)
                built = public_pages.cached_page(prep)
                if built is None:
                    with open_session() as session:
                        built = public_pages.render_page(session, prep)
                headers["Content-Security-Policy"] = built.csp
                headers["Referrer-Policy"] = "no-referrer"
                if not embed:
                    headers["X-Frame-Options"] = "SAMEORIGIN"
                return Response(built.body, media_type="text/html; charset=utf-8", headers=headers)

            found = None
            try:  # everything cached: answered right here, no thread hop, no database
                found = stamped(_scope(kind, params))
                return work(_no_database, found)
            except _NeedsDatabase:
                pass
            except PublisherError as exc:
                return _fail(exc, html=True)
            # The stamp found (even stale) is kept: only what is missing is queried.
            return await _guarded(lambda: work(opener, found), html=True)

        return handler

    async def media(request: Request) -> Response:
        def work() -> Response:
            from publisher.services.studio.library import asset_file

            raw_id = request.path_params["asset_id"]
            prefix = request.path_params["name"].partition(".")[0]
            if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 12):
                raise NotFound("feeds.error.unknown")
            with session_scope(db()) as session:
                asset = feeds.public_asset(session, int(raw_id), prefix)
            path = asset_file(asset)
            if not path.is_file():
                raise NotFound("feeds.error.unknown")
            return FileResponse(
                path,
                media_type=asset.mime,
                headers={"Cache-Control": MEDIA_CACHE, "X-Content-Type-Options": "nosniff"},
            )

        return await _guarded(work, html=False)

    get = ["GET"]  # Starlette answers HEAD for GET routes
    return [
        Route("/feeds/{name}", limited(feed_handler("province")), methods=get),
        Route("/feeds/unit/{name}", limited(feed_handler("unit")), methods=get),
        Route("/feeds/theme/{name}", limited(feed_handler("theme")), methods=get),
        Route("/feeds/campaign/{slug}/{name}", limited(feed_handler("campaign")), methods=get),
        Route("/p/province", limited(page_handler("province", False)), methods=get),
        Route("/p/unit/{slug}", limited(page_handler("unit", False)), methods=get),
        Route("/p/theme/{slug}", limited(page_handler("theme", False)), methods=get),
        Route("/p/post/{slug}", limited(page_handler("post", False)), methods=get),
        Route("/p/campaign/{slug}/{year}", limited(page_handler("campaign", False)), methods=get),
        Route("/embed/province", limited(page_handler("province", True)), methods=get),
        Route("/embed/unit/{slug}", limited(page_handler("unit", True)), methods=get),
        Route(
            "/embed/campaign/{slug}/{year}", limited(page_handler("campaign", True)), methods=get
        ),
        Route("/media/{asset_id}/{name}", limited(media), methods=get),
    ]

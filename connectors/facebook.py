"""Facebook Page connector (facebook-sdk over requests).

Posts go to ``/{page}/feed`` (text, link, several photos attached as unpublished photos),
``/{page}/photos`` (one photo) and ``/{page}/videos`` (one video). Errors are mapped onto
:mod:`connectors.errors` by :func:`classify` in :mod:`connectors.facebook_errors`.

HTTP goes through a ``requests.Session`` per Graph server
(:func:`connectors.facebook_graph.new_session`), loaded with the first call: with a
:class:`connectors.clients.ClientCache`, this thread's session is kept and its connections
reused; the page token travels with each request, never in the session.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from connectors.base import (
    IMAGE,
    MB,
    VIDEO,
    ChannelConfig,
    CheckResult,
    Connector,
    MediaItem,
    Metrics,
    OutgoingPost,
    Problem,
    PublishResult,
)
from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    DuplicateError,
    PermanentError,
)
from connectors.settings import FETCH, PREVIEW_CARD, SECRET, URL, Field

if TYPE_CHECKING:  # facebook-sdk and requests load with the first call to the platform
    from connectors.clients import ClientCache
    from connectors.facebook_graph import PageGraphAPI

GRAPH_URL_ENV = "PUBLISHER_FACEBOOK_GRAPH_URL"
DEFAULT_GRAPH_URL = "https://graph.facebook.com/"
#: Meta wants video uploads on this host; a custom graph_url (sandbox, proxy) takes both.
DEFAULT_VIDEO_URL = "https://graph-video.facebook.com/"
DEFAULT_VERSION = "v23.0"
#: Insights metric for views since Meta retired post_impressions* (2025-11-15).
VIEWS_METRIC = "post_media_view"
#: How far back (and how many posts) :meth:`FacebookConnector.find_published` looks.
RECONCILE_LIMIT = 50
#: Page clocks and ours differ; a post created slightly "before" the first attempt still counts.
RECONCILE_SKEW = timedelta(minutes=5)
#: A Page id is a number; anything else would change the Graph path it is put in.
PAGE_ID_FORMAT = re.compile(r"[0-9]{1,30}")


def classify(exc: BaseException) -> ConnectorError:
    """The Graph error table (:func:`connectors.facebook_errors.classify`), loaded with the
    client libraries. Raises nothing."""
    from connectors import facebook_errors

    return facebook_errors.classify(exc)


class FacebookConnector(Connector):
    """Facebook Page: settings ``page_id``, ``graph_url``, ``graph_version``; credential
    ``access_token`` (a Page access token with pages_manage_posts, pages_read_engagement)."""

    kind: ClassVar[str] = "facebook"
    platform: ClassVar[str] = "Facebook"
    text_max: ClassVar[int] = 63206
    caption_max: ClassVar[int] = 63206
    max_media: ClassVar[int] = 10
    # attached_media takes photos only; a video is its own post.
    mixed_media: ClassVar[bool] = False
    image_max_bytes: ClassVar[int] = 10 * MB
    video_max_bytes: ClassVar[int] = 1024 * MB  # non-resumable upload limit
    video_max_seconds: ClassVar[float] = 20 * 60.0
    rate_per_second: ClassVar[float] = 1.0
    rate_burst: ClassVar[int] = 3
    max_concurrency: ClassVar[int] = 2
    call_timeout: ClassVar[float] = 30.0
    can_reconcile: ClassVar[bool] = True
    fields: ClassVar[tuple[Field, ...]] = (
        Field(
            "page_id",
            required=True,
            pattern=PAGE_ID_FORMAT.pattern,
            problem="invalid_page_id",
            message="page id must be a number",
            cli="page-id",
        ),
        Field("graph_url", URL, cli="graph-url", clearable=True),
        Field("graph_version"),
        Field("access_token", SECRET, required=True, cli="token", cli_help="Page token"),
    )
    engagement: ClassVar[str] = FETCH
    preview: ClassVar[str] = PREVIEW_CARD
    error_table: ClassVar[str] = "connectors.facebook_errors"
    icon: ClassVar[str] = ":material/thumb_up:"
    card_size: ClassVar[tuple[int, int]] = (1080, 1350)  # 4:5 fills the feed
    link_source: ClassVar[str] = "facebook"
    can_edit: ClassVar[bool] = True

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 60.0, clients: ClientCache | None = None
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        self.page_id = str(config.settings.get("page_id") or "").strip()
        self.graph_url = str(
            config.settings.get("graph_url") or os.environ.get(GRAPH_URL_ENV) or DEFAULT_GRAPH_URL
        )
        self.version = str(config.settings.get("graph_version") or DEFAULT_VERSION)

    # -- validation ---------------------------------------------------------------------------
    def _validate_media(self, post: OutgoingPost) -> list[Problem]:
        problems = super()._validate_media(post)
        videos = sum(1 for m in post.media if m.kind == VIDEO)
        if videos and len(post.media) > 1:
            problems.append(
                Problem(
                    "one_video_only",
                    f"Channel {self.config.name!r}: a video must be posted alone",
                    {"channel": self.config.name, "platform": self.platform},
                )
            )
        return problems

    # -- operations ---------------------------------------------------------------------------
    def graph(self, *, video: bool = False) -> PageGraphAPI:
        """A client for this channel's Graph server: on this thread's kept session when the
        connector has a :class:`ClientCache`, else on a session of its own (which
        :meth:`release` closes)."""
        import requests

        from connectors.facebook_graph import PageGraphAPI, new_session

        token = str(self.config.credentials.get("access_token") or "")
        base = self.graph_url
        if video and base.rstrip("/") == DEFAULT_GRAPH_URL.rstrip("/"):
            base = DEFAULT_VIDEO_URL
        base = base if base.endswith("/") else base + "/"
        session = None
        if self.clients is not None:
            session = self.clients.get(
                ("facebook", base), lambda: new_session(base), requests.Session.close
            )
        return PageGraphAPI(
            token, base_url=base, version=self.version, timeout=self.timeout, session=session
        )

    def release(self, graph: PageGraphAPI) -> None:
        """Done with ``graph``: close its session unless it is a kept one. Raises nothing."""
        if self.clients is None:
            graph.session.close()

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Publish text/link, photo(s) or a video.

        Raises a :class:`ConnectorError` subclass (see :mod:`connectors.facebook_errors`).
        A duplicate (error 506) raises :class:`DuplicateError` carrying the existing post's id
        when it can be found in the page feed.
        """
        self.ensure_publishable(post)
        text = message_text(post)
        graph = self.graph(video=any(m.kind == VIDEO for m in post.media))
        try:
            result = self._publish(graph, post, text)
        except Exception as exc:
            mapped = self.failure(exc, classify)
            if isinstance(mapped, DuplicateError):
                mapped = self._complete_duplicate(mapped, post)
            raise mapped from None
        finally:
            self.release(graph)
        return result

    def edit_published(self, external_id: str, text: str) -> None:
        """``POST /{post-id}`` with the new ``message`` (the Page token may edit the Page's own
        posts). Raises a :class:`ConnectorError` subclass (a deleted post: code 100)."""
        self._call_object(
            lambda graph: graph.request(
                f"{graph.version}/{external_id}", post_args={"message": text}
            )
        )

    def delete_published(self, external_id: str) -> None:
        """``DELETE /{post-id}``. Raises like :meth:`edit_published`."""
        self._call_object(lambda graph: graph.delete_object(external_id))

    def _call_object(self, action: Callable[[PageGraphAPI], Any]) -> None:
        graph = self.graph()
        try:
            answer = action(graph)
        except Exception as exc:
            raise self.failure(exc, classify) from None
        finally:
            self.release(graph)
        if isinstance(answer, dict) and answer.get("success") is False:
            raise PermanentError("Graph answered success=false", code="fb:not_success")

    def _publish(self, graph: PageGraphAPI, post: OutgoingPost, text: str) -> PublishResult:
        page = self.page_id
        images = [m for m in post.media if m.kind == IMAGE]
        videos = [m for m in post.media if m.kind == VIDEO]
        if videos:
            video = videos[0]
            with open(video.path, "rb") as fh:
                raw = graph.request(
                    f"{graph.version}/{page}/videos",
                    post_args={"description": text},
                    files={"source": (video.path.name, fh, video.mime or "video/mp4")},
                )
            video_id = str(raw["id"])
            return PublishResult(
                video_id, f"https://www.facebook.com/{page}/videos/{video_id}", raw
            )
        if len(images) == 1:
            with open(images[0].path, "rb") as fh:
                raw = graph.put_photo(
                    image=fh, album_path=f"{page}/photos", message=text, **_alt(images[0])
                )
            post_id = str(raw.get("post_id") or raw["id"])
            return PublishResult(post_id, _post_url(post_id), raw)
        args: dict[str, Any] = {"message": text}
        if post.link:
            args["link"] = post.link
        if images:
            photo_ids: list[str] = []
            for item in images:
                with open(item.path, "rb") as fh:
                    uploaded = graph.put_photo(
                        image=fh, album_path=f"{page}/photos", published="false", **_alt(item)
                    )
                photo_ids.append(str(uploaded["id"]))
            args["attached_media"] = json.dumps([{"media_fbid": pid} for pid in photo_ids])
        raw = graph.put_object(page, "feed", **args)
        post_id = str(raw["id"])
        return PublishResult(post_id, _post_url(post_id), raw)

    def _complete_duplicate(self, error: DuplicateError, post: OutgoingPost) -> DuplicateError:
        try:
            found = self.find_published(post)
        except ConnectorError:
            return error
        if found is None:
            return error
        return DuplicateError(
            error.message, external_id=found.external_id, url=found.url, code=error.code
        )

    def find_published(self, post: OutgoingPost) -> PublishResult | None:
        """Find ``post`` among the page's recent posts by its exact NFC text.

        Only posts created after ``post.metadata["first_attempt_at"]`` (ISO time, minus a few
        minutes of clock skew) count when given. Returns ``None`` when no recent post matches.
        Raises a :class:`ConnectorError` subclass if the feed cannot be read.
        """
        wanted = message_text(post).strip()
        since = _parse_time(post.metadata.get("first_attempt_at"))
        graph = self.graph()
        try:
            feed = graph.get_connections(
                self.page_id,
                "feed",
                fields="id,message,created_time,permalink_url",
                limit=RECONCILE_LIMIT,
            )
        except Exception as exc:
            raise self.failure(exc, classify) from None
        finally:
            self.release(graph)
        for item in feed.get("data", []):
            message = unicodedata.normalize("NFC", item.get("message") or "").strip()
            if message != wanted:
                continue
            created = _parse_time(item.get("created_time"))
            if since and created and created < since - RECONCILE_SKEW:
                continue
            post_id = str(item["id"])
            return PublishResult(post_id, item.get("permalink_url") or _post_url(post_id), item)
        return None

    def fetch_metrics(self, external_id: str) -> Metrics:
        """Shares, reactions and comments, plus views from insights when available.

        A rejected insights metric (error 100, missing permission) lands in
        ``Metrics.unavailable`` instead of failing the fetch. Raises a ConnectorError subclass
        if the post itself cannot be read.
        """
        import facebook

        graph = self.graph()
        unavailable: list[str] = []
        views: int | None = None
        try:
            obj = graph.get_object(
                external_id,
                fields="shares,reactions.summary(total_count),comments.summary(true)",
            )
            try:
                insights = graph.get_connections(external_id, "insights", metric=VIEWS_METRIC)
                views = _insight_value(insights, VIEWS_METRIC)
            except facebook.GraphAPIError as exc:
                unavailable_error = self.failure(exc, classify)
                if not isinstance(unavailable_error, PermanentError | AuthError):
                    raise
                insights = {"error": str(unavailable_error)}
            if views is None:
                unavailable.append("views")
        except Exception as exc:
            raise self.failure(exc, classify) from None
        finally:
            self.release(graph)
        reactions = ((obj.get("reactions") or {}).get("summary") or {}).get("total_count")
        comments = ((obj.get("comments") or {}).get("summary") or {}).get("total_count")
        shares = (obj.get("shares") or {}).get("count", 0)  # absent when nobody shared
        return Metrics(
            reactions=reactions,
            comments=comments,
            shares=shares,
            views=views,
            unavailable=(*unavailable, "clicks"),
            raw={"object": obj, "insights": insights},
        )

    def check(self) -> CheckResult:
        """GET /me with the token: ok if it is a token of this page.

        Returns ``CheckResult(ok=False)`` for configuration and auth failures; raises
        Transient/Ambiguous/RateLimited errors when the answer is unknown.
        """
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, problems[0].message, error_kind=ConfigError.kind)
        graph = self.graph()
        try:
            me = graph.get_object("me", fields="id,name")
            ends = self._token_end(graph)
        except Exception as exc:
            mapped = self.failure(exc, classify)
            if isinstance(mapped, AuthError | PermanentError):
                return CheckResult(False, str(mapped), error_kind=mapped.kind)
            raise mapped from None
        finally:
            self.release(graph)
        if str(me.get("id")) != self.page_id:
            return CheckResult(
                False,
                f"token belongs to {me.get('name')!r} ({me.get('id')}), not page "
                f"{self.page_id}: use a Page access token",
                error_kind=AuthError.kind,
            )
        return CheckResult(
            True, f"token valid for page {me.get('name')!r} ({me.get('id')})", expires_at=ends
        )

    def _token_end(self, graph: Any) -> datetime | None:
        """When the token stops working, from ``/debug_token``: the earlier of ``expires_at``
        and ``data_access_expires_at`` (0 = never); None when Graph does not say. A failing
        ``debug_token`` (an app that may not call it) leaves it unknown."""
        token = str(self.config.credentials.get("access_token") or "")
        try:
            answer = graph.request(f"{graph.version}/debug_token", {"input_token": token})
        except Exception:  # best effort: the token itself was just proven to work
            return None
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            return None
        ends = [
            int(v)
            for v in (data.get("expires_at"), data.get("data_access_expires_at"))
            if isinstance(v, int | str) and str(v).isdigit() and int(v) > 0
        ]
        return datetime.fromtimestamp(min(ends), UTC) if ends else None


def message_text(post: OutgoingPost) -> str:
    """The message as published: NFC text, plus the link on photo/video posts (which have
    no link field). :meth:`FacebookConnector.find_published` matches on exactly this."""
    text = unicodedata.normalize("NFC", post.text or "")
    if post.media and post.link and post.link not in text:
        text = f"{text}\n\n{post.link}" if text else post.link
    return text


def _alt(item: MediaItem) -> dict[str, str]:
    """The photo's alt text as the Graph API takes it (``alt_text_custom``), if any."""
    return {"alt_text_custom": item.alt_text[:1000]} if item.alt_text else {}


def _post_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def _insight_value(insights: dict[str, Any], metric: str) -> int | None:
    for row in insights.get("data", []):
        if row.get("name") == metric and row.get("values"):
            value = row["values"][-1].get("value")
            if isinstance(value, int | float):
                return int(value)
            if isinstance(value, dict):  # breakdowns (is_from_ads, ...)
                return int(sum(v for v in value.values() if isinstance(v, int | float)))
    return None


def _parse_time(value: object) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    text = str(value)
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # Graph's +0000 -> +00:00
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None

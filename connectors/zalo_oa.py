"""Zalo Official Account connector (Open API v2/v3, OAuth v4), over httpx.

Publish = create an article (``/v2.0/article/create``), poll ``/v2.0/article/verify`` until
it yields the article id (-214 = still processing), then — when the channel broadcasts and
the engine's claim-time gate allowed it (``metadata["zalo_broadcast"]``) — send it to the
followers (``/v2.0/oa/message``, media template). Video posts become video articles
(``upload_video/preparevideo`` then ``upload_video/verify``).

Tokens: the access token goes in an ``access_token`` header (with ``appsecret_proof``). A
-216/-220 answer makes the connector ask its :class:`TokenKeeper` for one refresh and retry
once. The keeper decides how a refresh is serialised and stored: the engine's keeper
(``publisher.services.publishing.zalo_tokens``) takes the channel row lock, so one refresh
runs at a time per channel across executors, and stores the rotated refresh token before the
new access token is used. Without a keeper the connector refreshes in memory (one-off use).

Create and broadcast are not idempotent: :meth:`ZaloOAConnector.find_published` lists recent
articles (``getslice``) and matches ours by the marker in the tracking link (or, for a post
without a link, by title and description), so the engine looks before any retry.

Every request goes through :mod:`connectors.outbound` (the guard) and every failure through
:mod:`connectors.failures` (scrubbing), classified by :mod:`connectors.zalo_errors`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlencode

from connectors import signing, zalo_errors
from connectors.base import (
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
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
)
from connectors.settings import BOOL, CHOICE, FETCH, LIST, PREVIEW_ARTICLE, SECRET, URL, Field
from connectors.zalo_errors import REFRESH, ZaloAPIError, ZaloHttpError

if TYPE_CHECKING:  # the client stack (httpx, httpcore) loads when a request is made
    import httpx

    from connectors.clients import ClientCache

T = TypeVar("T")

OAUTH_URL_ENV = "PUBLISHER_ZALO_OAUTH_URL"
OPENAPI_URL_ENV = "PUBLISHER_ZALO_OPENAPI_URL"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
DEFAULT_OPENAPI_URL = "https://openapi.zalo.me"
USER_AGENT = "r57-publisher-zalo/1"

TITLE_MAX = 150
DESCRIPTION_MAX = 300
AUTHOR_MAX = 50
#: Access tokens live 25 h; refresh them when less than this is left.
REFRESH_AHEAD = timedelta(hours=1)
#: Refresh tokens live about 3 months from the refresh that issued them.
REFRESH_TOKEN_LIFETIME = timedelta(days=90)
#: Articles listed per getslice page (Zalo's maximum) and pages searched when reconciling.
SLICE_LIMIT = 10
SLICE_PAGES = 5
#: Clock skew allowed when comparing an article's creation time with our first attempt.
SKEW = timedelta(minutes=5)
#: Values of ``metadata["zalo_broadcast"]``: ``True`` (send) or the reason it is not sent.
BROADCAST_OK = True


@dataclass(frozen=True)
class TokenSet:
    """What ``/v4/oa/access_token`` answered (never logged)."""

    access_token: str
    refresh_token: str
    expires_in: int  # seconds (Zalo sends a string: "90000")


class TokenKeeper(Protocol):
    """Where a channel's tokens live between publishes (see the module docstring)."""

    def access_token(self, connector: ZaloOAConnector) -> str:
        """The access token to use now (refreshed first when it is about to expire)."""

    def refresh(self, connector: ZaloOAConnector, stale: str) -> str:
        """A new access token after ``stale`` was refused (-216/-220). Raises AuthError when
        the refresh itself is refused; the keeper flags the channel then."""


class MemoryKeeper:
    """Tokens held by the connector instance: for one-off use (no database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.tokens: TokenSet | None = None

    def access_token(self, connector: ZaloOAConnector) -> str:
        with self._lock:
            if self.tokens is not None:
                return self.tokens.access_token
        return str(connector.config.credentials.get("access_token") or "")

    def refresh(self, connector: ZaloOAConnector, stale: str) -> str:
        with self._lock:
            if self.tokens is not None and self.tokens.access_token != stale:
                return self.tokens.access_token
            current = self.tokens.refresh_token if self.tokens else None
            refresh_token = current or str(connector.config.credentials.get("refresh_token") or "")
            self.tokens = connector.refresh_tokens(refresh_token)
            return self.tokens.access_token


#: The keeper used by connectors made without one (the engine installs its own).
KEEPER: TokenKeeper | None = None


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``(verifier, challenge)``: challenge = base64url(SHA-256(verifier)), no padding."""
    verifier = secrets.token_urlsafe(48)
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """hex HMAC-SHA256(key=app secret, msg=access token)."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def parse_cities(value: Any) -> list[int]:
    """``"24, 25"`` / ``[24, 25]`` -> ``[24, 25]``. Raises ValueError for anything else."""
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    cities = [int(str(v).strip()) for v in items if str(v).strip()]
    if any(not 0 <= c <= 63 for c in cities):
        raise ValueError("city codes are 0-63")
    return cities


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class ZaloOAConnector(Connector):
    """Zalo OA: settings ``oa_id``, ``app_id``, ``broadcast``, ``target_cities``, ``author``,
    ``oauth_url``/``openapi_url`` (else the env vars, else Zalo's hosts); credentials
    ``app_secret``, ``access_token``, ``refresh_token``."""

    kind: ClassVar[str] = "zalo_oa"
    platform: ClassVar[str] = "Zalo OA"
    #: Its token refreshes go through the keeper the engine installed in its own process.
    calls_apart: ClassVar[bool] = False
    text_max: ClassVar[int] = 100_000
    caption_max: ClassVar[int] = 100_000
    max_media: ClassVar[int] = 10
    mixed_media: ClassVar[bool] = False
    image_max_bytes: ClassVar[int] = 1 * MB
    video_max_bytes: ClassVar[int] = 50 * MB
    rate_per_second: ClassVar[float] = 2.0
    rate_burst: ClassVar[int] = 2
    can_reconcile: ClassVar[bool] = True
    fields: ClassVar[tuple[Field, ...]] = (
        Field(
            "oa_id",
            required=True,
            pattern=r"[0-9]{1,30}",
            problem="zalo_invalid_oa_id",
            message="OA id must be a number",
            cli="oa-id",
            cli_help="Zalo Official Account id",
        ),
        Field("app_id", required=True, cli="app-id"),
        Field(
            "app_secret",
            SECRET,
            required=True,
            cli="app-secret",
            cli_help="app secret of the Zalo app",
        ),
        Field(
            "access_token",
            SECRET,
            cli="access-token",
            cli_help="access token of the OA",
        ),
        Field(
            "refresh_token",
            SECRET,
            cli="refresh-token",
            cli_help="refresh token of the OA (single-use, rotated on every refresh)",
        ),
        Field(
            "oa_secret_key",
            SECRET,
            cli="oa-secret-key",
            cli_help="OA secret key (signs the OA's webhook events to /inbound/<channel>)",
        ),
        Field(
            "broadcast",
            BOOL,
            default="false",
            cli="broadcast",
            cli_help="send each article to the followers (broadcast)",
        ),
        Field("target_cities", LIST, cli="target-cities", cli_help="city codes 0-63: 24,25"),
        # The FAQ bot answers user_send_text events with customer-service messages.
        Field(
            "faq_bot",
            BOOL,
            default="false",
            cli="faq-bot",
            cli_help="answer citizens' messages from the knowledge base (the FAQ bot)",
        ),
        Field(
            "package",
            CHOICE,
            choices=("basic", "advanced", "premium"),
            default="basic",
            problem="zalo_bad_package",
            message="package must be basic, advanced or premium",
            cli="package",
            cli_help="basic|advanced|premium (broadcasts per follower per month: 1, 4, 6)",
        ),
        Field("author", cli="author"),
        Field("oauth_url", URL, cli="oauth-url", clearable=True),
        Field("openapi_url", URL, cli="openapi-url", clearable=True),
    )
    engagement: ClassVar[str] = FETCH
    preview: ClassVar[str] = PREVIEW_ARTICLE
    error_table: ClassVar[str] = "connectors.zalo_errors"
    icon: ClassVar[str] = ":material/article:"
    card_size: ClassVar[tuple[int, int]] = (1200, 630)
    link_source: ClassVar[str] = "zalo"
    never_counts: ClassVar[tuple[str, ...]] = ("reactions", "comments", "clicks")
    #: Article verification: attempts and seconds between them (-214 = still processing).
    verify_attempts: ClassVar[int] = 20
    verify_interval: ClassVar[float] = 1.0

    def __init__(
        self,
        config: ChannelConfig,
        *,
        timeout: float = 30.0,
        clients: ClientCache | None = None,
        keeper: TokenKeeper | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        s = config.settings
        self.oauth_url = str(
            s.get("oauth_url") or os.environ.get(OAUTH_URL_ENV) or DEFAULT_OAUTH_URL
        ).rstrip("/")
        self.openapi_url = str(
            s.get("openapi_url") or os.environ.get(OPENAPI_URL_ENV) or DEFAULT_OPENAPI_URL
        ).rstrip("/")
        self.keeper: TokenKeeper = keeper or KEEPER or MemoryKeeper()
        self.sleep = sleep
        self.interval = self.verify_interval
        #: Tokens a refresh returned in this instance (scrubbed from errors too).
        self._fresh: list[str] = []

    # -- secrets -----------------------------------------------------------------------------
    def secrets(self) -> tuple[str, ...]:
        return super().secrets() + tuple(self._fresh)

    # -- validation ---------------------------------------------------------------------------
    @classmethod
    def validate_config(cls, config: ChannelConfig) -> list[Problem]:
        problems = super().validate_config(config)
        name = config.name
        author = str(config.settings.get("author") or "")
        if len(author) > AUTHOR_MAX:
            problems.append(
                Problem(
                    "zalo_author_too_long",
                    f"Channel {name!r}: author has {len(author)} characters, limit {AUTHOR_MAX}",
                    {"channel": name, "length": len(author), "limit": AUTHOR_MAX},
                )
            )
        try:
            parse_cities(config.settings.get("target_cities"))
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    "zalo_bad_cities",
                    f"Channel {name!r}: target cities must be codes 0-63 separated by commas",
                    {"channel": name, "value": str(config.settings.get("target_cities"))[:80]},
                )
            )
        return problems

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = super().validate(post)
        name = self.config.name
        title = self.title_of(post)
        if len(title) > TITLE_MAX:
            problems.append(
                Problem(
                    "zalo_title_too_long",
                    f"Channel {name!r}: title has {len(title)} characters, limit {TITLE_MAX}",
                    {"channel": name, "length": len(title), "limit": TITLE_MAX},
                )
            )
        if not title.strip():
            problems.append(
                Problem("zalo_no_title", f"Channel {name!r}: the article needs a title", {})
            )
        videos = [m for m in post.media if m.kind == VIDEO]
        if len(videos) > 1:
            problems.append(
                Problem(
                    "one_video_only",
                    f"Channel {name!r}: one video per article",
                    {"channel": name, "platform": self.platform},
                )
            )
        return problems

    # -- the OA's own webhook events ----------------------------------------------------------
    @classmethod
    def receives_events(cls, config: ChannelConfig) -> bool:
        """The OA's webhook events (follow, user_send_text, ...) are taken on
        ``/inbound/<channel>`` once the OA secret key that signs them is set."""
        return bool(str(config.credentials.get("oa_secret_key") or "").strip())

    @classmethod
    def verify_inbound(
        cls,
        config: ChannelConfig,
        body: bytes,
        headers: Mapping[str, str],
        data: Mapping[str, Any],
        *,
        now: float,
        tolerance_s: float,
    ) -> bool:
        """``X-ZEvent-Signature: mac=<hex SHA-256(app_id + body + timestamp + OA secret
        key)>``, app id and millisecond timestamp read from the body, fresh within
        ``tolerance_s``. Raises nothing."""

        secret = str(config.credentials.get("oa_secret_key") or "")
        if not secret:
            return False
        return signing.verify_zalo(
            str(data.get("app_id") or ""),
            body,
            str(data.get("timestamp") or ""),
            secret,
            headers.get(signing.ZALO_HEADER.lower()),
            tolerance_s=tolerance_s,
            now=now,
        ) and str(data.get("app_id") or "") == str(config.settings.get("app_id") or "")

    def ensure_publishable(self, post: OutgoingPost) -> None:
        creds = self.config.credentials
        if not creds.get("access_token") and not creds.get("refresh_token"):
            raise ConfigError(
                f"Channel {self.config.name!r}: the OA is not connected yet (no tokens)",
                code="zalo_not_connected",
            )
        super().ensure_publishable(post)

    # -- article content ----------------------------------------------------------------------
    @staticmethod
    def title_of(post: OutgoingPost) -> str:
        """The article title: the post's own title as it is (over 150 characters it is
        refused at compose time), else the text's first line, shortened at a word to 150
        characters with "…"."""
        title = unicodedata.normalize("NFC", str(post.metadata.get("title") or "").strip())
        if title:
            return title
        text = unicodedata.normalize("NFC", post.text or "").strip()
        line = text.splitlines()[0].strip() if text else ""
        return _shorten(line, TITLE_MAX)

    @classmethod
    def description_of(cls, post: OutgoingPost) -> str:
        """The description (≤ 300): the first paragraph after the title line, shortened at a
        word boundary with "…" when longer."""
        text = unicodedata.normalize("NFC", post.text or "").strip()
        lines = [ln.strip() for ln in text.splitlines()]
        if not post.metadata.get("title") and lines:
            lines = lines[1:]
        paragraph = next((ln for ln in lines if ln), "") or cls.title_of(post)
        return _shorten(paragraph, DESCRIPTION_MAX)

    def article_preview(self, post: OutgoingPost) -> dict[str, Any]:
        """What the article and its broadcast will show (offline): ``title``,
        ``description``, ``author``, ``paragraphs``, ``broadcast`` (the channel sends it to
        followers)."""
        text = unicodedata.normalize("NFC", post.text or "").strip()
        return {
            "title": self.title_of(post),
            "description": self.description_of(post),
            "author": str(self.config.settings.get("author") or "")[:AUTHOR_MAX],
            "paragraphs": [p.strip() for p in text.split("\n") if p.strip()],
            "broadcast": self.broadcasts(),
        }

    @staticmethod
    def tracking_link(post: OutgoingPost) -> str | None:
        """The post's link with our marker as its fragment (never sent to the site)."""
        if not post.link:
            return None
        base = post.link.split("#", 1)[0]
        return f"{base}#{post.marker}" if post.marker else base

    def article_body(self, post: OutgoingPost, image_urls: list[str]) -> dict[str, Any]:
        """The ``/article/create`` body of a normal article (cover = the first image)."""
        text = unicodedata.normalize("NFC", post.text or "").strip()
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        body: list[dict[str, Any]] = [
            {"type": "text", "content": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)}
        ]
        body += [{"type": "image", "url": url, "caption": ""} for url in image_urls[1:]]
        article: dict[str, Any] = {
            "type": "normal",
            "title": self.title_of(post),
            "author": str(self.config.settings.get("author") or "")[:AUTHOR_MAX],
            "description": self.description_of(post),
            "body": body,
            "status": "show",
            "comment": "show",
        }
        if image_urls:
            article["cover"] = {"cover_type": "photo", "photo_url": image_urls[0], "status": "show"}
        link = self.tracking_link(post)
        if link:
            article["tracking_link"] = link
        return article

    # -- HTTP ---------------------------------------------------------------------------------
    def _guarded(self, call: Callable[[], T]) -> T:
        """``call()``, with every failure classified and scrubbed (raised ``from None``)."""
        import httpx

        try:
            return call()
        except (ConnectorError, ZaloAPIError, ZaloHttpError, httpx.HTTPError, OSError) as exc:
            raise self.failure(exc, zalo_errors.classify) from None

    def _client(self) -> tuple[httpx.Client, bool]:
        """(client, owned): a kept client from the cache, or a new one the caller closes."""
        if self.clients is None:
            return self._new_client(), True
        client = self.clients.get(("zalo", self.timeout), self._new_client, _close)
        return client, False

    def _new_client(self) -> httpx.Client:
        from connectors import outbound, tls

        return outbound.httpx_client(timeout=self.timeout, ssl_context=tls.client_context())

    def _request(
        self,
        http_method: str,
        url: str,
        *,
        step: str,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """One request; returns the whole JSON answer. Raises ZaloAPIError (error != 0),
        ZaloHttpError, httpx errors and guard errors."""
        from connectors import outbound

        outbound.check(url)
        client, owned = self._client()
        try:
            response = client.request(
                http_method, url, headers={"User-Agent": USER_AGENT, **(headers or {})}, **kwargs
            )
        finally:
            if owned:
                client.close()
        try:
            answer = response.json()
        except ValueError:
            raise ZaloHttpError(response.status_code, response.text, step) from None
        if not isinstance(answer, dict):
            raise ZaloHttpError(response.status_code, str(answer), step)
        code = answer.get("error")
        if code not in (None, 0, "0"):
            try:
                number = int(code)
            except (TypeError, ValueError):
                number = -1
            message = str(answer.get("message") or answer.get("error_description") or "")
            raise ZaloAPIError(
                number,
                message,
                http_status=response.status_code,
                headers=response.headers,
                step=step,
            )
        if response.status_code >= 400:
            raise ZaloHttpError(response.status_code, response.text, step)
        return answer

    def _api(
        self,
        http_method: str,
        path: str,
        *,
        step: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """An Open API call with the access token; -216/-220 -> one refresh, one retry.
        Returns the answer's ``data``."""
        token = self.keeper.access_token(self)
        for attempt in (1, 2):
            secret = str(self.config.credentials.get("app_secret") or "")
            headers = {"access_token": token, "appsecret_proof": appsecret_proof(secret, token)}
            extra = kwargs.pop("headers", None) or {}
            try:
                answer = self._request(
                    http_method,
                    self.openapi_url + path,
                    step=step,
                    headers={**headers, **extra},
                    **kwargs,
                )
            except ZaloAPIError as exc:
                if attempt == 1 and zalo_errors.row(exc.code).action == REFRESH:
                    kwargs["headers"] = extra
                    token = self.keeper.refresh(self, token)
                    self._fresh.append(token)
                    continue
                raise
            data = answer.get("data")
            return data if isinstance(data, dict) else {}
        raise AssertionError("unreachable")  # pragma: no cover

    # -- OAuth --------------------------------------------------------------------------------
    def authorization_url(self, redirect_uri: str, state: str, challenge: str) -> str:
        """Where the OA admin grants access (OAuth v4 with PKCE)."""
        query = urlencode(
            {
                "app_id": self.config.settings.get("app_id"),
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "state": state,
            }
        )
        return f"{self.oauth_url}/v4/oa/permission?{query}"

    def _token_call(self, form: dict[str, str], step: str) -> TokenSet:
        tokens = self._guarded(lambda: self._token_request(form, step))
        self._fresh += [tokens.access_token, tokens.refresh_token]
        return tokens

    def _token_request(self, form: dict[str, str], step: str) -> TokenSet:
        secret = str(self.config.credentials.get("app_secret") or "")
        answer = self._request(
            "POST",
            self.oauth_url + "/v4/oa/access_token",
            step=step,
            headers={"secret_key": secret},
            data={**form, "app_id": str(self.config.settings.get("app_id") or "")},
        )
        access = str(answer.get("access_token") or "")
        refresh = str(answer.get("refresh_token") or "")
        if not access or not refresh:
            # HTTP 200 without tokens: a failure whatever else it says.
            raise AuthError(f"{step}: Zalo answered without tokens", code="zalo:no_token")
        try:
            expires = int(str(answer.get("expires_in") or "90000"))
        except ValueError:
            expires = 90000
        return TokenSet(access, refresh, expires)

    def refresh_tokens(self, refresh_token: str) -> TokenSet:
        """Exchange the (single-use) refresh token for a new pair. Raises ConnectorError
        (AuthError when Zalo refuses it: reused, revoked or expired)."""
        if not refresh_token:
            raise AuthError("no refresh token", code="zalo:no_refresh_token")
        return self._token_call(
            {"refresh_token": refresh_token, "grant_type": "refresh_token"}, "refresh"
        )

    def exchange_code(self, code: str, verifier: str) -> TokenSet:
        """Exchange an authorization code (single-use, 10 min) with the PKCE verifier."""
        return self._token_call(
            {"code": code, "grant_type": "authorization_code", "code_verifier": verifier},
            "exchange",
        )

    # -- publish ------------------------------------------------------------------------------
    def publish(self, post: OutgoingPost) -> PublishResult:
        self.ensure_publishable(post)
        return self._guarded(lambda: self._publish(post))

    def _publish(self, post: OutgoingPost) -> PublishResult:
        videos = [m for m in post.media if m.kind == VIDEO]
        if videos:
            article = self._video_article(post, videos[0])
        else:
            urls = [self._image_url(post, i, m) for i, m in enumerate(post.media)]
            article = self.article_body(post, urls)
        created = self._api("POST", "/v2.0/article/create", step="create", json=article)
        token = str(created.get("token") or "")
        if not token:
            raise AmbiguousError("create: Zalo answered without a token", code="zalo:no_token")
        article_id = self._verify(token)
        raw: dict[str, Any] = {"article_id": article_id, "type": article["type"]}
        detail = self._detail_or_empty(article_id)
        url = str(detail.get("link_view") or detail.get("link") or "") or None
        raw["broadcast"] = self._maybe_broadcast(post, article_id)
        return PublishResult(article_id, url, raw)

    def _verify(self, token: str) -> str:
        """Poll verify until the article id comes (-214: processing). Raises AmbiguousError
        when it is still processing after the attempts (the article may appear later)."""
        for attempt in range(self.verify_attempts):
            try:
                data = self._api(
                    "POST", "/v2.0/article/verify", step="verify", json={"token": token}
                )
            except ZaloAPIError as exc:
                if exc.code != -214:
                    raise
                if attempt + 1 < self.verify_attempts:
                    self.sleep(self.interval)
                continue
            article_id = str(data.get("id") or data.get("article_id") or "")
            if article_id:
                return article_id
            raise AmbiguousError("verify: answer without an article id", code="zalo:no_id")
        error = AmbiguousError(
            f"verify: article still processing after {self.verify_attempts} checks",
            code="zalo:-214",
        )
        error.explain = "zalo.error.processing"  # type: ignore[attr-defined]
        raise error

    def _image_url(self, post: OutgoingPost, index: int, item: MediaItem) -> str:
        """A public URL for an image (docs/connectors.md: the sources disagree on covers):

        1. the URL the engine gives as the image's own (``media_urls``), as it is;
        2. else the image is uploaded (``/v2.0/oa/upload/image``, which checks it) and the
           answer's ``url`` is used when Zalo gives one (its CDN, as official samples show);
        3. else our own public HTTPS URL of the file (``public_media_urls``, served by
           ``publisher api`` at ``/m/<signed name>``: the channel-fitted jpg/png ≤ 1 MB).

        Raises PermanentError (``zalo:cover_url``) before any article is created when none
        of the three gives a URL (``PUBLISHER_PUBLIC_URL`` not set)."""
        urls = post.metadata.get("media_urls") or ()
        if index < len(urls) and urls[index]:
            return str(urls[index])
        with item.path.open("rb") as fh:
            data = self._api(
                "POST",
                "/v2.0/oa/upload/image",
                step="upload",
                files={"file": (item.path.name, fh, item.mime or "image/jpeg")},
            )
        url = str(data.get("url") or "")
        if url:
            return url
        ours = post.metadata.get("public_media_urls") or ()
        if index < len(ours) and ours[index]:
            return str(ours[index])
        error = PermanentError(
            "upload: Zalo gave no URL for the image and no public URL of ours is set "
            "(PUBLISHER_PUBLIC_URL)",
            code="zalo:cover_url",
        )
        error.explain = "zalo.error.cover_url"  # type: ignore[attr-defined]
        raise error

    def _video_article(self, post: OutgoingPost, video: MediaItem) -> dict[str, Any]:
        with video.path.open("rb") as fh:
            data = self._api(
                "POST",
                "/v2.0/article/upload_video/preparevideo",
                step="video",
                files={"file": (video.path.name, fh, video.mime or "video/mp4")},
            )
        token = str(data.get("token") or "")
        video_id = ""
        for attempt in range(self.verify_attempts):
            # The Java SDK sends the token as a header, the .NET SDK as a query parameter.
            data = self._api(
                "GET",
                "/v2.0/article/upload_video/verify",
                step="video",
                params={"token": token},
                headers={"token": token},
            )
            status = int(data.get("status") or 0)
            if status == 1 and data.get("video_id"):
                video_id = str(data["video_id"])
                break
            if status == 4:
                raise PermanentError("video: Zalo could not process the video", code="zalo:video")
            if attempt + 1 < self.verify_attempts:
                self.sleep(self.interval)
        if not video_id:
            raise PermanentError("video: still processing, nothing published", code="zalo:video")
        urls = post.metadata.get("media_urls") or ()
        article: dict[str, Any] = {
            "type": "video",
            "title": self.title_of(post),
            "description": self.description_of(post),
            "video_id": video_id,
            "status": "show",
            "comment": "show",
        }
        avatar = post.metadata.get("video_thumb") or (urls[0] if urls else None)
        if avatar:
            article["avatar"] = str(avatar)
        return article

    def _detail_or_empty(self, article_id: str) -> dict[str, Any]:
        try:
            return self._api(
                "GET", "/v2.0/article/getdetail", step="detail", params={"id": article_id}
            )
        except (ZaloAPIError, ZaloHttpError, httpx.HTTPError):
            return {}  # the article exists; its link is a nicety

    # -- broadcast ----------------------------------------------------------------------------
    def broadcasts(self) -> bool:
        return _truthy(self.config.settings.get("broadcast"))

    def target(self) -> dict[str, Any]:
        target: dict[str, Any] = {}
        cities = parse_cities(self.config.settings.get("target_cities"))
        if cities:
            target["cities"] = ",".join(str(c) for c in cities)
        return target

    def _maybe_broadcast(self, post: OutgoingPost, article_id: str) -> dict[str, Any]:
        """Send the article to followers when allowed. Never raises for a broadcast that
        fails: the article is public already, and a retry would make a second one."""
        if not self.broadcasts():
            return {"status": "off"}
        gate = post.metadata.get("zalo_broadcast", BROADCAST_OK)
        if gate is not True:
            return {"status": "skipped", "reason": str(gate)}
        try:
            oa = self._guarded(lambda: self._api("GET", "/v2.0/oa/getoa", step="getoa"))
            if not oa.get("is_verified", True):
                return {"status": "skipped", "reason": "zalo.error.oa_not_verified"}
            body: dict[str, Any] = {
                "recipient": {"target": self.target()},
                "message": {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "media",
                            "elements": [{"media_type": "article", "attachment_id": article_id}],
                        },
                    }
                },
            }
            data = self._guarded(
                lambda: self._api("POST", "/v2.0/oa/message", step="broadcast", json=body)
            )
        except ConnectorError as error:
            unknown = isinstance(error, AmbiguousError)
            return {
                "status": "unknown" if unknown else "failed",
                "reason": zalo_errors.explain_key(error) or error.kind,
                "error": str(error),
            }
        return {"status": "sent", "message_id": str(data.get("message_id") or "")}

    # -- customer-service messages (the FAQ bot) ---------------------------------------------
    #: Longest text of a customer-service message.
    cs_text_max: ClassVar[int] = 2000

    def send_cs_text(self, user_id: str, text: str) -> str:
        """Send a customer-service text message (``/v3.0/oa/message/cs``) to a follower who
        wrote to the OA; returns its message id. Raises a :class:`ConnectorError` subclass
        (table in :mod:`connectors.zalo_errors`)."""
        body = {
            "recipient": {"user_id": str(user_id)},
            "message": {"text": _shorten(text, self.cs_text_max)},
        }
        data = self._guarded(
            lambda: self._api("POST", "/v3.0/oa/message/cs", step="cs_message", json=body)
        )
        return str(data.get("message_id") or "")

    # -- reconciliation -----------------------------------------------------------------------
    def find_published(self, post: OutgoingPost) -> PublishResult | None:
        """Our article among the recent ones, or None. Raises ConnectorError."""
        return self._guarded(lambda: self._find(post))

    def _find(self, post: OutgoingPost) -> PublishResult | None:
        kind = "video" if any(m.kind == VIDEO for m in post.media) else "normal"
        title = self.title_of(post)
        since = _parse_time(post.metadata.get("first_attempt_at"))
        link = self.tracking_link(post)
        description = self.description_of(post)
        for page in range(SLICE_PAGES):
            data = self._api(
                "GET",
                "/v2.0/article/getslice",
                step="getslice",
                params={"offset": page * SLICE_LIMIT, "limit": SLICE_LIMIT, "type": kind},
            )
            items = data.get("medias") or data.get("items") or []
            for item in items:
                created = _ms_time(item.get("create_date"))
                if since is not None and created is not None and created < since - SKEW:
                    return None  # newest first: older than our first attempt from here on
                if unicodedata.normalize("NFC", str(item.get("title") or "")) != title:
                    continue
                detail = item
                if "tracking_link" not in item and "description" not in item:
                    detail = self._api(
                        "GET", "/v2.0/article/getdetail", step="detail", params={"id": item["id"]}
                    )
                ours = (
                    str(detail.get("tracking_link") or "") == link
                    if link
                    else unicodedata.normalize("NFC", str(detail.get("description") or ""))
                    == description
                )
                if ours:
                    url = str(item.get("link_view") or detail.get("link_view") or "") or None
                    return PublishResult(
                        str(item["id"]), url, {"article_id": str(item["id"]), "reconciled": True}
                    )
            if len(items) < SLICE_LIMIT:
                return None
        return None

    # -- engagement and checks ----------------------------------------------------------------
    def fetch_metrics(self, external_id: str) -> Metrics:
        data = self._guarded(
            lambda: self._api(
                "GET", "/v2.0/article/getdetail", step="detail", params={"id": external_id}
            )
        )
        return Metrics(
            views=_int(data.get("total_view")),
            shares=_int(data.get("total_share")),
            unavailable=("reactions", "comments", "clicks"),
            raw={"total_view": data.get("total_view"), "total_share": data.get("total_share")},
        )

    def oa_info(self) -> dict[str, Any]:
        """``getoa``: name, is_verified, num_follower, package_name... Raises ConnectorError."""
        return self._guarded(lambda: self._api("GET", "/v2.0/oa/getoa", step="getoa"))

    def audience(self) -> int:
        """How many people follow the OA (``getoa``'s ``num_follower``). Raises
        ConnectorError."""
        count = self.oa_info().get("num_follower")
        if not isinstance(count, int):
            raise AmbiguousError("getoa: answer without num_follower", code="zalo:response")
        return count

    def check(self) -> CheckResult:
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, problems[0].message, error_kind=ConfigError.kind)
        try:
            oa = self.oa_info()
        except (AuthError, ConfigError, PermanentError) as exc:
            return CheckResult(False, str(exc), error_kind=exc.kind)
        verified = "verified" if oa.get("is_verified") else "NOT verified"
        return CheckResult(
            True, f"OA {oa.get('name') or self.config.settings.get('oa_id')} ({verified})"
        )


def _shorten(text: str, limit: int) -> str:
    """``text`` if it fits, else cut at the last space before ``limit`` - 1 with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def _close(client: httpx.Client) -> None:
    client.close()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ms_time(value: Any) -> datetime | None:
    number = _int(value)
    if number is None:
        return None
    return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, UTC)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


__all__ = [
    "KEEPER",
    "MemoryKeeper",
    "TokenKeeper",
    "TokenSet",
    "ZaloOAConnector",
    "appsecret_proof",
    "pkce_challenge",
    "pkce_pair",
]

"""Signed webhook connector (Zalo-style or HMAC), over httpx.

POSTs one JSON event per delivery to the channel's URL with an ``Idempotency-Key`` header
that is stable per delivery, so a retry after an ambiguous failure cannot double-post at a
receiver that honours it (``dedupes = True``). Targets are checked by
:mod:`connectors.netguard` before every hop (redirects are followed by hand for that reason),
and the client connects only to addresses judged when the connection is opened
(:mod:`connectors.guarded_http`), so DNS rebinding cannot slip past the check. With a
:class:`connectors.clients.ClientCache` one guarded client per thread (and timeout) serves
every webhook channel and keeps its connections alive; each request's hop is still checked
first, and a kept connection goes to the address judged when it was opened.
"""

from __future__ import annotations

import base64
import json
import time
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

import httpx

from connectors import failures, guarded_http, netguard, signing, tls
from connectors.base import (
    MB,
    ChannelConfig,
    CheckResult,
    Connector,
    OutgoingPost,
    Problem,
    PublishResult,
)
from connectors.clients import ClientCache
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.retry import parse_retry_after

EVENT = "post.published"
MAX_REDIRECTS = 3
DEFAULT_RETRY_AFTER = 30.0
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "r57-publisher-webhook/1"


class WebhookConnector(Connector):
    """Webhook: settings ``url``, ``signature`` (``zalo`` | ``hmac``), ``app_id`` (zalo);
    credential ``secret``.

    Media travel as URLs when ``post.metadata["media_urls"]`` gives one per item (same
    order), otherwise inline as base64 up to ``inline_max_bytes`` per file.
    """

    kind: ClassVar[str] = "webhook"
    platform: ClassVar[str] = "Webhook"
    text_max: ClassVar[int] = 20000
    caption_max: ClassVar[int] = 20000
    max_media: ClassVar[int] = 10
    image_max_bytes: ClassVar[int] = 20 * MB
    video_max_bytes: ClassVar[int] = 200 * MB
    #: Largest file sent inline (base64) when no URL is given for it.
    inline_max_bytes: ClassVar[int] = 5 * MB
    rate_per_second: ClassVar[float] = 10.0
    rate_burst: ClassVar[int] = 20
    max_concurrency: ClassVar[int] = 2
    call_timeout: ClassVar[float] = 10.0
    dedupes: ClassVar[bool] = True
    required_settings: ClassVar[tuple[str, ...]] = ("url", "signature")
    required_credentials: ClassVar[tuple[str, ...]] = ("secret",)

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 10.0, clients: ClientCache | None = None
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        self.url = str(config.settings.get("url") or "").strip()
        self.scheme = str(config.settings.get("signature") or "").strip().lower()
        self.app_id = str(config.settings.get("app_id") or "").strip()

    # -- validation ---------------------------------------------------------------------------
    @classmethod
    def validate_config(cls, config: ChannelConfig) -> list[Problem]:
        problems = super().validate_config(config)
        name = config.name
        url = str(config.settings.get("url") or "").strip()
        scheme = str(config.settings.get("signature") or "").strip().lower()
        if url:
            try:
                # Offline: literal addresses and internal names only; DNS is checked on send.
                netguard.check_url(url, resolve=False)
            except netguard.BlockedTargetError as exc:
                problems.append(
                    Problem(
                        "webhook_private_url",
                        f"Channel {name!r}: {exc.message}",
                        {"channel": name, "url": url},
                    )
                )
            except ConfigError:
                problems.append(
                    Problem(
                        "webhook_bad_url",
                        f"Channel {name!r}: URL must be http(s): {url!r}",
                        {"channel": name, "url": url},
                    )
                )
        if scheme and scheme not in signing.SCHEMES:
            problems.append(
                Problem(
                    "webhook_bad_signature",
                    f"Channel {name!r}: signature must be zalo or hmac",
                    {"channel": name, "value": scheme},
                )
            )
        if scheme == "zalo" and not str(config.settings.get("app_id") or "").strip():
            problems.append(
                Problem(
                    "missing_setting",
                    f"Channel {name!r}: setting 'app_id' is required",
                    {"channel": name, "setting": "app_id"},
                )
            )
        return problems

    def _validate_media(self, post: OutgoingPost) -> list[Problem]:
        problems = super()._validate_media(post)
        urls = _media_urls(post)
        for i, item in enumerate(post.media):
            if i < len(urls) and urls[i]:
                continue
            size = item.size_bytes or (item.path.stat().st_size if item.path.is_file() else 0)
            if size > self.inline_max_bytes:
                problems.append(
                    Problem(
                        "webhook_media_not_inlinable",
                        f"Channel {self.config.name!r}: {item.path.name} has no URL and is "
                        f"over the {self.inline_max_bytes // MB} MB inline limit",
                        {
                            "channel": self.config.name,
                            "file": item.path.name,
                            "limit_mb": self.inline_max_bytes // MB,
                        },
                    )
                )
        return problems

    # -- payload ------------------------------------------------------------------------------
    def build_body(self, post: OutgoingPost, *, now: datetime | None = None) -> bytes:
        """The exact bytes to send (and sign). Raises :class:`PermanentError` if a media file
        cannot be read."""
        meta = post.metadata
        sent_at = now or datetime.now(UTC)
        payload: dict[str, Any] = {
            "event": EVENT,
            "delivery_id": meta.get("delivery_id"),
            "post_id": meta.get("post_id"),
            "idempotency_key": post.idempotency_key,
            "organisation": meta.get("organisation"),
            "channel": self.config.name,
            "text": unicodedata.normalize("NFC", post.text or ""),
            "link": post.link,
            "media": self._media_payload(post),
            "campaign": meta.get("campaign"),
            "scheduled_at": meta.get("scheduled_at"),
            "sent_at": sent_at.isoformat(),
        }
        if self.scheme == "zalo":
            payload["app_id"] = self.app_id
            payload["timestamp"] = str(int(sent_at.timestamp() * 1000))
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _media_payload(self, post: OutgoingPost) -> list[dict[str, Any]]:
        urls = _media_urls(post)
        items: list[dict[str, Any]] = []
        for i, item in enumerate(post.media):
            entry: dict[str, Any] = {"kind": item.kind, "mime": item.mime, "name": item.path.name}
            if i < len(urls) and urls[i]:
                entry["url"] = urls[i]
            else:
                try:
                    data = item.path.read_bytes()
                except OSError as exc:
                    raise PermanentError(f"cannot read media: {exc}", code="media") from exc
                entry["size"] = len(data)
                entry["data_base64"] = base64.b64encode(data).decode("ascii")
            items.append(entry)
        return items

    def sign_headers(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """Signature headers for ``body``. Raises :class:`ConfigError` for an unknown scheme."""
        secret = str(self.config.credentials.get("secret") or "")
        if self.scheme == "zalo":
            timestamp = str(json.loads(body)["timestamp"])
            return {
                signing.ZALO_HEADER: signing.zalo_signature(self.app_id, body, timestamp, secret)
            }
        if self.scheme == "hmac":
            timestamp = str(int(time.time() if now is None else now))
            return {
                signing.TIMESTAMP_HEADER: timestamp,
                signing.HMAC_HEADER: signing.hmac_signature(secret, timestamp, body),
            }
        raise ConfigError(f"unknown signature scheme {self.scheme!r}", code="signature")

    # -- operations ---------------------------------------------------------------------------
    def publish(self, post: OutgoingPost) -> PublishResult:
        """POST the signed event. Raises a :class:`ConnectorError` subclass (see
        :func:`classify_response` and :func:`classify_exception`)."""
        self.ensure_publishable(post)
        if not post.idempotency_key:
            raise ConfigError("webhook deliveries need an idempotency key", code="idempotency")
        body = self.build_body(post)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": post.idempotency_key,
            "User-Agent": USER_AGENT,
            **self.sign_headers(body),
        }
        try:
            response = self._post_following_redirects(body, headers)
            return result_from_response(response, post.idempotency_key)
        except (ConnectorError, httpx.HTTPError) as exc:
            # The receiver's answer, the URL (a query may hold a token) and the transport
            # error all leave through the scrubber.
            raise self.failure(exc, classify) from None

    def _post_following_redirects(self, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
        if self.clients is None:
            with self._new_client() as client:
                return self._post_hops(client, body, headers)
        # Keyed by timeout only: the client holds no channel's URL, secret or cookies.
        client = self.clients.get(("webhook", self.timeout), self._new_client, httpx.Client.close)
        return self._post_hops(client, body, headers)

    def _new_client(self) -> httpx.Client:
        return guarded_http.client(timeout=self.timeout, ssl_context=tls.client_context())

    def _post_hops(
        self, client: httpx.Client, body: bytes, headers: Mapping[str, str]
    ) -> httpx.Response:
        url = self.url
        for _hop in range(MAX_REDIRECTS + 1):
            netguard.check_url(url)  # every hop: a redirect must not reach our network
            response = client.post(url, content=body, headers=headers)
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return response
            # The same signed body goes to the new target (curl --post30x behaviour);
            # receivers behind http->https or path moves keep working.
            url = urljoin(url, location)
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects", code="redirects")

    def _scrub(self, text: str) -> str:
        return failures.scrub_text(text, self.secrets())

    def check(self) -> CheckResult:
        """Configuration and target address checks only: a webhook has no "who am I" call,
        and a test event would be a real delivery at the receiver. Raises
        :class:`TransientError` when the host name does not resolve (the answer is unknown)."""
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, self._scrub(problems[0].message), error_kind=ConfigError.kind)
        try:
            netguard.check_url(self.url)
        except ConnectorError as exc:
            error = self.failure(exc, classify)
            if isinstance(error, TransientError):  # the name did not resolve: unknown
                raise error from None
            return CheckResult(False, str(error), error_kind=error.kind)
        return CheckResult(True, "configuration complete; target address allowed")


def _media_urls(post: OutgoingPost) -> Sequence[str | None]:
    urls = post.metadata.get("media_urls") or ()
    return [str(u) if u else None for u in urls]


def result_from_response(response: httpx.Response, key: str) -> PublishResult:
    """2xx -> result; otherwise raise the mapped error (:func:`classify_response`)."""
    data = _json(response)
    if 200 <= response.status_code < 300:
        external = data.get("id") or data.get("message_id") or key
        return PublishResult(str(external), data.get("url"), data)
    raise classify_response(response.status_code, response.headers, data, key)


def classify_response(
    status: int, headers: Mapping[str, str], data: Mapping[str, Any], key: str = ""
) -> ConnectorError:
    """The webhook status table. Raises nothing; returns the error to raise."""
    detail = str(data.get("error") or data.get("message") or "")[:200]
    code = f"http:{status}"
    message = f"receiver answered {status}" + (f": {detail}" if detail else "")
    if status == 409 and _is_duplicate(data, headers):
        external = data.get("id") or data.get("message_id") or key
        return DuplicateError(message, external_id=str(external), url=data.get("url"), code=code)
    if status == 429:
        wait = parse_retry_after(headers.get("retry-after"))
        return RateLimitedError(
            message, retry_after=DEFAULT_RETRY_AFTER if wait is None else wait, code=code
        )
    if status in (401, 403):
        return AuthError(message, code=code)
    if status == 408:  # the receiver gave up reading the request: nothing was processed
        return TransientError(message, code=code)
    if 400 <= status < 500 or 300 <= status < 400:
        return PermanentError(message, code=code)
    return AmbiguousError(message, code=code)  # 5xx and anything stranger


def classify(exc: BaseException) -> ConnectorError:
    """Any failure of a webhook delivery onto the taxonomy (our own errors pass through,
    httpx's go through :func:`classify_exception`). Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, httpx.HTTPError):
        return classify_exception(exc)
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def classify_exception(exc: httpx.HTTPError) -> ConnectorError:
    """The webhook transport table. Raises nothing."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransientError(f"cannot connect: {exc}", code="connect")
    if isinstance(exc, httpx.TimeoutException):
        return AmbiguousError(f"no answer in time: {exc!r}", code="timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ConfigError(f"bad webhook URL: {exc}", code="url")
    return AmbiguousError(f"connection failed after sending: {exc!r}", code="dropped")


def _is_duplicate(data: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    if data.get("duplicate") is True:
        return True
    if str(headers.get("idempotent-replayed", "")).lower() == "true":
        return True
    return "duplicate" in str(data.get("error") or data.get("code") or "").lower()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

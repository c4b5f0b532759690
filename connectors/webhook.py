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
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

from connectors import signing
from connectors.base import (
    MB,
    ChannelConfig,
    CheckResult,
    Connector,
    OutgoingPost,
    Problem,
    PublishResult,
)
from connectors.errors import (
    ConfigError,
    ConnectorError,
    PermanentError,
    TransientError,
)
from connectors.settings import CHOICE, INBOUND, PREVIEW_PAYLOAD, SECRET, URL, Field

if TYPE_CHECKING:  # the client stack (httpx, httpcore) loads when a request is made
    import httpx

    from connectors.clients import ClientCache

EVENT = "post.published"
MAX_REDIRECTS = 3
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
    dedupes: ClassVar[bool] = True
    fields: ClassVar[tuple[Field, ...]] = (
        Field(
            "url",
            URL,
            required=True,
            url_problems=("webhook_bad_url", "webhook_private_url"),
            cli="url",
        ),
        Field(
            "signature",
            CHOICE,
            required=True,
            choices=signing.SCHEMES,
            problem="webhook_bad_signature",
            message="signature must be zalo or hmac",
            default="hmac",
            cli="signature",
            cli_help="zalo|hmac",
        ),
        Field("app_id", required_if=("signature", "zalo"), cli="app-id"),
        Field("secret", SECRET, required=True, cli="secret", cli_help="Webhook secret"),
    )
    engagement: ClassVar[str] = INBOUND
    preview: ClassVar[str] = PREVIEW_PAYLOAD
    error_table: ClassVar[str] = "connectors.webhook_errors"
    icon: ClassVar[str] = ":material/webhook:"
    card_size: ClassVar[tuple[int, int]] = (1200, 630)  # Zalo article cover / link preview
    link_source: ClassVar[str] = "zalo"

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 10.0, clients: ClientCache | None = None
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        self.url = str(config.settings.get("url") or "").strip()
        self.scheme = str(config.settings.get("signature") or "").strip().lower()
        self.app_id = str(config.settings.get("app_id") or "").strip()

    # -- validation ---------------------------------------------------------------------------
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
        """An engagement event from the receiver, signed with the channel's own scheme
        (Zalo-style: ``app_id`` and the body's millisecond ``timestamp``; HMAC: the timestamp
        header). Raises nothing."""
        scheme = str(config.settings.get("signature") or "").lower()
        secret = str(config.credentials.get("secret") or "")
        if scheme == "zalo":
            return signing.verify_zalo(
                str(config.settings.get("app_id") or ""),
                body,
                str(data.get("timestamp") or ""),
                secret,
                headers.get(signing.ZALO_HEADER.lower()),
                tolerance_s=tolerance_s,
                now=now,
            )
        if scheme == "hmac":
            return signing.verify_hmac(
                secret,
                headers.get(signing.TIMESTAMP_HEADER.lower()),
                body,
                headers.get(signing.HMAC_HEADER.lower()),
                tolerance_s=tolerance_s,
                now=now,
            )
        return False

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
        import httpx

        from connectors.webhook_errors import classify

        try:
            response = self._post_following_redirects(body, headers)
            return result_from_response(response, post.idempotency_key)
        except (ConnectorError, httpx.HTTPError) as exc:
            # The receiver's answer, the URL (a query may hold a token) and the transport
            # error all leave through the scrubber.
            raise self.failure(exc, classify) from None

    def _post_following_redirects(self, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
        import httpx

        if self.clients is None:
            with self._new_client() as client:
                return self._post_hops(client, body, headers)
        # Keyed by timeout only: the client holds no channel's URL, secret or cookies.
        client = self.clients.get(("webhook", self.timeout), self._new_client, httpx.Client.close)
        return self._post_hops(client, body, headers)

    def _new_client(self) -> httpx.Client:
        from connectors import guarded_http, tls

        return guarded_http.client(timeout=self.timeout, ssl_context=tls.client_context())

    def _post_hops(
        self, client: httpx.Client, body: bytes, headers: Mapping[str, str]
    ) -> httpx.Response:
        from connectors import netguard

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
        from connectors import failures

        return failures.scrub_text(text, self.secrets())

    def check(self) -> CheckResult:
        """Configuration and target address checks only: a webhook has no "who am I" call,
        and a test event would be a real delivery at the receiver. Raises
        :class:`TransientError` when the host name does not resolve (the answer is unknown)."""
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, self._scrub(problems[0].message), error_kind=ConfigError.kind)
        from connectors import netguard
        from connectors.webhook_errors import classify

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
    from connectors.webhook_errors import classify_response

    data = _json(response)
    if 200 <= response.status_code < 300:
        external = data.get("id") or data.get("message_id") or key
        return PublishResult(str(external), data.get("url"), data)
    raise classify_response(response.status_code, response.headers, data, key)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

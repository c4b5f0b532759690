"""The connector contract.

A connector is a small class per platform. Its limits are class attributes, so validation,
media fitting and rate limiting read them without instantiating anything. Instances are cheap
and short-lived: one per (channel, operation). They hold no network client of their own:
given a :class:`connectors.clients.ClientCache` they take this thread's clients from it
(the engine's executors do), otherwise they build one per call and close it.
"""

from __future__ import annotations

import mimetypes
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from connectors.clients import ClientCache
from connectors.errors import ConfigError, ConnectorError, PermanentError

IMAGE = "image"
VIDEO = "video"


@dataclass(frozen=True)
class MediaItem:
    """One file to attach, already fitted to the channel's limits."""

    path: Path
    kind: str  # IMAGE | VIDEO
    mime: str = ""
    size_bytes: int = 0
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    #: Alternative text (screen readers); sent where the platform takes it (Facebook photos).
    alt_text: str = ""

    @classmethod
    def from_path(cls, path: str | Path, kind: str | None = None) -> MediaItem:
        """Describe a local file; ``kind`` is guessed from the extension when omitted."""
        p = Path(path)
        mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        if kind is None:
            kind = VIDEO if mime.startswith("video/") else IMAGE
        size = p.stat().st_size if p.exists() else 0
        return cls(path=p, kind=kind, mime=mime, size_bytes=size)


@dataclass(frozen=True)
class OutgoingPost:
    """Everything a connector needs to publish one delivery.

    ``idempotency_key`` is stable per delivery (retries reuse it). ``marker`` is a short token
    that the engine may ask a connector to find on the platform when an outcome is ambiguous.
    ``metadata`` carries plain facts for payload-style platforms (post id, organisation,
    campaign, scheduled time as ISO strings).
    """

    text: str
    media: tuple[MediaItem, ...] = ()
    link: str | None = None
    idempotency_key: str = ""
    marker: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChannelConfig:
    """A channel as the connector sees it: plain settings and decrypted credentials."""

    kind: str
    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    credentials: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """A reason a post cannot be published on a channel, found before its time.

    ``code`` names a catalogue entry (``problem.<code>``) so the message reaches the user in
    their language; ``params`` fill it; ``message`` is the English fallback.
    """

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metrics:
    """Engagement counters of one published post; ``None`` means "the platform does not say"."""

    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    clicks: int | None = None
    unavailable: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""
    expires_at: datetime | None = None
    #: With ``ok=False``: the error class's ``kind`` (``auth``, ``config``, ``transient``...).
    error_kind: str | None = None


@dataclass(frozen=True)
class MediaLimits:
    """What a channel accepts; :mod:`media.fit` fits assets to these."""

    image_max_bytes: int
    video_max_bytes: int
    image_max_side: int = 4096
    video_max_seconds: float = 600.0
    image_formats: tuple[str, ...] = ("JPEG", "PNG")
    video_formats: tuple[str, ...] = ("mp4",)


MB = 1024 * 1024


class Connector(ABC):
    """Base class of every platform connector.

    Subclasses set the class attributes and implement :meth:`publish`. Every method either
    returns or raises a :class:`connectors.errors.ConnectorError` subclass; none returns a
    success flag.
    """

    kind: ClassVar[str]
    #: Human name of the platform (not translated: proper noun).
    platform: ClassVar[str]
    text_max: ClassVar[int] = 4096
    caption_max: ClassVar[int] = 4096
    media_kinds: ClassVar[frozenset[str]] = frozenset({IMAGE, VIDEO})
    max_media: ClassVar[int] = 10
    #: May images and videos be mixed in one post?
    mixed_media: ClassVar[bool] = True
    image_max_bytes: ClassVar[int] = 10 * MB
    video_max_bytes: ClassVar[int] = 50 * MB
    video_max_seconds: ClassVar[float] = 600.0
    #: Sustained messages per second to one channel (token bucket rate).
    rate_per_second: ClassVar[float] = 1.0
    #: Burst allowed by the token bucket for one channel.
    rate_burst: ClassVar[int] = 1
    #: The receiving side de-duplicates on ``idempotency_key``: retrying an ambiguous
    #: outcome is safe.
    dedupes: ClassVar[bool] = False
    #: :meth:`find_published` can look the post up on the platform.
    can_reconcile: ClassVar[bool] = False
    #: Settings and credentials a channel of this kind must have.
    required_settings: ClassVar[tuple[str, ...]] = ()
    required_credentials: ClassVar[tuple[str, ...]] = ()
    #: Optional settings holding a URL the server will call (judged by
    #: :func:`connectors.outbound.url_problem`: http(s) only, no private target).
    url_settings: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 30.0, clients: ClientCache | None = None
    ) -> None:
        self.config = config
        self.timeout = timeout
        #: Where this thread's reusable clients live (None: a client per call).
        self.clients = clients

    # -- failures -----------------------------------------------------------------------------
    def secrets(self) -> tuple[str, ...]:
        """Every credential value of the channel: what error texts are scrubbed of."""
        return tuple(str(v) for v in self.config.credentials.values() if v)

    def failure(
        self, exc: BaseException, classify: Callable[[BaseException], ConnectorError]
    ) -> ConnectorError:
        """``exc`` as our error, classified by ``classify`` and scrubbed of this channel's
        credentials (:func:`connectors.failures.translate`, the only way connectors turn a
        client library's exception into an error). Raise it ``from None``."""
        from connectors import failures  # with its client libraries: only when one failed

        return failures.translate(exc, classify, self.secrets())

    # -- limits -------------------------------------------------------------------------------
    @classmethod
    def media_limits(cls, settings: Mapping[str, Any] | None = None) -> MediaLimits:
        """Limits for :mod:`media.fit`; a channel's settings may widen them (own Bot API)."""
        return MediaLimits(
            image_max_bytes=cls.image_max_bytes,
            video_max_bytes=cls.video_max_bytes,
            video_max_seconds=cls.video_max_seconds,
        )

    # -- validation ---------------------------------------------------------------------------
    @classmethod
    def validate_config(cls, config: ChannelConfig) -> list[Problem]:
        """Problems with the channel configuration itself (missing ids, tokens, bad URLs)."""
        problems: list[Problem] = []
        for key in cls.required_settings:
            if not str(config.settings.get(key) or "").strip():
                problems.append(
                    Problem(
                        "missing_setting",
                        f"Channel {config.name!r}: setting {key!r} is required",
                        {"channel": config.name, "setting": key},
                    )
                )
        for key in cls.required_credentials:
            if not str(config.credentials.get(key) or "").strip():
                problems.append(
                    Problem(
                        "missing_credential",
                        f"Channel {config.name!r}: credential {key!r} is required",
                        {"channel": config.name, "setting": key},
                    )
                )
        from connectors import outbound  # loads httpx/requests: not on every import

        for key in cls.url_settings:
            url = str(config.settings.get(key) or "").strip()
            reason = outbound.url_problem(url) if url else None
            if reason is not None:
                problems.append(
                    Problem(
                        f"url_{reason}",
                        f"Channel {config.name!r}: {key} {url!r} is refused ({reason})",
                        {"channel": config.name, "setting": key, "url": url[:200]},
                    )
                )
        return problems

    def validate(self, post: OutgoingPost) -> list[Problem]:
        """Everything that would make :meth:`publish` refuse this post, checked offline."""
        name = self.config.name
        problems = self.validate_config(self.config)
        text = unicodedata.normalize("NFC", post.text or "")
        if not text.strip() and not post.media:
            problems.append(
                Problem("empty_text", f"Channel {name!r}: text is empty", {"channel": name})
            )
        length = self.text_length(text)
        limit = self.caption_max if post.media else self.text_max
        if length > limit and not self.splits_long_captions(post):
            problems.append(
                Problem(
                    "text_too_long",
                    f"Channel {name!r}: text has {length} characters, limit {limit}",
                    {"channel": name, "length": length, "limit": limit},
                )
            )
        elif length > self.text_max:
            problems.append(
                Problem(
                    "text_too_long",
                    f"Channel {name!r}: text has {length} characters, limit {self.text_max}",
                    {"channel": name, "length": length, "limit": self.text_max},
                )
            )
        problems.extend(self._validate_media(post))
        return _dedupe(problems)

    @classmethod
    def text_length(cls, text: str) -> int:
        """Length as the platform counts it (Telegram counts UTF-16 code units)."""
        return len(text)

    def ensure_publishable(self, post: OutgoingPost) -> None:
        """Refuse, before any network call, a post :meth:`validate` finds problems with.

        Raises :class:`ConfigError` when the channel configuration is at fault (the channel
        needs fixing) and :class:`PermanentError` when the content is (the post does).
        """
        config_problems = self.validate_config(self.config)
        if config_problems:
            raise ConfigError(
                "; ".join(p.message for p in config_problems), code=config_problems[0].code
            )
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(p.message for p in problems), code=problems[0].code)

    def notices(self, post: OutgoingPost) -> list[Problem]:
        """Non-blocking remarks to show the user (e.g. a caption that will be split).

        Same shape as problems (``problem.<code>`` catalogue keys) but they do not stop
        publishing. Raises nothing.
        """
        return []

    def splits_long_captions(self, post: OutgoingPost) -> bool:
        """Whether a caption over ``caption_max`` is sent as media + a follow-up message."""
        return False

    def _validate_media(self, post: OutgoingPost) -> list[Problem]:
        name = self.config.name
        problems: list[Problem] = []
        if len(post.media) > self.max_media:
            problems.append(
                Problem(
                    "too_many_media",
                    f"Channel {name!r}: {len(post.media)} media items, limit {self.max_media}",
                    {"channel": name, "count": len(post.media), "limit": self.max_media},
                )
            )
        kinds = {m.kind for m in post.media}
        if len(kinds) > 1 and not self.mixed_media:
            problems.append(
                Problem(
                    "mixed_media",
                    f"Channel {name!r}: cannot mix photos and videos in one post",
                    {"channel": name},
                )
            )
        limits = self.media_limits(self.config.settings)
        for item in post.media:
            if item.kind not in self.media_kinds:
                problems.append(
                    Problem(
                        "unsupported_media",
                        f"Channel {name!r}: {item.kind} is not supported",
                        {"channel": name, "kind": item.kind, "file": item.path.name},
                    )
                )
                continue
            if not item.path.is_file():
                problems.append(
                    Problem(
                        "media_missing",
                        f"File {item.path.name} is missing",
                        {"channel": name, "file": item.path.name},
                    )
                )
                continue
            size = item.size_bytes or item.path.stat().st_size
            cap = limits.image_max_bytes if item.kind == IMAGE else limits.video_max_bytes
            if size > cap:
                problems.append(
                    Problem(
                        "media_too_large",
                        f"Channel {name!r}: {item.path.name} is {size} bytes, limit {cap}",
                        {
                            "channel": name,
                            "file": item.path.name,
                            "size_mb": round(size / MB, 1),
                            "limit_mb": round(cap / MB, 1),
                        },
                    )
                )
            if item.kind == VIDEO and item.duration and item.duration > limits.video_max_seconds:
                problems.append(
                    Problem(
                        "video_too_long",
                        f"Channel {name!r}: video is {item.duration:.0f} s, "
                        f"limit {limits.video_max_seconds:.0f} s",
                        {
                            "channel": name,
                            "seconds": round(item.duration),
                            "limit": round(limits.video_max_seconds),
                        },
                    )
                )
        return problems

    # -- operations ---------------------------------------------------------------------------
    @abstractmethod
    def publish(self, post: OutgoingPost) -> PublishResult:
        """Publish ``post``; raises :class:`connectors.errors.ConnectorError` subclasses."""

    def find_published(self, post: OutgoingPost) -> PublishResult | None:
        """Look for ``post`` (by its ``marker``) on the platform after an ambiguous outcome.

        Returns the result if found, ``None`` if the platform certainly does not have it.
        Raises :class:`NotImplementedError` where the platform cannot be asked
        (``can_reconcile`` is false), or a ConnectorError if asking failed.
        """
        raise NotImplementedError

    def fetch_metrics(self, external_id: str) -> Metrics:
        """Current engagement counters of a published post."""
        return Metrics(unavailable=("reactions", "comments", "shares", "views"))

    def check(self) -> CheckResult:
        """Whether the credentials still work (and when they expire, if the platform says)."""
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, problems[0].message, error_kind=ConfigError.kind)
        return CheckResult(True, "configuration complete (not verified online)")


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.code, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

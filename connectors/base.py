"""The connector contract.

A connector is a small class per platform. Its limits are class attributes, so validation,
media fitting and rate limiting read them without instantiating anything. Instances are cheap
and short-lived: one per (channel, operation). They hold no network client of their own:
given a :class:`connectors.clients.ClientCache` they take this thread's clients from it
(the engine's executors do), otherwise they build one per call and close it.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from connectors import settings as schema
from connectors.errors import ConfigError, ConnectorError, PermanentError
from connectors.settings import Field

if TYPE_CHECKING:  # the clients (asyncio, cookie jars) load with the first client
    from connectors.clients import ClientCache

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
        import mimetypes  # reads the system's type maps: only when a file is described

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
    #: Offered on the compose page for a post of text, photos and clips; False for a kind
    #: that carries something else made elsewhere (a loudspeaker's audio bulletin).
    composable: ClassVar[bool] = True
    image_max_bytes: ClassVar[int] = 10 * MB
    video_max_bytes: ClassVar[int] = 50 * MB
    video_max_seconds: ClassVar[float] = 600.0
    #: Sustained messages per second to one channel (token bucket rate).
    rate_per_second: ClassVar[float] = 1.0
    #: Burst allowed by the token bucket for one channel.
    rate_burst: ClassVar[int] = 1
    #: Calls the engine runs at once to one channel of this kind (its bulkhead).
    max_concurrency: ClassVar[int] = 2
    #: Seconds the engine waits for this platform's answer (capped at a third of the lease).
    call_timeout: ClassVar[float] = 30.0
    #: ``publish`` needs nothing of the process that made the connector, so the engine may
    #: run it in its call process (:mod:`publisher.engine.calls`); False where it does (a
    #: token keeper installed by the engine).
    calls_apart: ClassVar[bool] = True
    #: The receiving side de-duplicates on ``idempotency_key``: retrying an ambiguous
    #: outcome is safe.
    dedupes: ClassVar[bool] = False
    #: :meth:`find_published` can look the post up on the platform.
    can_reconcile: ClassVar[bool] = False
    #: The platform lets the publisher change the text of, or remove, what it published
    #: (:meth:`edit_published`, :meth:`delete_published`); a webhook receiver does not.
    can_edit: ClassVar[bool] = False
    #: The settings and credentials a channel of this kind accepts (:mod:`connectors.settings`):
    #: the CLI options, the channels page form and :meth:`validate_config` come from it.
    fields: ClassVar[tuple[Field, ...]] = ()
    #: Messages per second shared by every channel of one platform account (a Telegram bot
    #: across its chats); 0: no shared limit. :meth:`rate_group` names the account.
    group_rate_per_second: ClassVar[float] = 0.0
    #: How engagement is collected: :data:`connectors.settings.FETCH` (``fetch_metrics`` per
    #: post), ``POLL`` (``poll_metrics`` with a kept cursor) or ``INBOUND`` (signed events).
    engagement: ClassVar[str] = schema.FETCH
    #: How the composer previews a post: ``PREVIEW_CARD``, ``PREVIEW_BUBBLE`` or
    #: ``PREVIEW_PAYLOAD`` (:mod:`connectors.settings`).
    preview: ClassVar[str] = schema.PREVIEW_CARD
    #: The module holding the platform's error table: a ``classify(exc) -> ConnectorError``.
    error_table: ClassVar[str] = ""
    #: Material icon shown beside the channel's name.
    icon: ClassVar[str] = ":material/campaign:"
    #: Width and height of campaign cards made for the platform (``image_size`` overrides).
    card_size: ClassVar[tuple[int, int]] = (1080, 1080)
    #: ``utm_source`` of the platform's tracked links.
    link_source: ClassVar[str] = ""
    #: Engagement counters the platform never gives (statistics say "not available").
    never_counts: ClassVar[tuple[str, ...]] = ()

    # -- the schema ---------------------------------------------------------------------------
    @classmethod
    def all_fields(cls) -> tuple[Field, ...]:
        """The platform's fields, then the settings every platform accepts."""
        own = {f.key for f in cls.fields}
        return cls.fields + tuple(f for f in schema.COMMON_FIELDS if f.key not in own)

    @classmethod
    def setting_keys(cls) -> tuple[str, ...]:
        return tuple(f.key for f in schema.settings_of(cls.all_fields()))

    @classmethod
    def credential_keys(cls) -> tuple[str, ...]:
        return tuple(f.key for f in schema.credentials_of(cls.all_fields()))

    @classmethod
    def rate_group(cls, config: ChannelConfig) -> str | None:
        """The platform account whose shared limit (``group_rate_per_second``) this channel
        counts against, or None. Raises nothing."""
        return None

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
        """Problems with the channel configuration itself, judged offline from ``fields``:
        missing settings and credentials first, then each value in field order (pattern,
        choice, number, URL). Subclasses add what a field cannot say. Raises nothing."""
        name = config.name
        problems: list[Problem] = []
        fields = cls.all_fields()
        for f in fields:
            values = config.credentials if f.secret else config.settings
            what = "credential" if f.secret else "setting"
            if f.applies(config.settings) and not str(values.get(f.key) or "").strip():
                problems.append(
                    Problem(
                        f"missing_{what}",
                        f"Channel {name!r}: {what} {f.key!r} is required",
                        {"channel": name, "setting": f.key, "kind": cls.kind},
                    )
                )
        for f in fields:
            values = config.credentials if f.secret else config.settings
            raw = values.get(f.key)
            if raw is None or raw == "":
                continue
            problem = cls._field_problem(f, raw, name)
            if problem is not None:
                problems.append(problem)
        return problems

    @classmethod
    def _field_problem(cls, f: Field, raw: Any, name: str) -> Problem | None:
        """The problem with one given value of field ``f``, or None."""
        if f.kind == schema.URL:
            from connectors import outbound  # loads httpx/requests: not on every import

            url = str(raw).strip()
            reason = outbound.url_problem(url)
            if reason is None:
                return None
            code = f.url_problems[0] if reason == "scheme" else f.url_problems[1]
            return Problem(
                code,
                f"Channel {name!r}: {f.key} {url!r} is refused ({reason})",
                {"channel": name, "setting": f.key, "kind": cls.kind, "url": url[:200]},
            )
        if f.kind == schema.BOOL:
            if isinstance(raw, bool) or str(raw).strip().lower() in schema.BOOL_WORDS:
                return None
            return cls._invalid(f, str(raw), name, f"{f.key} must be true or false")
        if f.kind == schema.LIST:
            return None  # a list or a comma-separated text: every item is text
        value = str(raw).strip() if f.secret else str(raw).strip(" ")  # "1\n" is refused
        if f.kind == schema.INT:
            try:
                int(value)
            except ValueError:
                return cls._invalid(f, value, name, f"{f.key} must be a whole number")
        if f.kind == schema.CHOICE and value.lower() not in f.choices:
            return cls._invalid(f, value, name, f"{f.key} must be {' or '.join(f.choices)}")
        if f.regex is not None and not f.regex.fullmatch(value):
            return cls._invalid(f, value, name, f"{f.key} is not in the expected format")
        return None

    @classmethod
    def _invalid(cls, f: Field, value: str, name: str, fallback: str) -> Problem:
        params: dict[str, Any] = {
            "channel": name,
            "setting": f.key,
            "kind": cls.kind,
            "platform": cls.platform,
        }
        params["value"] = "…" if f.secret else value[:60]  # a secret is never repeated
        return Problem(
            f.problem or "invalid_setting", f"Channel {name!r}: {f.message or fallback}", params
        )

    def _config_problems(self) -> list[Problem]:
        """:meth:`validate_config` of this connector's config, judged once per config object
        and connector class (:meth:`ensure_publishable` asks, then :meth:`validate` asks
        again in every publish; the engine makes a connector per delivery from a config it
        keeps per channel). Kept in the config's own ``__dict__``, as
        ``functools.cached_property`` keeps its values: the config is frozen and a new one
        is made whenever the channel changes. Returns a new list each time. Raises nothing."""
        memo: dict[type[Connector], list[Problem]] = self.config.__dict__.setdefault(
            "_problems_by_class", {}
        )
        problems = memo.get(type(self))
        if problems is None:
            problems = memo[type(self)] = self.validate_config(self.config)
        return list(problems)

    def validate(self, post: OutgoingPost) -> list[Problem]:
        """Everything that would make :meth:`publish` refuse this post, checked offline."""
        name = self.config.name
        problems = self._config_problems()
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
        config_problems = self._config_problems()
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

    def editable(self, post: OutgoingPost) -> bool:
        """Whether what :meth:`publish` made of ``post`` can be edited and deleted as one
        object (``can_edit`` and, say, not an album of several messages)."""
        return self.can_edit

    def edit_published(self, external_id: str, text: str) -> None:
        """Replace the text of the published post ``external_id``; raises
        :class:`NotImplementedError` where ``can_edit`` is false, else a ConnectorError
        (a post no longer on the platform: PermanentError)."""
        raise NotImplementedError

    def delete_published(self, external_id: str) -> None:
        """Remove the published post ``external_id`` from the platform; raises like
        :meth:`edit_published`."""
        raise NotImplementedError

    def fetch_metrics(self, external_id: str) -> Metrics:
        """Current engagement counters of a published post."""
        return Metrics(unavailable=("reactions", "comments", "shares", "views"))

    def poll_metrics(
        self, state: Mapping[str, Any], external_ids: Sequence[str]
    ) -> tuple[dict[str, Any], dict[str, Metrics]]:
        """For ``engagement = POLL``: read the updates since ``state`` (what the previous call
        returned, ``{}`` the first time) and return the new state with the counters of
        ``external_ids``. Raises ConnectorError subclasses; NotImplementedError elsewhere."""
        raise NotImplementedError

    @classmethod
    def receives_events(cls, config: ChannelConfig) -> bool:
        """Whether ``POST /inbound/<channel>`` takes events for this channel (checked by
        :meth:`verify_inbound`): by default when engagement is ``INBOUND``; a platform whose
        own webhook sends events overrides it (e.g. once the key that signs them is set).
        Raises nothing."""
        return cls.engagement == schema.INBOUND

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
        """For a channel that :meth:`receives_events`: whether an event received for it is signed
        with its secret and fresh (``headers`` with lower-case names, ``data`` the parsed
        JSON body or ``{}``). Raises nothing."""
        return False

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

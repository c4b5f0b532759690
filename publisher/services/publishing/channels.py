"""Channels: one account on one platform (a page, a chat, a receiver) of one organisation."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from connectors import failures, registry
from connectors.base import ChannelConfig, CheckResult, Connector
from connectors.clients import ClientCache
from connectors.errors import AuthError, ConfigError, ConnectorError, PermanentError
from connectors.settings import BOOL, INT, LIST, Field
from publisher.errors import Conflict, InvalidInput, NotFound, ValidationFailed, problem_text
from publisher.models import Channel, ChannelHealth, Delivery, DeliveryStatus
from publisher.security import decrypt_credentials, encrypt_credentials, mask
from publisher.services.accounts import alerts, audit
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import get_org
from publisher.services.publishing.channel_health import flag_channel
from publisher.textcheck import has_hidden_chars


@dataclass(frozen=True)
class FormField:
    """One setting or credential of a channel kind, as a form or a command asks for it
    (from the connector's settings schema, :mod:`connectors.settings`)."""

    key: str
    kind: str  # text | secret | int | bool | url | choice | list
    secret: bool
    required: bool
    choices: tuple[str, ...]
    default: str | None
    #: Catalogue keys of the label and of the help text (the help may be absent).
    label_key: str
    help_key: str


@dataclass(frozen=True)
class KindForm:
    """What a channel of one kind is configured with."""

    kind: str
    platform: str
    icon: str
    fields: tuple[FormField, ...]

    @property
    def settings(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if not f.secret)

    @property
    def credentials(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.secret)


def kinds() -> tuple[str, ...]:
    """Every channel kind, in registry order. Raises nothing."""
    return registry.KINDS


#: The pace of the fastest platforms' deliveries (and of rows made without a channel kind):
#: claimed last among those due.
UNPACED = 9


@functools.cache
def paces() -> dict[str, int]:
    """Each kind's pace, the order in which a claim takes due deliveries: the platforms
    whose channels take longest to send a backlog first (0: lowest default rate, then
    smallest burst: Telegram's one post a second before Facebook's three at once then one a
    second), the fastest group :data:`UNPACED`. Raises nothing."""
    by_pace: dict[tuple[float, int], list[str]] = {}
    for kind in kinds():
        cls = connector_class(kind)
        by_pace.setdefault((cls.rate_per_second, cls.rate_burst), []).append(kind)
    ordered = sorted(by_pace)
    out = {kind: UNPACED for kind in kinds()}
    for rank, pace in enumerate(ordered[:-1]):
        for kind in by_pace[pace]:
            out[kind] = rank
    return out


def pace_of(kind: str) -> int:
    """:func:`paces` of one kind (:data:`UNPACED` for an unknown one). Raises nothing."""
    return paces().get(kind, UNPACED)


def kind_form(kind: str) -> KindForm:
    """The fields of channel kind ``kind``; InvalidInput for an unknown kind."""
    cls = connector_class(kind)
    return KindForm(
        kind=kind,
        platform=cls.platform,
        icon=cls.icon,
        fields=tuple(
            FormField(
                key=f.key,
                kind=f.kind,
                secret=f.secret,
                required=f.required,
                choices=f.choices,
                default=f.default,
                label_key=f.label_key,
                help_key=f.help_key,
            )
            for f in cls.all_fields()
        ),
    )


def kind_icon(kind: str) -> str:
    """The icon shown beside a channel of ``kind`` ("" for a kind no longer registered)."""
    try:
        return registry.get(kind).icon
    except registry.UnknownKindError:
        return ""


def lacks_counts(kind: str) -> bool:
    """Whether the platform never gives some engagement counters (statistics then say what
    "-" means). Raises nothing."""
    try:
        return bool(registry.get(kind).never_counts)
    except registry.UnknownKindError:
        return False


def kind_forms() -> tuple[KindForm, ...]:
    """The form of every channel kind, in registry order."""
    return tuple(kind_form(kind) for kind in registry.KINDS)


#: Largest id a database integer holds; a bigger number names no channel.
ID_MAX = 2**63 - 1
#: Longest channel name accepted (a name is shown in lists, alerts and reports).
NAME_MAX = 120  # the column's size (Channel.name)


def clean_name(name: str | None) -> str:
    """A channel name NFC-normalised and trimmed, or InvalidInput: empty, longer than
    :data:`NAME_MAX`, with control or invisible format characters, or all digits (an
    all-digit reference is a channel id, in ``/inbound/<id>`` and on the command line)."""
    clean = unicodedata.normalize("NFC", (name or "").strip())
    if not clean:
        raise InvalidInput("error.channel_name_required")
    if len(clean) > NAME_MAX:
        raise InvalidInput("error.channel_name_too_long", limit=NAME_MAX)
    if has_hidden_chars(clean):
        raise InvalidInput("error.name_control_chars")
    if clean.isdigit():
        raise InvalidInput("error.channel_name_digits", channel=clean)
    return clean


def is_id_ref(ref: str) -> bool:
    """Whether a channel reference names an id (ASCII digits), never a name. Raises nothing."""
    return ref.isascii() and ref.isdigit()


def connector_class(kind: str) -> type[Connector]:
    _install_token_keepers()
    try:
        return registry.get(kind)
    except registry.UnknownKindError:
        raise InvalidInput(
            "error.channel_kind_invalid", kind=kind, kinds=", ".join(registry.KINDS)
        ) from None


def _install_token_keepers() -> None:
    """Connectors whose tokens rotate keep them in the channel row (checked on every call:
    cheap, and a keeper replaced meanwhile, as tests do, is put back)."""
    from publisher.services.publishing import zalo_tokens

    zalo_tokens.install()


def add_channel(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    name: str,
    org: str | int | None = None,
    settings: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
) -> Channel:
    """Add a channel after checking its configuration offline; credentials are encrypted."""
    actor.require("channel.manage")
    cls = connector_class(kind)
    name = clean_name(name)
    organisation = get_org(session, org) if org is not None else _default_org(session, actor)
    actor.require_org(organisation.id)
    if session.exec(select(Channel).where(Channel.name == name)).first():
        raise Conflict("error.channel_exists", channel=name)
    settings = {k: v for k, v in (settings or {}).items() if v not in (None, "")}
    credentials = {k: v for k, v in (credentials or {}).items() if v not in (None, "")}
    _check_keys(kind, settings, credentials)
    settings = _typed(kind, settings)
    problems = cls.validate_config(ChannelConfig(kind, name, settings, credentials))
    if problems:
        raise ValidationFailed(problems)
    assert organisation.id is not None
    channel = Channel(
        org_id=organisation.id,
        kind=kind,
        name=name,
        settings=settings,
        credentials_encrypted=encrypt_credentials(credentials),
    )
    session.add(channel)
    session.flush()
    audit.record(
        session,
        actor,
        "channel.create",
        "channel",
        channel.id,
        org_id=channel.org_id,
        after={
            "kind": kind,
            "name": name,
            "settings": settings,
            "credentials": sorted(credentials),
        },
    )
    return channel


def _check_keys(kind: str, settings: dict[str, Any], credentials: dict[str, str]) -> None:
    cls = connector_class(kind)
    for key in settings:
        if key not in cls.setting_keys():
            raise InvalidInput("error.channel_setting_unknown", setting=key, kind=kind)
    for key in credentials:
        if key not in cls.credential_keys():
            raise InvalidInput("error.channel_setting_unknown", setting=key, kind=kind)


def _typed(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Settings with the schema's numbers, flags and lists as such (a form and the command
    line give text); a value that does not parse is left for validation to refuse."""
    fields: dict[str, Field] = {f.key: f for f in connector_class(kind).all_fields()}
    out: dict[str, Any] = {}
    for key, value in settings.items():
        field = fields.get(key)
        if field is not None and isinstance(value, str):
            text = value.strip()
            if field.kind == INT and _is_int(text):
                value = int(text)
            elif field.kind == BOOL and text.lower() in _BOOLS:
                value = _BOOLS[text.lower()]
            elif field.kind == LIST:
                value = [item.strip() for item in text.split(",") if item.strip()]
        out[key] = value
    return out


_BOOLS = {"true": True, "1": True, "yes": True, "on": True}
_BOOLS.update({"false": False, "0": False, "no": False, "off": False})


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _default_org(session: Session, actor: Actor) -> Any:
    if actor.org_id is not None:
        return get_org(session, actor.org_id)
    from publisher.models import Organisation

    orgs = list(session.exec(select(Organisation).limit(2)))
    if len(orgs) == 1:
        return orgs[0]
    raise InvalidInput("error.org_required")


def update_channel(
    session: Session,
    actor: Actor,
    channel_id: int,
    *,
    settings: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    enabled: bool | None = None,
    rate_per_second: float | None = None,
) -> Channel:
    """Change settings/credentials (merged into the existing ones); re-validates offline."""
    actor.require("channel.manage")
    channel = get_channel(session, actor, channel_id)
    new_settings = {**channel.settings, **(settings or {})}
    new_settings = {k: v for k, v in new_settings.items() if v not in (None, "")}
    new_credentials = {
        **decrypt_credentials(channel.credentials_encrypted),
        **{k: v for k, v in (credentials or {}).items() if v},
    }
    _check_keys(channel.kind, new_settings, new_credentials)
    new_settings = _typed(channel.kind, new_settings)
    cls = connector_class(channel.kind)
    problems = cls.validate_config(
        ChannelConfig(channel.kind, channel.name, new_settings, new_credentials)
    )
    if problems:
        raise ValidationFailed(problems)
    before = {"settings": channel.settings, "enabled": channel.enabled}
    channel.settings = new_settings
    if credentials:
        channel.credentials_encrypted = encrypt_credentials(new_credentials)
        # New credentials: the flag raised by the old ones no longer applies.
        channel.health, channel.health_detail, channel.flagged_at = ChannelHealth.UNKNOWN, "", None
    if enabled is not None:
        channel.enabled = enabled
    if rate_per_second is not None:
        if rate_per_second <= 0:
            raise InvalidInput("error.rate_invalid")
        channel.rate_per_second = rate_per_second
    session.add(channel)
    audit.record(
        session,
        actor,
        "channel.update",
        "channel",
        channel.id,
        org_id=channel.org_id,
        before=before,
        after={
            "settings": new_settings,
            "enabled": channel.enabled,
            "credentials_changed": bool(credentials),
        },
    )
    return channel


def get_channel(session: Session, actor: Actor, ref: str | int) -> Channel:
    """A channel by id or name, visible to ``actor``; raises NotFound / PermissionDenied."""
    channel: Channel | None
    if isinstance(ref, int) or is_id_ref(str(ref).strip()):
        number = int(str(ref).strip())
        channel = session.get(Channel, number) if 0 < number <= ID_MAX else None
    else:
        channel = session.exec(select(Channel).where(Channel.name == str(ref).strip())).first()
    if channel is None:
        raise NotFound("error.channel_not_found", channel=str(ref))
    actor.require("channel.view")
    actor.require_org(channel.org_id)
    return channel


def list_channels(session: Session, actor: Actor, org_id: int | None = None) -> list[Channel]:
    actor.require("channel.view")
    stmt = select(Channel).order_by(col(Channel.name))
    if not actor.all_orgs:
        stmt = stmt.where(Channel.org_id == actor.org_id)
    elif org_id is not None:
        stmt = stmt.where(Channel.org_id == org_id)
    return list(session.exec(stmt))


def channel_config(channel: Channel) -> ChannelConfig:
    """The connector's view of a channel, with credentials decrypted (never log this)."""
    return ChannelConfig(
        kind=channel.kind,
        name=channel.name,
        settings=dict(channel.settings),
        credentials=decrypt_credentials(channel.credentials_encrypted),
    )


def make_connector(
    channel: Channel, *, timeout: float = 30.0, clients: ClientCache | None = None
) -> Connector:
    """A connector for ``channel``; with ``clients`` it reuses that cache's clients for the
    calling thread (see :mod:`connectors.clients`)."""
    return connector_class(channel.kind)(channel_config(channel), timeout=timeout, clients=clients)


def describe(channel: Channel) -> dict[str, Any]:
    """A channel as shown to people and in JSON output: secrets masked, never revealed."""
    creds = (
        decrypt_credentials(channel.credentials_encrypted) if channel.credentials_encrypted else {}
    )
    return {
        "id": channel.id,
        "name": channel.name,
        "kind": channel.kind,
        "org_id": channel.org_id,
        "settings": dict(channel.settings),
        "credentials": {k: mask(v) for k, v in creds.items()},
        "enabled": channel.enabled,
        "health": channel.health,
        "health_detail": channel.health_detail,
        "token_expires_at": channel.token_expires_at.isoformat()
        if channel.token_expires_at
        else None,
    }


#: Alert a unit this many days before a channel's token stops working.
TOKEN_ALERT_DAYS = 7


def alert_token_ends(session: Session, *, days: int = TOKEN_ALERT_DAYS) -> int:
    """Raise the ``token`` alert (once while open) for every enabled channel whose recorded
    token end (``token_expires_at``: Facebook's debug_token) is within ``days`` days; returns
    how many channels are that close. Channels that refresh their own tokens (Zalo OA) are
    left to their refresh job, which alerts before the refresh token ends."""
    from publisher.timeutil import get_clock, local_tz

    now = get_clock().now()
    rows = session.exec(
        select(Channel).where(
            col(Channel.enabled).is_(True),
            col(Channel.token_expires_at).is_not(None),
            col(Channel.token_expires_at) <= now + timedelta(days=days),
            col(Channel.refresh_expires_at).is_(None),
        )
    )
    count = 0
    for channel in rows:
        assert channel.token_expires_at is not None
        alerts.raise_alert(
            session,
            "token",
            "alert.token_expiring",
            org_id=channel.org_id,
            severity="warning",
            object_type="channel",
            object_id=channel.id,
            channel=channel.name,
            date=channel.token_expires_at.astimezone(local_tz()).strftime("%d/%m/%Y %H:%M"),
        )
        count += 1
    return count


def test_channel(session: Session, actor: Actor, channel_id: int) -> CheckResult:
    """Ask the platform whether the credentials work; updates the channel's health.

    A rejected token or configuration flags the channel (and alerts). When the platform
    could not be asked or gave no clear answer (DNS, refused, TLS, timeout, 5xx, rate
    limit), nothing is known about the credentials: the result is not ok, with the error's
    kind, and the channel's health is left as it was — no flag, no auth alert. The detail
    comes from the connector already scrubbed of every credential
    (:mod:`connectors.failures`).
    """
    actor.require("channel.test")
    channel = get_channel(session, actor, channel_id)
    unknown = False
    # Nothing is written yet: end the transaction so that the check holds no lock while the
    # platform is asked (a Zalo check may refresh the token under the channel row's lock).
    session.commit()
    try:
        connector = make_connector(channel, timeout=10)
        problems = connector.validate_config(connector.config)
        if problems:
            # The connector's own check would answer with the problem's English fallback;
            # the person reads it in their language, as when the channel was saved.
            result = CheckResult(
                False,
                failures.scrub_text(problem_text(problems[0]), connector.secrets()),
                error_kind=ConfigError.kind,
            )
        else:
            result = connector.check()
    except ConnectorError as exc:
        result = CheckResult(False, str(exc), error_kind=exc.kind)
        unknown = not isinstance(exc, AuthError | ConfigError | PermanentError)
    if result.ok:
        channel.health, channel.health_detail, channel.flagged_at = ChannelHealth.OK, "", None
        if result.expires_at is not None:  # a platform that does not say keeps what is known
            channel.token_expires_at = result.expires_at
        session.add(channel)
    elif not unknown:
        flag_channel(session, channel, result.detail, actor)
    after: dict[str, Any] = {"ok": result.ok}
    if result.error_kind:
        after["error_kind"] = result.error_kind
    audit.record(
        session,
        actor,
        "channel.test",
        "channel",
        channel.id,
        org_id=channel.org_id,
        after=after,
    )
    return result


def last_sent(session: Session, actor: Actor) -> dict[int, datetime]:
    """Channel id -> when it last published successfully (its newest sent delivery), for
    the channels ``actor`` sees. A channel never tested but sending fine is healthy: the
    channels page shows it so instead of «Chưa kiểm tra»."""
    actor.require("channel.view")
    stmt = (
        select(Delivery.channel_id, func.max(col(Delivery.sent_at)))
        .where(Delivery.status == DeliveryStatus.SENT, col(Delivery.sent_at).is_not(None))
        .group_by(col(Delivery.channel_id))
    )
    seen = {c.id for c in list_channels(session, actor)}
    return {cid: at for cid, at in session.exec(stmt) if cid in seen and at is not None}


def shown_health(channel: Channel, sent_at: datetime | None) -> str:
    """The health a page shows: a flag stays a flag; an unchecked channel that has published
    counts as healthy."""
    if channel.health == ChannelHealth.UNKNOWN and sent_at is not None:
        return str(ChannelHealth.OK)
    return str(channel.health)

"""Channels: a Facebook Page, a Telegram channel or a webhook receiver of one organisation."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from connectors import registry
from connectors.base import ChannelConfig, CheckResult, Connector
from connectors.clients import ClientCache
from connectors.errors import AuthError, ConfigError, ConnectorError, PermanentError
from publisher.errors import Conflict, InvalidInput, NotFound, ValidationFailed
from publisher.models import Channel, ChannelHealth, ChannelKind, Delivery, DeliveryStatus
from publisher.security import decrypt_credentials, encrypt_credentials, mask
from publisher.services import alerts, audit
from publisher.services.actor import Actor
from publisher.services.orgs import get_org
from publisher.textcheck import has_hidden_chars
from publisher.timeutil import utcnow

#: Settings each kind accepts (anything else is refused, so typos do not pass silently).
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    # image_size ("1080x1350"): the size of campaign cards made for the channel (renders).
    ChannelKind.FACEBOOK: ("page_id", "graph_url", "graph_version", "image_size"),
    ChannelKind.TELEGRAM: ("chat_id", "api_base_url", "image_size"),
    ChannelKind.WEBHOOK: ("url", "signature", "app_id", "image_size"),
}
CREDENTIAL_KEYS: dict[str, tuple[str, ...]] = {
    ChannelKind.FACEBOOK: ("access_token",),
    ChannelKind.TELEGRAM: ("bot_token",),
    ChannelKind.WEBHOOK: ("secret",),
}


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
    try:
        return registry.get(kind)
    except registry.UnknownKindError:
        raise InvalidInput(
            "error.channel_kind_invalid", kind=kind, kinds=", ".join(registry.KINDS)
        ) from None


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
    for key in settings:
        if key not in SETTING_KEYS.get(kind, ()):
            raise InvalidInput("error.channel_setting_unknown", setting=key, kind=kind)
    for key in credentials:
        if key not in CREDENTIAL_KEYS.get(kind, ()):
            raise InvalidInput("error.channel_setting_unknown", setting=key, kind=kind)


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


def flag_channel(session: Session, channel: Channel, detail: str, actor: Actor | str) -> None:
    """Mark a channel's credentials as failing (auth error) and alert its organisation."""
    already = channel.health == ChannelHealth.FLAGGED
    channel.health = ChannelHealth.FLAGGED
    channel.health_detail = detail[:500]
    channel.flagged_at = utcnow()
    session.add(channel)
    if not already:
        audit.record(
            session,
            actor,
            "channel.flag",
            "channel",
            channel.id,
            org_id=channel.org_id,
            after={"detail": detail[:500]},
        )
        alerts.raise_alert(
            session,
            "auth",
            "alert.channel_auth",
            org_id=channel.org_id,
            severity="error",
            object_type="channel",
            object_id=channel.id,
            channel=channel.name,
            detail=detail[:200],
        )


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
    try:
        result = make_connector(channel, timeout=10).check()
    except ConnectorError as exc:
        result = CheckResult(False, str(exc), error_kind=exc.kind)
        unknown = not isinstance(exc, AuthError | ConfigError | PermanentError)
    if result.ok:
        channel.health, channel.health_detail, channel.flagged_at = ChannelHealth.OK, "", None
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

"""Zalo OA tokens that never lapse: kept encrypted in the channel row, refreshed under its lock.

Zalo's access token lives 25 h; the refresh token about 3 months and is single-use: every
refresh answers a new pair and the old refresh token is refused from then on. So:

* **One refresh at a time per channel, across every executor and process.** A refresh runs
  inside a write transaction that holds the channel row (``SELECT … FOR UPDATE`` on
  PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite takes the database's write lock). A second
  executor that found the same token refused waits for the lock, then sees the access token
  changed and uses the new one without refreshing again.
* **The new refresh token is stored before the new access token is used:** the new pair is
  encrypted into ``credentials_encrypted`` in the transaction that holds the lock, and the
  access token is handed to the connector only after that transaction committed.
* **A refused refresh** (revoked, reused, expired after 3 months) flags the channel and
  alerts its unit (:func:`publisher.services.publishing.channel_health.flag_channel`).
* **Ahead of time:** :func:`refresh_due` (a periodic job of the leader) refreshes access
  tokens that end within :data:`REFRESH_BEFORE`, so a channel that publishes rarely keeps its
  refresh token alive, and alerts the unit :data:`ALERT_DAYS` days before a refresh token
  ends (which only happens when refreshes keep failing).

The connector asks its keeper (:class:`connectors.zalo_oa.TokenKeeper`); :func:`install`
makes :class:`DbTokenKeeper` the keeper of every Zalo connector of this process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from connectors import zalo_oa
from connectors.base import Connector
from connectors.errors import AuthError, ConfigError, ConnectorError, PermanentError
from connectors.zalo_oa import TokenSet, ZaloOAConnector
from publisher.db import session_scope
from publisher.models import Channel, ChannelHealth
from publisher.security import decrypt_credentials, encrypt_credentials
from publisher.services.accounts import alerts, audit
from publisher.services.publishing.channel_health import flag_channel
from publisher.timeutil import get_clock, local_tz

log = logging.getLogger(__name__)

KIND = "zalo_oa"
#: Refresh an access token that ends within this (the publish path and the periodic job).
REFRESH_BEFORE = timedelta(hours=2)
#: Alert the unit this many days before the refresh token ends.
ALERT_DAYS = 14
ACTOR = "system:zalo-tokens"


class DbTokenKeeper:
    """Tokens in the channel row (see the module docstring). Thread-safe."""

    def access_token(self, connector: ZaloOAConnector) -> str:
        with session_scope(readonly=True) as session:
            channel = _by_name(session, connector.config.name)
            if channel is None:
                raise AuthError("the channel no longer exists", code="zalo:no_channel")
            token = decrypt_credentials(channel.credentials_encrypted).get("access_token", "")
            expires = channel.token_expires_at
        if expires is not None and expires - get_clock().now() <= REFRESH_BEFORE:
            return refresh(connector, stale=token)
        return token

    def refresh(self, connector: ZaloOAConnector, stale: str) -> str:
        return refresh(connector, stale=stale)


def install() -> None:
    """Make :class:`DbTokenKeeper` the keeper of every Zalo connector made in this process
    (idempotent)."""
    if not isinstance(zalo_oa.KEEPER, DbTokenKeeper):
        zalo_oa.KEEPER = DbTokenKeeper()


def refresh(connector: ZaloOAConnector, *, stale: str | None) -> str:
    """The channel's access token after one refresh under the row lock; when the stored
    access token is no longer ``stale`` another executor refreshed already and that one is
    returned. ``stale=None`` refreshes whatever is stored (the periodic job).

    Raises the connector's error: AuthError/ConfigError/PermanentError after flagging the
    channel (committed), any other ConnectorError (the platform could not be asked) as is.
    """
    failure: ConnectorError | None = None
    with session_scope() as session:
        channel = session.exec(
            select(Channel).where(Channel.name == connector.config.name).with_for_update()
        ).one_or_none()
        if channel is None:
            raise AuthError("the channel no longer exists", code="zalo:no_channel")
        credentials = decrypt_credentials(channel.credentials_encrypted)
        current = credentials.get("access_token", "")
        if stale is not None and current and current != stale:
            return current  # another executor refreshed while we waited for the lock
        try:
            tokens = connector.refresh_tokens(credentials.get("refresh_token", ""))
        except (AuthError, ConfigError, PermanentError) as exc:
            failure = exc
            _flag(session, channel, exc)
        else:
            store(session, channel, credentials, tokens)
            return tokens.access_token
    raise failure


def store(
    session: Session,
    channel: Channel,
    credentials: dict[str, str],
    tokens: TokenSet,
    *,
    action: str = "channel.token_refresh",
) -> None:
    """Put a new token pair into ``channel`` (encrypted) with its ends, in ``session``."""
    now = get_clock().now()
    credentials = {
        **credentials,
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
    }
    channel.credentials_encrypted = encrypt_credentials(credentials)
    channel.token_expires_at = now + timedelta(seconds=tokens.expires_in)
    channel.refresh_expires_at = now + zalo_oa.REFRESH_TOKEN_LIFETIME
    if channel.health == ChannelHealth.FLAGGED:
        channel.health, channel.health_detail, channel.flagged_at = ChannelHealth.OK, "", None
    session.add(channel)
    audit.record(
        session,
        ACTOR,
        action,
        "channel",
        channel.id,
        org_id=channel.org_id,
        after={
            "token_expires_at": channel.token_expires_at.isoformat(),
            "refresh_expires_at": channel.refresh_expires_at.isoformat(),
        },
    )


def _flag(session: Session, channel: Channel, error: ConnectorError) -> None:
    flag_channel(session, channel, f"token refresh refused: {error}", ACTOR)


def _by_name(session: Session, name: str) -> Channel | None:
    return session.exec(select(Channel).where(Channel.name == name)).one_or_none()


def refresh_due(make_connector: Callable[..., Connector], *, timeout: float = 15.0) -> int:
    """Refresh the access tokens of enabled Zalo channels that end within
    :data:`REFRESH_BEFORE` (or whose end is unknown), and alert units whose refresh token ends
    within :data:`ALERT_DAYS` days. Returns how many were refreshed. A channel that fails is
    logged (and flagged when refused); the others go on. ``make_connector`` is
    :func:`publisher.services.publishing.channels.make_connector` (passed in: that module
    installs this one's keeper, so this one does not import it)."""
    now = get_clock().now()
    with session_scope(readonly=True) as session:
        channels = list(
            session.exec(
                select(Channel).where(
                    Channel.kind == KIND,
                    col(Channel.enabled).is_(True),
                    Channel.health != ChannelHealth.FLAGGED,
                )
            )
        )
        for channel in channels:
            session.expunge(channel)
    done = 0
    for channel in channels:
        if channel.token_expires_at is None or channel.token_expires_at - now <= REFRESH_BEFORE:
            connector = make_connector(channel, timeout=timeout)
            assert isinstance(connector, ZaloOAConnector)
            try:
                refresh(connector, stale=None)
                done += 1
                continue
            except ConnectorError as exc:
                log.warning("token refresh of channel %s failed: %s", channel.id, exc)
        _alert_if_ending(channel, now)
    return done


def _alert_if_ending(channel: Channel, now: datetime) -> None:
    ends = channel.refresh_expires_at
    if ends is None or ends - now > timedelta(days=ALERT_DAYS):
        return
    with session_scope() as session:
        alerts.raise_alert(
            session,
            "token",
            "alert.zalo_refresh_ending",
            org_id=channel.org_id,
            severity="warning",
            object_type="channel",
            object_id=channel.id,
            channel=channel.name,
            date=ends.astimezone(local_tz()).strftime("%d/%m/%Y"),
        )

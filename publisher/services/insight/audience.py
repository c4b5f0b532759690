"""Audience: how many people follow each channel (a Zalo OA's followers from ``getoa``).

A connector that can say exposes ``audience() -> int`` (``ZaloOAConnector.audience``).
:func:`collect` asks every enabled channel of such a kind and keeps the count with its
history (the last :data:`HISTORY` collections) in a ``keyvalue`` row ``audience.<channel id>``;
:func:`current` gives the latest counts to statistics. A failing channel is logged and the
others go on.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.errors import ConnectorError
from publisher.db import get_engine, session_scope
from publisher.models import Channel, KeyValue
from publisher.services.accounts.actor import Actor
from publisher.timeutil import Clock, ensure_utc, get_clock

log = logging.getLogger(__name__)
PREFIX = "audience."
HISTORY = 90


def collect(
    *, engine: Engine | None = None, clock: Clock | None = None, timeout: float = 20.0
) -> int:
    """Ask every enabled channel that can say how many follow it; returns how many were
    recorded. Raises database errors only."""
    from publisher.services.publishing import channels as channels_svc

    engine = engine or get_engine()
    now = (clock or get_clock()).now().replace(microsecond=0)
    with session_scope(engine, readonly=True) as session:
        channels = list(session.exec(select(Channel).where(col(Channel.enabled).is_(True))))
        for channel in channels:
            session.expunge(channel)
    done = 0
    for channel in channels:
        if not callable(getattr(channels_svc.connector_class(channel.kind), "audience", None)):
            continue
        connector: Any = channels_svc.make_connector(channel, timeout=timeout)
        try:
            count = int(connector.audience())
        except (ConnectorError, TypeError, ValueError) as exc:
            log.warning("audience of channel %s not collected: %s", channel.id, exc)
            continue
        with session_scope(engine) as session:
            row = session.get(KeyValue, f"{PREFIX}{channel.id}") or KeyValue(
                key=f"{PREFIX}{channel.id}", value={}
            )
            history = list(row.value.get("history") or [])[-(HISTORY - 1) :]
            history.append([now.isoformat(), count])
            row.value = {"count": count, "at": now.isoformat(), "history": history}
            session.add(row)
        done += 1
    return done


def current(session: Session, actor: Actor, org_id: int | None = None) -> list[dict[str, Any]]:
    """The latest audience of every channel the actor sees that has one: ``channel``,
    ``kind``, ``count``, ``at`` (aware), ``change`` (since the previous collection, or
    None), and the OA events of the last 7 days: ``follows``, ``unfollows``, ``messages``."""
    from publisher.services.insight import inbound
    from publisher.services.publishing import channels as channels_svc

    out: list[dict[str, Any]] = []
    week_ago = get_clock().now() - timedelta(days=7)
    for channel in channels_svc.list_channels(session, actor, org_id):
        row = session.get(KeyValue, f"{PREFIX}{channel.id}")
        if row is None or "count" not in row.value:
            continue
        assert channel.id is not None
        events = inbound.counts(session, channel.id, week_ago)
        history = row.value.get("history") or []
        previous = history[-2][1] if len(history) >= 2 else None
        out.append(
            {
                "channel": channel.name,
                "kind": channel.kind,
                "count": int(row.value["count"]),
                "at": ensure_utc(_parse(str(row.value["at"]))),
                "change": int(row.value["count"]) - int(previous) if previous is not None else None,
                # The OA's own webhook events of the last 7 days.
                "follows": events.get("follow", 0),
                "unfollows": events.get("unfollow", 0),
                "messages": events.get("message", 0),
            }
        )
    return out


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def in_period(
    session: Session,
    actor: Actor,
    start: Any,
    end: Any,
    *,
    org_id: int | None = None,
    org_ids: tuple[int, ...] | None = None,
) -> list[dict[str, Any]]:
    """Followers of each channel the actor sees over ``[start, end)`` (aware instants), from
    the collected history: ``channel``, ``kind``, ``start`` (the last count before the period
    began, else its first count inside it), ``end`` (the last count before it ended) and
    ``change``; a channel with no count by the end is left out. ``org_ids`` narrows to a
    province's units (the coordinator's report). Raises PermissionDenied without
    ``channel.view``."""
    from publisher.services.publishing import channels as channels_svc

    out: list[dict[str, Any]] = []
    for channel in channels_svc.list_channels(session, actor, org_id):
        if org_ids is not None and channel.org_id not in org_ids:
            continue
        row = session.get(KeyValue, f"{PREFIX}{channel.id}")
        points = (
            [(ensure_utc(_parse(str(at))), int(n)) for at, n in (row.value.get("history") or [])]
            if row is not None
            else []
        )
        before_end = [p for p in points if p[0] < end]
        if not before_end:
            continue
        before_start = [p for p in before_end if p[0] < start]
        first = before_start[-1] if before_start else before_end[0]
        last = before_end[-1]
        out.append(
            {
                "channel": channel.name,
                "kind": channel.kind,
                "start": first[1],
                "end": last[1],
                "change": last[1] - first[1],
                "at": last[0],
            }
        )
    return sorted(out, key=lambda r: r["channel"])

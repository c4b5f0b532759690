"""Signed engagement events from channels whose connector receives them
(``Connector.receives_events``; webhooks: Zalo-style or HMAC signatures).

:func:`accept_event` is what ``POST /inbound/<channel>`` calls: it checks the signature and
freshness with the connector's ``verify_inbound``, finds the delivery the event is about, and stores
the event once (``InboundEvent.event_id`` is unique, so a replay inside the window is
acknowledged but never counted twice). Channel secrets are decrypted once and cached for a
short time so that the endpoint stays fast under load.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cachetools import LRUCache, TTLCache
from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from connectors import registry
from connectors.base import ChannelConfig, Connector
from publisher.db import get_engine, session_scope
from publisher.errors import InvalidInput, NotFound, PermissionDenied
from publisher.models import Channel, Delivery, InboundEvent
from publisher.services.publishing.channels import channel_config
from publisher.timeutil import Clock, get_clock

KINDS = ("seen", "reaction", "follow", "click", "played")
#: Events older or newer than this (by their signed timestamp) are refused as replays.
WINDOW_SECONDS = 300.0
CACHE_SECONDS = 30.0
MAX_BODY = 64 * 1024


class CacheMiss(Exception):
    """:func:`prepare_event` needs the database (``allow_db=False`` was given)."""


@dataclass(frozen=True)
class ChannelKeys:
    """A channel that receives events: its connector class and decrypted configuration."""

    id: int
    name: str
    connector: type[Connector]
    config: ChannelConfig = field(repr=False)


@dataclass(frozen=True)
class Accepted:
    event_id: str
    duplicate: bool
    delivery_id: int | None


#: Cache sizes: channel keys (only of channels that exist, under their name and id) and
#: delivery ids (only looked up for signed events). Least recently used entries go first.
MAX_CACHED_CHANNELS = 2048
MAX_CACHED_DELIVERIES = 50_000


class _Cache:
    """Never keyed by what an unauthenticated request says: a channel is cached only under
    its own name and id once it was found (an unknown name costs one read-only query, never
    memory), a delivery only after the event naming it passed its signature check."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.channels: TTLCache[str, ChannelKeys | None] = TTLCache(
            MAX_CACHED_CHANNELS, CACHE_SECONDS, timer=time.monotonic
        )
        self.deliveries: LRUCache[tuple[int, str], int] = LRUCache(MAX_CACHED_DELIVERIES)

    def clear(self) -> None:
        with self.lock:
            self.channels.clear()
            self.deliveries.clear()


_cache = _Cache()


def clear_cache() -> None:
    """Forget cached channel secrets (after a channel's secret changes; tests)."""
    _cache.clear()


def channel_keys(session: Session, ref: str) -> ChannelKeys | None:
    """The signing keys of channel ``ref`` (name or id), cached for 30 s; None unless the
    channel exists, is enabled and its connector says it receives signed events
    (``receives_events``: a webhook; a platform's own event webhook once its key is set)."""
    hit = _cached_keys(ref)
    if hit is not _MISS:
        assert hit is None or isinstance(hit, ChannelKeys)
        return hit
    # An all-digit segment is an id, never a name (names cannot be all digits), so a channel
    # named "7" cannot take over channel 7's endpoint.
    channel: Channel | None
    if ref.isascii() and ref.isdigit():
        channel = session.get(Channel, int(ref)) if 0 < int(ref) < 2**63 else None
    else:
        channel = session.exec(select(Channel).where(col(Channel.name) == ref)).first()
    keys = None
    cls = _connector_class(channel.kind) if channel is not None else None
    if channel is not None and cls is not None and channel.enabled:
        config = channel_config(channel)
        if cls.receives_events(config):
            assert channel.id is not None
            keys = ChannelKeys(channel.id, channel.name, cls, config)
    if channel is not None and ref in (channel.name, str(channel.id)):
        with _cache.lock:
            _cache.channels[ref] = keys
    return keys


def _connector_class(kind: str) -> type[Connector] | None:
    try:
        return registry.get(kind)
    except registry.UnknownKindError:
        return None


#: A Zalo OA's own event names -> our kinds (the others are stored as ``message`` when a
#: follower writes, else ``other``).
OA_EVENTS = {
    "follow": "follow",
    "unfollow": "unfollow",
    "user_seen_message": "seen",
    "user_reacted_message": "reaction",
    "user_click_link": "click",
}


def _oa_event(data: dict[str, Any]) -> tuple[str, str] | None:
    """(event id, kind) of an OA platform event (``event_name`` without our ``event_id``),
    or None for our own event format. The id is made of what makes the event unique."""
    name = str(data.get("event_name") or "").strip().lower()
    if not name or data.get("event_id") or data.get("event"):
        return None
    kind = OA_EVENTS.get(name) or ("message" if name.startswith("user_send_") else "other")
    sender, follower, message = (_dict(data.get(k)) for k in ("sender", "follower", "message"))
    who = str(sender.get("id") or follower.get("id") or data.get("user_id_by_app") or "")
    parts = [name, str(data.get("timestamp") or ""), who, str(message.get("msg_id") or "")]
    return "zalo-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40], kind


def _without_words(data: dict[str, Any]) -> dict[str, Any]:
    """An OA event as stored: what a follower wrote (text, attachments) is left out — only
    its id stays. The FAQ bot reads the words from the request itself and keeps a question
    only when it hands it to staff (docs/faq-bot.md, retention)."""
    message = data.get("message")
    if not isinstance(message, dict):
        return data
    return {**data, "message": {"msg_id": message.get("msg_id")}}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def verify(
    keys: ChannelKeys, body: bytes, headers: dict[str, str], now: float, data: dict[str, Any]
) -> bool:
    """Whether the event is signed for the channel and fresh. Raises nothing."""
    return keys.connector.verify_inbound(
        keys.config, body, headers, data, now=now, tolerance_s=WINDOW_SECONDS
    )


def _parse(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY:
        raise InvalidInput("error.inbound_body", detail="too large")
    try:
        # NaN and Infinity are not JSON: PostgreSQL refuses them in a JSON column.
        data = json.loads(body, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: deeply nested brackets (well under MAX_BODY) exhaust the parser.
        raise InvalidInput("error.inbound_body", detail="not JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("error.inbound_body", detail="not a JSON object")
    return data


def _not_json(constant: str) -> Any:
    raise ValueError(constant)


def _check_text(data: dict[str, Any]) -> None:
    """Refuse a body holding text no database stores: a NUL character (PostgreSQL refuses it
    in text and JSON) or a lone surrogate (``"\\ud800"``: not UTF-8). Checked before any lookup,
    so such an event fails alone, with one line, instead of in the batch it was stored with."""
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and ("\x00" in item or not _encodable(item)):
            raise InvalidInput("error.inbound_body", detail="NUL or invalid character in text")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def prepare_event(
    channel_ref: str,
    body: bytes,
    headers: dict[str, str],
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    allow_db: bool = True,
) -> dict[str, Any]:
    """Verify one event and return the row to store (see :func:`store_events`).

    ``headers`` must have lower-case names. Body: ``{"event_id", "event":
    seen|reaction|follow|click, "delivery": <external id or idempotency key> (optional for
    follow), "timestamp": <ms, Zalo-style>, "app_id"}``. Raises NotFound (channel,
    delivery), PermissionDenied (bad signature, stale or future timestamp) and InvalidInput
    (malformed body). Reads the database only on a cache miss; with ``allow_db=False`` it
    raises :class:`CacheMiss` instead (so that an event loop can call it without blocking).
    """
    engine = engine or get_engine()
    now = (clock or get_clock()).now()
    keys = _cached_keys(channel_ref)
    if keys is _MISS:
        if not allow_db:
            raise CacheMiss
        with session_scope(engine, readonly=True) as session:
            keys = channel_keys(session, channel_ref)
    if keys is None or keys is _MISS:
        raise NotFound("error.inbound_channel", channel=channel_ref)
    assert isinstance(keys, ChannelKeys)
    data = _parse(body) if body.strip().startswith(b"{") else {}
    if not verify(keys, body, headers, now.timestamp(), data):
        raise PermissionDenied("error.inbound_signature")
    if not data:
        _parse(body)  # signed but not JSON: say so
    _check_text(data)
    native = _oa_event(data)
    if native is not None:  # an OA's own event: about the OA, not about one post
        return {
            "event_id": f"{keys.id}:{native[0]}",
            "channel_id": keys.id,
            "delivery_id": None,
            "kind": native[1],
            "occurred_at": _occurred(data, now),
            "received_at": now,
            "payload": _without_words(data),
        }
    event_id = str(data.get("event_id") or "").strip()
    kind = str(data.get("event") or data.get("event_name") or "").strip().lower()
    if not event_id or len(event_id) > 100:
        raise InvalidInput("error.inbound_body", detail="event_id is required")
    if kind not in KINDS:
        raise InvalidInput("error.inbound_body", detail=f"event must be one of {', '.join(KINDS)}")
    ref = str(data.get("delivery") or "").strip()
    if not ref and kind != "follow":
        raise InvalidInput("error.inbound_body", detail="delivery is required")
    commune = str(data.get("commune") or "").strip()
    if kind == "played" and not (0 < len(commune) <= 80):
        # A loudspeaker system's played-confirmation names the commune (services.insight.reach).
        raise InvalidInput("error.inbound_body", detail="commune is required for played")
    delivery_id = None
    if ref:
        delivery_id = _cached_delivery(keys.id, ref)
        if delivery_id is None:
            if not allow_db:
                raise CacheMiss
            with engine.connect() as conn:
                delivery_id = _delivery_id(conn, keys.id, ref)
        if delivery_id is None:
            raise NotFound("error.inbound_delivery", ref=ref)
    return {
        "event_id": f"{keys.id}:{event_id}",
        "channel_id": keys.id,
        "delivery_id": delivery_id,
        "kind": kind,
        "occurred_at": _occurred(data, now),
        "received_at": now,
        "payload": data,
    }


def store_events(engine: Engine, rows: list[dict[str, Any]]) -> list[bool]:
    """Store prepared events in one transaction; returns, per row, whether it was new.

    ``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING event_id``: a replay (or the
    same event twice in one batch) is stored once. Raises SQLAlchemy errors only.
    """
    if not rows:
        return []
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(InboundEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(col(InboundEvent.event_id))
    )
    with engine.begin() as conn:
        stored = set(conn.execute(stmt).scalars())
    out = []
    for row in rows:
        new = row["event_id"] in stored
        stored.discard(row["event_id"])  # a second copy in the same batch is a duplicate
        out.append(new)
    return out


def accept_event(
    channel_ref: str,
    body: bytes,
    headers: dict[str, str],
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
) -> Accepted:
    """Verify and store one event (:func:`prepare_event` then :func:`store_events`).

    Raises what :func:`prepare_event` raises.
    """
    engine = engine or get_engine()
    row = prepare_event(channel_ref, body, headers, engine=engine, clock=clock)
    (added,) = store_events(engine, [row])
    return Accepted(row["event_id"].split(":", 1)[1], not added, row["delivery_id"])


_MISS = object()


def _cached_keys(ref: str) -> ChannelKeys | object | None:
    with _cache.lock:
        return _cache.channels.get(ref, _MISS)


def _occurred(data: dict[str, Any], now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(data["timestamp"]) / 1000.0, UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return now


def counts(session: Session, channel_id: int, since: datetime) -> dict[str, int]:
    """Events of a channel since ``since`` by kind (follow, unfollow, message, ...)."""
    from sqlmodel import func

    rows = session.exec(
        select(InboundEvent.kind, func.count())
        .where(col(InboundEvent.channel_id) == channel_id, col(InboundEvent.occurred_at) >= since)
        .group_by(col(InboundEvent.kind))
    )
    return {kind: int(n) for kind, n in rows}


def _cached_delivery(channel_id: int, ref: str) -> int | None:
    with _cache.lock:
        return _cache.deliveries.get((channel_id, ref))


def _delivery_id(conn: Connection, channel_id: int, ref: str) -> int | None:
    key = (channel_id, ref)
    found = conn.execute(
        select(Delivery.id).where(
            col(Delivery.channel_id) == channel_id,
            or_(col(Delivery.external_id) == ref, col(Delivery.idempotency_key) == ref),
        )
    ).scalar()
    if found is not None:
        with _cache.lock:
            _cache.deliveries[key] = found
    return found

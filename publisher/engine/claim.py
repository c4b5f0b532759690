"""Atomic claim of due deliveries with a lease (the deliveries table is the queue).

PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so that executor processes on any machine
take disjoint rows without waiting for each other. SQLite: write transactions begin with
``BEGIN IMMEDIATE`` (see :mod:`publisher.db`), so the select-then-update below runs under the
single writer lock and two executors can never both read a row as pending.

The claim moves ``pending -> sending`` through
:func:`publisher.services.publishing.deliveries.transition` (audited) and commits before
anything is sent to a platform.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from publisher.db import get_engine, session_scope
from publisher.dbraw import Raw
from publisher.engine.bulkhead import Guard
from publisher.engine.ratelimit import RateLimiter, RateSpec, spec_for
from publisher.engine.txn import KeptConnection, write_raw, write_scope
from publisher.models import Channel, Delivery, DeliveryStatus
from publisher.models.base import UTCDateTime
from publisher.security import decrypt_credentials
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.timeutil import ensure_utc, utcnow

D = DeliveryStatus
S = TypeVar("S", bound=SelectOfScalar[Any])
#: Rows looked at (and, on PostgreSQL, locked) per claim for each row wanted. Throttled rows
#: are moved out of the way (deferred), so a small window suffices; a large one would lock
#: rows other executors could take.
SCAN_FACTOR = 2
MIN_SCAN = 16
#: How often a claim also looks at the paces of platforms that had no channel at the last
#: reload of :class:`ChannelSpecs` (each pace present costs a query per claim).
BEYOND_EVERY_S = 1.0
#: A delivery of a disabled channel is looked at again this much later.
DISABLED_RETRY_S = 60.0
_TABLE = Delivery.__table__  # type: ignore[attr-defined]
#: The claim reads every column as plain values (:mod:`publisher.dbraw`) and makes a
#: ``Delivery`` only of the rows it takes.
_COLUMNS = tuple(c.name for c in _TABLE.columns)
_TIMES = frozenset(c.name for c in _TABLE.columns if isinstance(c.type, UTCDateTime))
_ID, _POST, _CHANNEL, _STATUS, _NEXT, _ATTEMPTS, _FIRST = (
    _COLUMNS.index(n)
    for n in (
        "id",
        "post_id",
        "channel_id",
        "status",
        "next_attempt_at",
        "attempts",
        "first_attempt_at",
    )
)
_MANAGER: Any = Delivery._sa_class_manager  # type: ignore[attr-defined]


@dataclass
class ScanHint:
    """What a claim saw beyond the rows it took, so the claimer need not ask
    :func:`next_due` (a query of its own) after a partial claim of a busy queue.

    ``earliest_left`` is set only when a scan came back full: more rows are due (within the
    lookahead) beyond it, in any order of time (the scan takes the slowest platforms first,
    one pace after the other: :func:`_paces`), so it is the claim's own ``now``. Rows of
    channels whose bulkhead or breaker refused them are left out: a slot coming free wakes
    the claimer.
    """

    earliest_left: datetime | None = None


@dataclass(frozen=True)
class Shard:
    """Channel affinity: this process claims channels with ``id % count == index``."""

    index: int = 0
    count: int = 1

    def owns(self, channel_id: int) -> bool:
        return self.count <= 1 or channel_id % self.count == self.index


class ChannelSpecs:
    """Rate specs and enabled flags of channels, cached (reloaded every ``ttl`` seconds)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._specs: dict[int, RateSpec] = {}
        self._enabled: dict[int, bool] = {}
        self._kinds: dict[int, str] = {}
        self._limits: dict[str, int] = {}
        self._paces: tuple[int, ...] = ()
        self._beyond = float("-inf")
        self._loaded = float("-inf")

    def _load(self) -> None:
        specs: dict[int, RateSpec] = {}
        enabled: dict[int, bool] = {}
        kinds: dict[int, str] = {}
        limits: dict[str, int] = {}
        with session_scope(readonly=True) as session:
            for ch in session.exec(select(Channel)):
                assert ch.id is not None
                cls = channels_svc.connector_class(ch.kind)
                # Decrypted only for a platform whose accounts share a limit (a bot).
                creds = (
                    decrypt_credentials(ch.credentials_encrypted)
                    if cls.group_rate_per_second > 0 and ch.credentials_encrypted
                    else None
                )
                specs[ch.id] = spec_for(
                    ch.kind,
                    cls,
                    override=ch.rate_per_second,
                    credentials=creds,
                    settings=dict(ch.settings or {}),
                )
                enabled[ch.id] = ch.enabled
                kinds[ch.id] = ch.kind
                limits[ch.kind] = cls.max_concurrency
        self._specs, self._enabled = specs, enabled
        self._kinds, self._limits = kinds, limits
        # The paces a claim scans: those of the platforms that have channels.
        present = {channels_svc.pace_of(kind) for kind in limits}
        self._paces = tuple(p for p in _paces() if p in present)
        self._loaded = time.monotonic()

    def get(self, channel_id: int) -> tuple[RateSpec, bool]:
        """(spec, enabled) of a channel; reloads when stale or unknown. Raises NotFound-like
        KeyError only if the channel vanished from the database."""
        with self._lock:
            if time.monotonic() - self._loaded > self.ttl or channel_id not in self._specs:
                self._load()
            return self._specs[channel_id], self._enabled[channel_id]

    def kinds(self) -> tuple[dict[int, str], dict[str, int]]:
        """(channel id -> kind, kind -> the connector's ``max_concurrency``); reloads when
        stale."""
        with self._lock:
            if time.monotonic() - self._loaded > self.ttl:
                self._load()
            return self._kinds, self._limits

    def paces(self) -> tuple[int, ...]:
        """The paces of the platforms that have channels, slowest first; reloads when
        stale. A claim scans only these (one query each)."""
        with self._lock:
            if time.monotonic() - self._loaded > self.ttl:
                self._load()
            return self._paces

    def look_beyond(self, present: tuple[int, ...]) -> bool:
        """Whether a claim should also look at the rows of the other paces now: at most once
        a second (a platform's first channel, added after the last reload, waits no
        longer), and never when every pace is present."""
        if set(present) >= set(_paces()):
            return False
        now = time.monotonic()
        with self._lock:
            if now - self._beyond < BEYOND_EVERY_S:
                return False
            self._beyond = now
        return True

    def invalidate(self) -> None:
        with self._lock:
            self._loaded = float("-inf")


def _due_filter(now: datetime, grace_seconds: float) -> list[ColumnElement[bool]]:
    # A never-attempted delivery older than the grace belongs to the missed sweep, not here.
    return [
        col(Delivery.status) == D.PENDING,
        col(Delivery.next_attempt_at) <= now,
        or_(
            col(Delivery.attempts) > 0,
            col(Delivery.due_at) >= now - timedelta(seconds=grace_seconds),
        ),
    ]


def _leave_out(stmt: S, channels: set[int], kinds: set[str]) -> S:
    """Leave out the rows of ``channels`` and of every channel of the platforms ``kinds``."""
    if channels:
        stmt = stmt.where(col(Delivery.channel_id).not_in(sorted(channels)))
    if kinds:
        of_kinds = select(col(Channel.id)).where(col(Channel.kind).in_(sorted(kinds)))
        stmt = stmt.where(col(Delivery.channel_id).not_in(of_kinds))
    return stmt


def claim_due(
    owner: str,
    limiter: RateLimiter,
    specs: ChannelSpecs,
    *,
    limit: int,
    lease_seconds: float,
    grace_seconds: float,
    shard: Shard | None = None,
    now: datetime | None = None,
    lookahead: float = 0.0,
) -> list[int]:
    """:func:`claim`, returning only the ids of the claimed deliveries."""
    claimed = claim(
        owner,
        limiter,
        specs,
        limit=limit,
        lease_seconds=lease_seconds,
        grace_seconds=grace_seconds,
        shard=shard,
        now=now,
        lookahead=lookahead,
    )
    return [d.id for d in claimed if d.id is not None]


def claim(
    owner: str,
    limiter: RateLimiter,
    specs: ChannelSpecs,
    *,
    limit: int,
    lease_seconds: float,
    grace_seconds: float,
    shard: Shard | None = None,
    now: datetime | None = None,
    lookahead: float = 0.0,
    guard: Guard | None = None,
    hint: ScanHint | None = None,
    kept: KeptConnection | None = None,
) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries for ``owner``; returns them (committed as
    ``sending`` with ``lease_until = now + lease_seconds``), detached from any session: a
    snapshot of each row as claimed, which the executor uses instead of reading it again.

    ``lookahead`` also claims rows due within that many seconds; the executor then waits for
    each row's ``next_attempt_at`` before publishing (never early). Deliveries falling due
    one by one are thus claimed in batches instead of one write transaction each.

    Rows of channels whose rate bucket is empty are not claimed: their ``next_attempt_at`` is
    moved to when the bucket has a token, so they stop occupying the head of the queue.

    With a ``guard`` (:mod:`publisher.engine.bulkhead`), channels whose bulkhead is full or
    whose breaker is open are left out of the query, and each claimed row holds a slot of its
    channel and platform (the caller releases it when the delivery's outcome is handed on).
    ``hint`` (:class:`ScanHint`) is filled in with what the scan saw beyond the chosen rows.
    ``kept``: the calling thread's kept connection (:class:`publisher.engine.txn.KeptConnection`)
    to write with, instead of a session per claim.
    Raises SQLAlchemy errors if the database fails (nothing is then claimed).
    """
    if limit <= 0:
        return []
    shard = shard or Shard()
    now = now or utcnow()
    engine = get_engine()
    kinds: dict[int, str] = {}
    limits: dict[str, int] = {}
    excluded: set[int] = set()
    full_kinds: set[str] = set()
    if guard is not None:
        kinds, limits = specs.kinds()
        excluded, full_kinds = guard.blocked(limits)
    admitted: list[int] = []
    try:
        return _claim(
            engine,
            owner,
            limiter,
            specs,
            limit=limit,
            lease_seconds=lease_seconds,
            grace_seconds=grace_seconds,
            shard=shard,
            now=now,
            lookahead=lookahead,
            guard=guard,
            kinds=kinds,
            limits=limits,
            excluded=excluded,
            full_kinds=full_kinds,
            admitted=admitted,
            hint=hint,
            kept=kept,
        )
    except BaseException:
        if guard is not None:
            for channel_id in admitted:
                guard.release(channel_id)
        raise


def _claim(
    engine: Engine,
    owner: str,
    limiter: RateLimiter,
    specs: ChannelSpecs,
    *,
    limit: int,
    lease_seconds: float,
    grace_seconds: float,
    shard: Shard,
    now: datetime,
    lookahead: float,
    guard: Guard | None,
    kinds: dict[int, str],
    limits: dict[str, int],
    excluded: set[int],
    full_kinds: set[str],
    admitted: list[int],
    hint: ScanHint | None = None,
    kept: KeptConnection | None = None,
) -> list[Delivery]:
    ts = now.timestamp()
    with kept.transaction(engine) if kept is not None else write_raw(engine) as raw:
        scan = max(MIN_SCAN, limit * SCAN_FACTOR)
        until = now + timedelta(seconds=lookahead)
        sql, params = _scan(raw, until, grace_seconds, shard)
        sql, params = _leave_out_sql(sql, params, raw, excluded, full_kinds)
        sql += " ORDER BY next_attempt_at, id LIMIT ?"
        if raw.pg:
            sql += " FOR UPDATE SKIP LOCKED"
        pick = _Picker(raw, ts, limit, limiter, specs, guard, kinds, limits, admitted)
        full = False
        present = specs.paces()
        scans = [(sql, [params[0], pace, *params[1:], scan]) for pace in present]
        if specs.look_beyond(present):
            # Rows of a platform that had no channel at the last reload of the specs (a
            # first channel of its kind, added since): looked for once a second.
            others = f"pace NOT IN {raw.marks(len(present))}" if present else "pace >= 0"
            beyond = sql.replace(_ONE_PACE, others)
            scans.append((beyond, [params[0], *present, *params[1:], scan]))
        for text, values in scans:
            if len(pick.chosen) >= limit:
                break
            rows = raw.rows(text, values)
            full = full or len(rows) >= scan
            pick.take(rows)
        chosen, deferred = pick.chosen, pick.deferred
        lease_until = now + timedelta(seconds=lease_seconds)
        moves: list[tuple[deliveries_svc.DeliveryRow, str, dict[str, Any]]] = []
        for row in chosen:
            first = raw.time(row[_FIRST])
            moves.append(
                (
                    _Key(row[_ID], row[_POST], row[_STATUS]),
                    D.SENDING,
                    {
                        "lease_owner": owner,
                        "lease_until": lease_until,
                        "attempts": row[_ATTEMPTS] + 1,
                        "first_attempt_at": first or now,
                        # This attempt has not called the platform (yet): see marker.py.
                        "request_started_at": None,
                    },
                )
            )
        deliveries_svc.transition_many(raw, moves, f"worker:{owner}")
        snapshots = [
            _snapshot(raw, row, {**fields, "status": D.SENDING, "updated_at": now})
            for row, (_, _, fields) in zip(chosen, moves, strict=True)
        ]
        if hint is not None:
            # A scan came back full: more rows are due (within the lookahead) beyond it.
            hint.earliest_left = now if full else None
        if deferred:
            raw.executemany(
                f"UPDATE {_TABLE.name} SET next_attempt_at = ? WHERE id = ?",
                [(datetime.fromtimestamp(at, UTC), i) for i, at in deferred.items()],
            )
    return snapshots


@dataclass
class _Picker:
    """Chooses the rows a claim takes, in the order scanned: the rows of disabled channels
    and of channels whose rate bucket is empty are deferred, those whose bulkhead is full
    (or breaker open) left where they are."""

    raw: Raw
    ts: float
    limit: int
    limiter: RateLimiter
    specs: ChannelSpecs
    guard: Guard | None
    kinds: dict[int, str]
    limits: dict[str, int]
    #: Channels whose slot a chosen row holds (released by the caller on failure).
    admitted: list[int]
    chosen: list[tuple[Any, ...]] = field(default_factory=list)
    #: Row id -> when it is looked at again.
    deferred: dict[int, float] = field(default_factory=dict)

    def take(self, rows: list[tuple[Any, ...]]) -> None:
        guard, chosen = self.guard, self.chosen
        for row in rows:
            if len(chosen) >= self.limit:
                return
            due = self.raw.time(row[_NEXT])
            assert due is not None
            delivery_id, channel_id = row[_ID], row[_CHANNEL]
            try:
                spec, enabled = self.specs.get(channel_id)
            except KeyError:
                continue
            if not enabled:
                self.deferred[delivery_id] = self.ts + DISABLED_RETRY_S
                continue
            if guard is not None:
                kind = self.kinds.get(channel_id, "")
                if not guard.admit(channel_id, kind, self.limits.get(kind, 1)):
                    continue  # its bulkhead is full (or breaker open): left for later
                self.admitted.append(channel_id)
            # Tokens are taken at the publish instant, so spacing holds for early claims.
            ready = self.limiter.try_acquire(channel_id, spec, max(self.ts, due.timestamp()))
            if ready is None:
                chosen.append(row)
            else:
                self.deferred[delivery_id] = ready
                if guard is not None:
                    guard.release(channel_id)
                    self.admitted.pop()


_ONE_PACE = "pace = ?"


def _scan(raw: Raw, until: datetime, grace_seconds: float, shard: Shard) -> tuple[str, list[Any]]:
    """The claim's scan of one pace (:func:`_due_filter` as SQL text) and its parameters,
    but for the pace, the second placeholder (after the status): the caller puts it in."""
    sql = (
        f"SELECT {', '.join(_COLUMNS)} FROM {_TABLE.name} WHERE status = ? AND {_ONE_PACE}"
        " AND next_attempt_at <= ? AND (attempts > 0 OR due_at >= ?)"
    )
    params: list[Any] = [D.PENDING, until, until - timedelta(seconds=grace_seconds)]
    if shard.count > 1:
        sql += " AND channel_id % ? = ?"
        params += [shard.count, shard.index]
    return sql, params


def _leave_out_sql(
    sql: str, params: list[Any], raw: Raw, channels: set[int], kinds: set[str]
) -> tuple[str, list[Any]]:
    """:func:`_leave_out` as SQL text."""
    if channels:
        sql += f" AND channel_id NOT IN {raw.marks(len(channels))}"
        params = [*params, *sorted(channels)]
    if kinds:
        sql += (
            f" AND channel_id NOT IN (SELECT id FROM {Channel.__table__.name}"  # type: ignore[attr-defined]
            f" WHERE kind IN {raw.marks(len(kinds))})"
        )
        params = [*params, *sorted(kinds)]
    return sql, params


def _paces() -> tuple[int, ...]:
    """Every pace a delivery may have, slowest platforms first: a claim scans them in this
    order (an index range each), so a burst's slow channels start first (see
    ``docs/engine.md``, "The slowest platforms first")."""
    global _PACES
    if _PACES is None:
        _PACES = tuple(sorted(set(channels_svc.paces().values()) | {channels_svc.UNPACED}))
    return _PACES


_PACES: tuple[int, ...] | None = None


class _Key(NamedTuple):
    """What :func:`deliveries_svc.transition_many` reads of a claimed row."""

    id: int
    post_id: int
    status: str


def _snapshot(raw: Raw, row: tuple[Any, ...], claimed: dict[str, Any]) -> Delivery:
    """A detached ``Delivery``: ``row`` as read, with the ``claimed`` columns as written
    (made as the ORM makes loaded rows, without a session: the executor reads it instead of
    the row)."""
    values = {
        name: raw.time(value) if name in _TIMES else value
        for name, value in zip(_COLUMNS, row, strict=True)
        if name not in claimed
    }
    values.update(claimed)
    delivery = _MANAGER.new_instance()
    instance_dict(delivery).update(values)
    make_transient_to_detached(delivery)
    return delivery  # type: ignore[no-any-return]


def next_due(
    *,
    grace_seconds: float,
    shard: Shard | None = None,
    now: datetime | None = None,
    excluded: set[int] | None = None,
    full_kinds: set[str] | None = None,
) -> datetime | None:
    """The earliest ``next_attempt_at`` of a pending delivery (cheap, indexed), leaving out
    the ``excluded`` channels (full bulkheads, open breakers) and platforms (``full_kinds``).
    """
    now = now or utcnow()
    shard = shard or Shard()
    with session_scope(readonly=True) as session:
        stmt = select(func.min(Delivery.next_attempt_at)).where(
            col(Delivery.status) == D.PENDING,
            or_(
                col(Delivery.attempts) > 0,
                col(Delivery.due_at) >= now - timedelta(seconds=grace_seconds),
            ),
        )
        if shard.count > 1:
            stmt = stmt.where(col(Delivery.channel_id) % shard.count == shard.index)
        stmt = _leave_out(stmt, excluded or set(), full_kinds or set())
        value = session.exec(stmt).one()
    if value is None:
        return None
    return ensure_utc(value)


def renew_lease(delivery_id: int, owner: str, lease_seconds: float) -> bool:
    """Extend our lease before a long step; False if the lease was lost (do not publish)."""
    now = utcnow()
    with write_scope() as session:
        result = session.execute(
            update(Delivery)
            .where(
                col(Delivery.id) == delivery_id,
                col(Delivery.lease_owner) == owner,
                col(Delivery.status) == D.SENDING,
            )
            .values(lease_until=now + timedelta(seconds=lease_seconds))
        )
        return bool(getattr(result, "rowcount", 0))

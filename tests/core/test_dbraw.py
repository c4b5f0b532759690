"""The engine's plain-SQL layer (publisher/dbraw.py) stores values exactly as SQLAlchemy does.

SQLite compares timestamps as text: a value written by :class:`Raw` in another format would
sort wrongly against the ORM's rows (a due delivery never claimed, or claimed early).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import col, select

from publisher.db import get_engine, session_scope
from publisher.dbraw import Raw
from publisher.engine.txn import KeptConnection
from publisher.models import AuditEvent, DeliveryStatus
from publisher.services.accounts import audit
from tests.conftest import PG_URL


def test_times_enums_and_json_are_stored_as_the_orm_stores_them(db: object) -> None:
    at = datetime(2026, 10, 10, 1, 2, 3, 450, tzinfo=UTC)
    local = at.astimezone(timezone(timedelta(hours=7)))  # the same instant, another zone
    with session_scope() as s:
        s.add(
            AuditEvent(
                at=at, actor_label="orm", action="a", object_type="t", before={"x": 1}, after={}
            )
        )
        s.flush()
        audit.record_many(
            s,
            "raw",
            [audit.Event("a", "t", None, before={"x": 1}, after={"when": at})],
            at=local,
        )
    with session_scope(readonly=True) as s:
        rows = s.execute(
            text('SELECT actor_label, at, "before", "after" FROM auditevent ORDER BY id')
        ).all()
        orm, raw = rows[-2], rows[-1]
        assert raw.at == orm.at  # same stored text (SQLite) or timestamp (PostgreSQL)
        assert raw.before == orm.before
        events = list(s.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
    assert events[-1].at == at and events[-1].at.tzinfo is not None
    assert events[-1].after == {"when": at.isoformat()}


def test_values_and_reads(db: object) -> None:
    with session_scope() as s:
        raw = Raw(s.connection())
        assert raw.value(DeliveryStatus.SENDING) == "sending"  # psycopg would dump the name
        assert raw.value(5) == 5 and raw.value(None) is None
        with pytest.raises(ValueError, match="naive"):
            raw.value(datetime(2026, 1, 1))
        moment = datetime(2026, 5, 18, 0, 0, tzinfo=UTC)
        [(back,)] = raw.rows("SELECT ?", [moment])
        assert raw.time(back) == moment
        assert raw.marks(0) == "(NULL)" and raw.marks(3) == "(?, ?, ?)"
        assert raw.rows(f"SELECT 1 WHERE 1 IN {raw.marks(0)}") == []


def _labels() -> list[str]:
    with session_scope(readonly=True) as s:
        return [r[0] for r in s.execute(text("SELECT actor_label FROM auditevent")).all()]


def _event(raw: Raw, label: str) -> None:
    audit.record_many(raw, label, [audit.Event("kept.test", "t", None)])


def test_a_kept_connection_commits_rolls_back_and_replaces_a_broken_connection(
    db: object,
) -> None:
    """The batch writers' kept connection (publisher/engine/txn.py): what commits is there,
    a failed transaction leaves nothing, a driver error is SQLAlchemy's exception and the
    connection is replaced, and closing gives it back to the pool."""
    engine = get_engine()
    kept = KeptConnection()
    with kept.transaction() as raw:
        _event(raw, "committed")
    first = kept._pooled.driver_connection  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError), kept.transaction() as raw:
        _event(raw, "rolled-back")
        raise RuntimeError("a row was not in the status it was read in")
    assert kept._pooled.driver_connection is first  # type: ignore[attr-defined]  # kept
    with pytest.raises(DBAPIError), kept.transaction() as raw:
        _event(raw, "half-written")
        raw.rows("SELECT * FROM no_such_table")
    assert kept._pooled is None  # type: ignore[attr-defined]  # dropped, not reused
    with kept.transaction() as raw:
        _event(raw, "after-the-error")
    assert _labels() == ["committed", "after-the-error"]
    assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    kept.close()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.skipif(not PG_URL, reason="needs PUBLISHER_TEST_POSTGRES_URL")
@pytest.mark.parametrize("db", ["postgres"], indirect=True)  # SQLite has no server
def test_a_kept_connection_survives_a_lost_server_connection(db: object) -> None:
    """PostgreSQL ends the kept connection (a restart, an administrator): that transaction
    fails with OperationalError, the next one checks out a fresh connection."""
    kept = KeptConnection()
    with kept.transaction() as raw:
        [(pid,)] = raw.rows("SELECT pg_backend_pid()")
    with session_scope() as s:
        s.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(OperationalError), kept.transaction() as raw:
        _event(raw, "lost")
    with kept.transaction() as raw:
        _event(raw, "fresh")
        [(other,)] = raw.rows("SELECT pg_backend_pid()")
    assert other != pid and _labels() == ["fresh"]
    kept.close()


def test_the_batch_writers_give_their_connections_back_when_they_stop(db: object) -> None:
    from publisher.engine.marker import Marker
    from publisher.engine.recorder import Recorder

    engine = get_engine()
    marker, recorder = Marker("w-kept"), Recorder("w-kept")
    marker.start()
    recorder.start()
    assert marker.mark(424242) is False  # no such delivery: written, nothing marked
    marker.stop()
    recorder.stop()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]

"""The engine's plain-SQL layer (publisher/dbraw.py) stores values exactly as SQLAlchemy does.

SQLite compares timestamps as text: a value written by :class:`Raw` in another format would
sort wrongly against the ORM's rows (a due delivery never claimed, or claimed early).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.dbraw import Raw
from publisher.models import AuditEvent, DeliveryStatus
from publisher.services.accounts import audit


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

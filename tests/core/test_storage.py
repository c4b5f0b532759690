"""Storage: the schema, UTC round trips, the append-only audit log — on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, StatementError
from sqlmodel import select

from publisher import migrate
from publisher.db import session_scope
from publisher.models import AuditEvent, Organisation
from publisher.services.accounts import audit
from tests.conftest import PG_URL
from tests.factories import ADMIN


def test_migrations_bring_an_empty_database_to_head(db):
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert migrate.is_current(db.engine)


def test_aware_datetimes_round_trip_as_utc(db):
    ict = timezone(timedelta(hours=7))
    when = datetime(2026, 10, 10, 8, 0, tzinfo=ict)
    with session_scope() as s:
        org = Organisation(slug="x", name="X", created_at=when)
        s.add(org)
    with session_scope() as s:
        back = s.exec(select(Organisation).where(Organisation.slug == "x")).one()
    assert back.created_at.tzinfo is not None
    assert back.created_at == datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(db):
    with pytest.raises(StatementError), session_scope() as s:
        s.add(Organisation(slug="n", name="N", created_at=datetime(2026, 1, 1)))
        s.flush()


def test_audit_log_is_append_only_in_the_database(db):
    with session_scope() as s:
        event = audit.record(s, ADMIN, "test.action", "thing", 1)
        s.flush()
        event_id = event.id
    for statement in (
        f"UPDATE auditevent SET action = 'tampered' WHERE id = {event_id}",
        f"DELETE FROM auditevent WHERE id = {event_id}",
    ):
        with pytest.raises(DatabaseError), db.engine.begin() as conn:
            conn.execute(text(statement))
    with session_scope() as s:
        assert s.get(AuditEvent, event_id).action == "test.action"


# PostgreSQL only: SQLite has no TRUNCATE (its DELETE is refused above).
@pytest.mark.skipif(not PG_URL, reason="needs PUBLISHER_TEST_POSTGRES_URL")
@pytest.mark.parametrize("db", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    ["TRUNCATE auditevent", 'TRUNCATE "user", auditevent CASCADE', 'TRUNCATE "user" CASCADE'],
)
def test_truncating_the_audit_log_is_refused_on_postgres(db, statement):
    with session_scope() as s:
        event = audit.record(s, ADMIN, "test.action", "thing", 1)
        s.flush()
        event_id = event.id
    with pytest.raises(DatabaseError, match="audit log is append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with session_scope() as s:
        assert s.get(AuditEvent, event_id).action == "test.action"


def test_a_failed_transaction_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError), session_scope() as s:
        s.add(Organisation(slug="half", name="Half"))
        s.flush()
        raise RuntimeError("boom")
    with session_scope() as s:
        assert s.exec(select(Organisation).where(Organisation.slug == "half")).first() is None


def test_tables_build_their_pydantic_validators_on_first_use_and_still_validate(db):
    # defer_build (publisher.models._Table): not built at import, built when first asked.
    import pydantic

    from publisher.models import Alert, Post, _Table

    assert _Table.model_config.get("defer_build") is True
    assert Alert.model_config.get("defer_build") is True  # every table inherits it
    with pytest.raises(pydantic.ValidationError):
        Post.model_validate({"org_id": "not a number", "text": "x"})
    assert Post.__pydantic_complete__
    checked = Post.model_validate({"org_id": "7", "text": "x"})
    assert checked.org_id == 7 and checked.model_dump()["text"] == "x"

"""migrate-db: an office moves from SQLite to a real PostgreSQL server losing nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from publisher import migrate
from publisher.cli import app
from publisher.db import get_engine, make_engine, session_scope
from publisher.errors import Conflict, InvalidInput, PublisherError
from publisher.models import AuditEvent, Channel, Delivery, Organisation
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.operations import dbcopy
from publisher.services.operations.tablestats import database_stats
from publisher.services.publishing.channels import channel_config
from tests.factories import ADMIN
from tests.ops.conftest import populate


def test_sqlite_office_moves_to_postgres_with_identical_rows(
    sqlite_db: Any, clock: Any, pg_target: str
) -> None:
    populate(sqlite_db.data_dir)
    with get_engine().connect() as conn:
        source_stats = database_stats(conn)
    result = dbcopy.copy_database(get_engine(), pg_target)
    assert result.rows == sum(s.rows for s in source_stats.values()) > 40
    assert result.stats == source_stats
    assert "postgres" in result.target

    target = make_engine(pg_target)
    try:
        assert migrate.is_current(target)
        with target.connect() as conn:
            assert database_stats(conn) == source_stats  # checked again, independently
        with Session(target) as s:
            channels = {c.name: channel_config(c).credentials for c in s.exec(select(Channel))}
            assert channels["Kênh Telegram"] == {"bot_token": "123456:TEST-token"}
            ids = sorted(d.id for d in s.exec(select(Delivery)) if d.id is not None)
            with get_engine().connect() as sconn:
                source_ids = [
                    r[0] for r in sconn.execute(text("SELECT id FROM delivery ORDER BY id"))
                ]
            assert ids == source_ids
        # Sequences were moved past the copied ids: new rows get fresh ids, no collision.
        with Session(target) as s:
            org = orgs_svc.create_org(s, ADMIN, "Sở Thông tin", slug="so-ttt")
            s.commit()
            assert org.id is not None
            assert org.id > max(
                o.id or 0 for o in s.exec(select(Organisation)) if o.slug != "so-ttt"
            )
        # The audit log stays append-only on the new server, TRUNCATE included.
        for statement in ("UPDATE auditevent SET action = 'x'", "TRUNCATE auditevent"):
            with target.connect() as conn, pytest.raises(Exception, match=r"append-only"):
                conn.execute(text(statement))
    finally:
        target.dispose()


def test_a_target_holding_data_is_refused(sqlite_db: Any, clock: Any, pg_target: str) -> None:
    populate(sqlite_db.data_dir)
    dbcopy.copy_database(get_engine(), pg_target)
    with pytest.raises(Conflict) as err:
        dbcopy.copy_database(get_engine(), pg_target)
    assert err.value.key == "ops.migrate_target_not_empty"


def test_verification_failure_writes_nothing(
    sqlite_db: Any, clock: Any, pg_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(sqlite_db.data_dir)
    real_copy = dbcopy._copy_table

    def lossy_copy(sconn: Any, tconn: Any, name: str) -> int:
        copied = real_copy(sconn, tconn, name)
        if name == "keyvalue":  # same row count, one value changed: only the checksum sees it
            tconn.execute(text("""UPDATE keyvalue SET value = '{"coverage": 0.9}'"""))
        return copied

    monkeypatch.setattr(dbcopy, "_copy_table", lossy_copy)
    with pytest.raises(PublisherError) as err:
        dbcopy.copy_database(get_engine(), pg_target)
    assert err.value.key == "ops.migrate_verify_failed"
    assert "keyvalue" in err.value.message("en")
    target = make_engine(pg_target)
    with target.connect() as conn:
        assert dbcopy.first_nonempty_table(conn) is None
    target.dispose()


def test_bad_or_same_urls_are_refused(sqlite_db: Any) -> None:
    with pytest.raises(InvalidInput):
        dbcopy.copy_database(get_engine(), "not a url")
    with pytest.raises(InvalidInput):
        dbcopy.copy_database(get_engine(), "mysql://u@h/db")
    with pytest.raises(InvalidInput):
        dbcopy.copy_database(get_engine(), sqlite_db.url)


def test_cli_migrate_db(sqlite_db: Any, clock: Any, pg_target: str) -> None:
    populate(sqlite_db.data_dir)
    result = CliRunner().invoke(app, ["migrate-db", "--to", pg_target, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with session_scope(readonly=True) as s:
        audits = len(list(s.exec(select(AuditEvent))))
    assert data["rows"] > audits > 0
    again = CliRunner().invoke(app, ["migrate-db", "--to", pg_target])
    assert again.exit_code == 1
    assert "đã có dữ liệu" in again.stderr


def test_a_table_outside_the_model_is_refused_not_left_behind(
    sqlite_db: Any, clock: Any, pg_target: str
) -> None:
    with get_engine().begin() as conn:
        conn.execute(text("CREATE TABLE local_notes (id INTEGER PRIMARY KEY, note TEXT)"))
    with pytest.raises(PublisherError) as err:
        dbcopy.copy_database(get_engine(), pg_target)
    assert err.value.key == "ops.migrate_unknown_tables"
    assert "local_notes" in err.value.message("en")

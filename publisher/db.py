"""Database engine and sessions (SQLite by default, PostgreSQL to scale out)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from publisher.config import get_settings
from publisher.fsmodes import private_dir, private_file

_engines: dict[str, Engine] = {}
_lock = threading.Lock()

#: The largest row id every backend stores: PostgreSQL's SERIAL columns are 32-bit integers.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """True for an int that can be a row id (1 .. MAX_ROW_ID); a larger number cannot name
    a row, and handing it to the driver fails (SQLite: OverflowError, PostgreSQL: out of
    range), so callers answer "not found" instead."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def _normalise_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the common spellings.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """Create an engine with the pragmas and pool settings each backend needs.

    On SQLite, write sessions begin with ``BEGIN IMMEDIATE``; ``readonly`` engines use a
    deferred ``BEGIN`` so that pages reading the database never queue behind the worker.
    """
    url = _normalise_url(url)
    kwargs: dict[str, Any] = {"future": True}
    db_file: Path | None = None
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:":
            db_file = Path(path)
            private_dir(db_file.parent)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        if db_file is not None:
            event.listen(engine, "connect", _private_files(db_file))
        event.listen(engine, "begin", _sqlite_begin_deferred if readonly else _sqlite_begin)
    else:
        event.listen(engine, "connect", _postgres_session)
    return engine


def _postgres_session(dbapi_conn: Any, _record: Any) -> None:
    # No JIT: every query of the product is short (dashboards, the engine's claims), but a
    # province's statistics estimate costs high enough to trigger it, and compiling took
    # 18-60 ms (more on a loaded machine) of a ~70 ms KPI query (bench/results/province.md).
    # A SET rather than a startup option: connection poolers refuse unknown options.
    cur = dbapi_conn.cursor()
    cur.execute("SET jit = off")
    cur.close()
    dbapi_conn.commit()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the UI read while the worker writes; busy_timeout waits instead of failing.
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _private_files(db_file: Path) -> Any:
    """A connect hook: the database file is 0600 (also one made under a lax umask or by an
    older version), so its WAL and shared-memory files, which SQLite creates with the
    database's own mode, are 0600 too."""

    def hook(_dbapi_conn: Any, _record: Any) -> None:
        for suffix in ("", "-wal", "-shm"):
            private_file(f"{db_file}{suffix}")

    return hook


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two executors can never both read a
    # delivery as pending and then both claim it (the single-writer claim on SQLite).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def get_engine(url: str | None = None, *, readonly: bool = False) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    url = _normalise_url(url or get_settings().resolved_database_url)
    readonly = readonly and url.startswith("sqlite")
    key = f"ro:{url}" if readonly else url
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(url, readonly=readonly)
        return engine


def reset_engines() -> None:
    """Dispose every cached engine (tests, and after ``restore``)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine | None = None, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception (nothing half-written)."""
    session = Session(engine or get_engine(readonly=readonly), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"

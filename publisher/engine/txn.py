"""Write transactions of the engine.

SQLite has one writer at a time; when several threads of one process wait for it, SQLite's
busy handler sleeps in growing steps (up to 100 ms), so a burst of 16 executor threads spent
most of its time asleep (measured: 163 ms per outcome write for 4 ms of work). Queueing the
threads on a process-wide lock first hands the write lock over without those sleeps; other
processes still wait through the busy handler. PostgreSQL needs no such lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from publisher.db import get_engine, session_scope

_sqlite_writer = threading.Lock()


@contextmanager
def write_scope(engine: Engine | None = None) -> Iterator[Session]:
    """:func:`publisher.db.session_scope` for writing, serialised in-process on SQLite."""
    engine = engine or get_engine()
    if engine.dialect.name != "sqlite":
        with session_scope(engine) as session:
            yield session
        return
    with _sqlite_writer, session_scope(engine) as session:
        yield session


@contextmanager
def write_connection(engine: Engine | None = None) -> Iterator[Connection]:
    """A Core connection in one write transaction (no ORM session: for the hot, single
    statement writes such as the pre-call marks), serialised in-process on SQLite."""
    engine = engine or get_engine()
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with _sqlite_writer, engine.begin() as conn:
        yield conn

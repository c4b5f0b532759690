"""Write transactions of the engine.

SQLite has one writer at a time; when several threads of one process wait for it, SQLite's
busy handler sleeps in growing steps (up to 100 ms), so a burst of 16 executor threads spent
most of its time asleep (measured: 163 ms per outcome write for 4 ms of work). Queueing the
threads on a process-wide lock first hands the write lock over without those sleeps; other
processes still wait through the busy handler. PostgreSQL needs no such lock.

The batch writers of a burst (the claimer, the marker, the recorder) each keep one DBAPI
connection for their write transactions (:class:`KeptConnection`): a SQLAlchemy session or
Core transaction per batch cost about 0.3 ms of CPU (pool check-out and reset, the BEGIN
event, commit, close), ten times the SQL of a small batch (bench/results/engine.md).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from publisher.db import get_engine, session_scope
from publisher.dbraw import Raw

log = logging.getLogger(__name__)
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


@contextmanager
def write_raw(engine: Engine | None = None) -> Iterator[Raw]:
    """:func:`write_connection`'s transaction as :class:`Raw` (a writer without a kept
    connection)."""
    with write_connection(engine) as conn:
        yield Raw(conn)


class KeptConnection:
    """One DBAPI connection that ONE thread keeps for its write transactions.

    :meth:`transaction` checks a connection out of the engine's pool on first use and keeps
    it; a driver error discards it (the next transaction checks out a fresh one, as after a
    database restart) and is raised as SQLAlchemy's own exception class
    (``sqlalchemy.exc.OperationalError``...), like every other database error. When the
    process-wide engine changes (tests, a restore), the old connection is returned first.
    The owning thread calls :meth:`close` when it ends.
    """

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._pooled: Any = None
        self._raw: Raw | None = None

    @contextmanager
    def transaction(self, engine: Engine | None = None) -> Iterator[Raw]:
        """One write transaction: committed on success, rolled back on any exception."""
        engine = engine or get_engine()
        if self._engine is not engine:
            self.close()
        sqlite = engine.dialect.name == "sqlite"
        error_class = engine.dialect.loaded_dbapi.Error
        with _sqlite_writer if sqlite else nullcontext():
            try:
                raw = self._connect(engine)
                dbapi = self._pooled.driver_connection
                if sqlite:
                    dbapi.execute("BEGIN IMMEDIATE")  # the write lock up front (db.py)
            except error_class as exc:
                self.close(broken=True)
                raise DBAPIError.instance(None, None, exc, error_class) from exc
            try:
                yield raw
                if sqlite:
                    dbapi.execute("COMMIT")
                else:
                    dbapi.commit()
            except BaseException as exc:
                self._rollback(dbapi, sqlite, broken=isinstance(exc, error_class))
                if isinstance(exc, error_class):
                    raise DBAPIError.instance(None, None, exc, error_class) from exc
                raise

    def _connect(self, engine: Engine) -> Raw:
        if self._pooled is None or self._raw is None:
            self._pooled = engine.raw_connection()
            self._engine = engine
            self._raw = Raw.over(self._pooled.driver_connection, pg=engine.dialect.name != "sqlite")
        return self._raw

    def _rollback(self, dbapi: Any, sqlite: bool, *, broken: bool) -> None:
        try:
            if sqlite:
                if dbapi.in_transaction:
                    dbapi.execute("ROLLBACK")
            else:
                dbapi.rollback()
        except Exception:
            broken = True
        if broken:
            self.close(broken=True)

    def close(self, *, broken: bool = False) -> None:
        """Give the connection back (``broken``: drop it from the pool)."""
        pooled, self._pooled, self._raw, self._engine = self._pooled, None, None, None
        if pooled is None:
            return
        try:
            if broken:
                pooled.invalidate()
            else:
                pooled.close()
        except Exception as exc:  # the connection is gone anyway
            log.debug("kept connection not returned cleanly: %s", type(exc).__name__)

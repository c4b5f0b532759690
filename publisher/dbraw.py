"""The engine's hot statements on the DBAPI cursor, inside a SQLAlchemy transaction.

A burst claims, marks and records thousands of deliveries a second in a few multi-row
statements per batch. Through SQLAlchemy Core each execution cost more CPU than SQLite's own
work (building the execution context, cache-key lookup, bind and result processing per value;
bench/results/engine.md): :class:`Raw` runs plain SQL text on the transaction's own DBAPI
cursor instead. Both drivers keep prepared statements by SQL text (the ``sqlite3`` module's
statement cache; psycopg prepares a query after a few executions), so a repeated statement
costs one call. Hand-written because SQLAlchemy's own lowest layer (``exec_driver_sql``)
still builds an execution context per call; no library fills this gap.

Values are written as SQLAlchemy writes them (:class:`publisher.models.base.UTCDateTime`):
SQLite stores naive UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` (compared as text, so the format
must match exactly), PostgreSQL aware timestamps; JSON as ``json.dumps`` text; string enums as
their values (psycopg would dump an ``Enum`` by name). Statements are written with ``?``
placeholders; :meth:`Raw.sql` turns them into psycopg's ``%s``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy.engine import Connection

_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"
#: Values every driver takes as they are.
_PLAIN = frozenset({int, str, float, bytes, bool, type(None)})


class Raw:
    """Plain SQL on the DBAPI connection of ``conn`` (its transaction, its lock), or on a
    DBAPI connection given by :meth:`over`."""

    def __init__(self, conn: Connection) -> None:
        dbapi = conn.connection.driver_connection
        assert dbapi is not None, "a connection in use has its DBAPI connection"
        self._setup(dbapi, pg=conn.dialect.name == "postgresql")

    @classmethod
    def over(cls, dbapi: Any, *, pg: bool) -> Raw:
        """On a DBAPI connection itself (:class:`publisher.engine.txn.KeptConnection`)."""
        raw = cls.__new__(cls)
        raw._setup(dbapi, pg=pg)
        return raw

    def _setup(self, dbapi: Any, *, pg: bool) -> None:
        self.pg = pg
        self._dbapi: Any = dbapi
        self._sql: dict[str, str] = {}
        self._last_time: datetime | None = None
        self._last_stored: Any = None

    def sql(self, text: str) -> str:
        """``text`` with the driver's placeholders (``?`` -> ``%s`` on PostgreSQL)."""
        if not self.pg:
            return text
        out = self._sql.get(text)
        if out is None:
            out = self._sql[text] = text.replace("%", "%%").replace("?", "%s")
        return out

    @staticmethod
    def marks(count: int) -> str:
        """``(?, ?, ...)`` for an IN list of ``count`` values; ``(NULL)`` (matches nothing)
        for none."""
        return "(" + ", ".join("?" * count) + ")" if count else "(NULL)"

    def json_mark(self) -> str:
        """The placeholder of a JSON value (PostgreSQL casts the text)."""
        return "?::json" if self.pg else "?"

    def value(self, value: Any) -> Any:
        """A Python value as the column stores it."""
        if type(value) in _PLAIN:
            return value
        if value is self._last_time:
            return self._last_stored  # a batch writes the same instant on every row
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime refused: store aware UTC values only")
            stored: Any = value.astimezone(UTC)
            if not self.pg:
                stored = stored.replace(tzinfo=None).strftime(_SQLITE_TS)
            self._last_time, self._last_stored = value, stored
            return stored
        if isinstance(value, Enum):
            return value.value
        return value

    @staticmethod
    def json(data: Any) -> str:
        return json.dumps(data)

    def time(self, value: Any) -> datetime | None:
        """A stored timestamp as an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    def rows(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self._dbapi.cursor()
        try:
            cur.execute(self.sql(text), [self.value(p) for p in params])
            return list(cur.fetchall())
        finally:
            cur.close()

    def execute(self, text: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the rows it changed."""
        cur = self._dbapi.cursor()
        try:
            cur.execute(self.sql(text), [self.value(p) for p in params])
            return int(cur.rowcount)
        finally:
            cur.close()

    def executemany(self, text: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run one statement per row of parameters; returns the rows changed in all."""
        cur = self._dbapi.cursor()
        try:
            cur.executemany(self.sql(text), [[self.value(p) for p in row] for row in rows])
            return int(cur.rowcount)
        finally:
            cur.close()

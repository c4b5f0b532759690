"""What every table module shares: the UTC datetime column type and the table base class.

Conventions: every datetime column is :class:`UTCDateTime` (aware UTC in and out, on SQLite
too); JSON columns use SQLAlchemy's portable ``JSON``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from publisher.timeutil import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend; refuses naive values on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC values only")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it comparable by writing naive UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(default: Any = None) -> Any:
    factory = dict if default is None else default
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]


def _now() -> datetime:
    return utcnow()


class _Table(SQLModel):
    """The base of every table below (not a table itself).

    ``defer_build``: pydantic builds a table's validator and serializer the first time one is
    used, not when this module is imported. Rows are made without validation (SQLModel table
    models do not validate on ``__init__``; rows read from the database skip ``__init__``), so
    most processes never build them: this takes about a third off the import of this module,
    which every command pays (``publisher post list``; issue 15, item 6, ``bench/cli_bench.py``).
    """

    # SQLModel types it as its own ConfigDict subclass (in a private module), same keys.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]

"""Row counts and content checksums of every table, comparable across SQLite and PostgreSQL.

A checksum hashes each row's values in a canonical form (aware UTC datetimes in ISO form,
JSON with sorted keys, booleans as booleans), in primary-key order, so that the same data
gives the same digest whichever backend holds it. Backups record them in their manifest;
``restore`` and ``migrate-db`` compare them to prove nothing was lost or changed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Table, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from publisher.models import load_all


@dataclass(frozen=True)
class TableStat:
    rows: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.sha256}


def tables() -> list[Table]:
    """The application's tables in dependency order (parents before children)."""
    load_all()  # the models load lazily: make sure every table is in the metadata
    return list(SQLModel.metadata.sorted_tables)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def finite_json(value: Any) -> Any:
    """``value`` with every NaN or infinite float inside a JSON document (dict or list)
    written as text ("NaN", "Infinity", "-Infinity"): PostgreSQL's JSON type refuses those
    numbers, which SQLite stored for a KPI target entered as ``nan`` before targets were
    checked. Scalars outside a document are returned as they are."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity", "-Infinity"
    return finite_json(value)


def _row_bytes(row: Any, finite: bool = False) -> bytes:
    values = [_canonical(finite_json(v) if finite else v) for v in row]
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def _integer_pk(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    return bool(pk) and all(isinstance(c.type, Integer) for c in pk)


def table_stat(conn: Connection, table: Table, *, finite: bool = False) -> TableStat:
    """Row count and checksum of one table, read through ``conn``'s current transaction.

    ``finite`` checksums JSON documents as :func:`finite_json` writes them (``migrate-db``
    compares a source that may hold NaN with a PostgreSQL copy that holds "NaN")."""
    pk = list(table.primary_key.columns)
    digest = hashlib.sha256()
    count = 0
    if _integer_pk(table):
        # Integer keys sort the same everywhere: stream in key order.
        result = conn.execute(select(table).order_by(*pk)).yield_per(2000)
        for row in result:
            digest.update(_row_bytes(row, finite))
            digest.update(b"\n")
            count += 1
    else:
        # Text keys sort by collation on PostgreSQL: sort in Python (these tables are small).
        rows = [_row_bytes(row, finite) for row in conn.execute(select(table))]
        for data in sorted(rows):
            digest.update(data)
            digest.update(b"\n")
            count += 1
    return TableStat(count, digest.hexdigest())


def database_stats(conn: Connection, *, finite: bool = False) -> dict[str, TableStat]:
    """``{table: TableStat}`` for every application table (alembic_version excluded)."""
    return {table.name: table_stat(conn, table, finite=finite) for table in tables()}


def total_rows(stats: dict[str, TableStat]) -> int:
    return sum(s.rows for s in stats.values())


def first_difference(expected: dict[str, TableStat], actual: dict[str, TableStat]) -> str | None:
    """The first table whose count or checksum differs (or that is missing), else None."""
    for name in sorted(set(expected) | set(actual)):
        if expected.get(name) != actual.get(name):
            return name
    return None

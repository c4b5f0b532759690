"""Move an office's database to another server (``publisher migrate-db --to URL``).

Typically SQLite (one office, embedded) to PostgreSQL (a province). Tables are copied in
dependency order keeping every id, PostgreSQL sequences are moved past the copied ids, and
the copy is verified (row counts and per-table checksums) *inside* the target transaction:
if anything differs, the target is rolled back and nothing is written. The media store is
untouched: it lives in the data directory whichever database is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Integer, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from publisher import migrate
from publisher.db import _normalise_url, make_engine
from publisher.errors import Conflict, InvalidInput, PublisherError
from publisher.services.operations.tablestats import (
    TableStat,
    database_stats,
    finite_json,
    first_difference,
    tables,
    total_rows,
)

BATCH_ROWS = 1000


@dataclass
class CopyResult:
    target: str  # the target URL without its password
    tables: int
    rows: int
    stats: dict[str, TableStat]


def parse_target(url: str) -> str:
    """The normalised target URL; raises InvalidInput for something that is not a URL."""
    try:
        parsed = make_url(_normalise_url(url.strip()))
    except ArgumentError:
        raise InvalidInput("ops.database_url_invalid", url=url) from None
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise InvalidInput("ops.database_url_invalid", url=url)
    return parsed.render_as_string(hide_password=False)


#: Where a target database is never created: the system's own folders (``/var/run`` resolves
#: to ``/run``; ``/var/lib`` is where services keep data, so it stays allowed).
SYSTEM_DIRS = tuple(
    Path(p)
    for p in (
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/lib32",
        "/lib64",
        "/proc",
        "/run",
        "/sbin",
        "/sys",
        "/usr",
    )
)
SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_target_path(url: str) -> Path | None:
    """The file of an SQLite target URL, checked (None for a PostgreSQL URL).

    Raises InvalidInput for an in-memory or empty path, a place under a system folder or in
    a folder that does not exist, and an existing file that is not an SQLite database
    (never overwritten: ``sqlite:////etc/passwd`` is refused, not opened).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    raw = parsed.database or ""
    if not raw or raw == ":memory:" or raw.startswith("file:"):
        raise InvalidInput("ops.database_url_invalid", url=url)
    path = Path(raw).expanduser().resolve()
    if any(path == d or d in path.parents for d in SYSTEM_DIRS) or not path.parent.is_dir():
        raise InvalidInput("ops.migrate_target_place", path=str(path))
    if path.exists():
        if not path.is_file():
            raise InvalidInput("ops.migrate_target_not_database", path=str(path))
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
        if head and head != SQLITE_MAGIC:
            raise InvalidInput("ops.migrate_target_not_database", path=str(path))
    return path


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def first_nonempty_table(conn: Connection) -> str | None:
    """The first application table holding rows, or None for an empty/unmigrated database."""
    existing = set(inspect(conn).get_table_names())
    for table in tables():
        if table.name in existing:
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                return table.name
    return None


def unknown_tables(conn: Connection) -> list[str]:
    """Tables in the database that the application's models do not describe."""
    known = {t.name for t in tables()} | {"alembic_version"}
    return sorted(set(inspect(conn).get_table_names()) - known)


def reset_sequences(conn: Connection) -> None:
    """Move each PostgreSQL serial sequence past the largest id present."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        column = pk[0].name
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column}
        ).scalar()
        if seq is None:
            continue
        largest = f'(SELECT MAX("{column}") FROM "{table.name}")'
        conn.execute(text(f"SELECT setval(:seq, COALESCE({largest}, 0) + 1, false)"), {"seq": seq})


def copy_database(
    source: Engine,
    target_url: str,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> CopyResult:
    """Copy every table of ``source`` into the empty database at ``target_url``.

    Raises InvalidInput (bad URL, same database), Conflict (target not empty),
    PublisherError (source not at head; verification failed — nothing written).
    """
    url = parse_target(target_url)
    if make_url(url) == source.url:
        raise InvalidInput("ops.migrate_same")
    target_file = sqlite_target_path(url)
    if target_file is not None and source.url.get_backend_name() == "sqlite":
        source_file = Path(source.url.database or "").resolve()
        if source_file == target_file:
            raise InvalidInput("ops.migrate_same")
    created = target_file is not None and not target_file.exists()
    if not migrate.is_current(source):
        raise PublisherError("ops.migrate_source_outdated")
    with source.connect() as conn:
        unknown = unknown_tables(conn)
    if unknown:
        # A table the models do not describe would be silently left behind: refuse instead.
        raise PublisherError("ops.migrate_unknown_tables", tables=", ".join(unknown))
    target = make_engine(url)
    ok = False
    try:
        with target.connect() as conn:
            busy = first_nonempty_table(conn)
        if busy is not None:
            raise Conflict("ops.migrate_target_not_empty", table=busy)
        migrate.upgrade(target)
        with source.connect() as sconn, target.begin() as tconn:
            # One read transaction on the source: the copy and its checksums see one state.
            expected = database_stats(sconn, finite=True)
            for table in tables():
                copied = _copy_table(sconn, tconn, table.name)
                if progress is not None:
                    progress(table.name, copied)
            if target.dialect.name == "postgresql":
                reset_sequences(tconn)
            actual = database_stats(tconn, finite=True)
            differs = first_difference(expected, actual)
            if differs is not None:
                raise PublisherError("ops.migrate_verify_failed", table=differs)
        ok = True
        return CopyResult(safe_url(url), len(actual), total_rows(actual), actual)
    finally:
        target.dispose()
        if created and not ok and target_file is not None:
            # A refused copy leaves no new database file behind.
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target_file}{suffix}").unlink(missing_ok=True)


def _copy_table(sconn: Connection, tconn: Connection, name: str) -> int:
    table = next(t for t in tables() if t.name == name)
    pk = list(table.primary_key.columns)
    result = sconn.execute(select(table).order_by(*pk)).yield_per(BATCH_ROWS)
    copied = 0
    for batch in result.partitions():
        # JSON documents keep NaN/infinity as text: PostgreSQL's JSON refuses those numbers.
        rows = [{k: finite_json(v) for k, v in row._mapping.items()} for row in batch]
        try:
            tconn.execute(table.insert(), rows)
        except DBAPIError as exc:
            # The target transaction is rolled back by the caller: nothing is written.
            detail = str(exc.orig if exc.orig is not None else exc).splitlines()[0][:200]
            raise PublisherError("ops.migrate_copy_failed", table=name, detail=detail) from exc
        copied += len(rows)
    return copied

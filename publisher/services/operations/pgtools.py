"""pg_dump / pg_restore for backups of a PostgreSQL installation.

The client tools must be at least the server's major version (pg_dump refuses to dump a newer
server); this is checked before anything runs so the error says what to install. Passwords go
to the tools through ``PGPASSWORD``, never on the command line (visible in ``ps``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine

from publisher import migrate
from publisher.db import reset_engines
from publisher.errors import PublisherError
from publisher.services.operations.tablestats import TableStat, database_stats, first_difference

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")
MAINTENANCE_DB = "postgres"


def server_version(conn: Connection) -> tuple[int, str]:
    """(major, "major.minor") of the server behind ``conn``."""
    num = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    return num // 10000, f"{num // 10000}.{num % 10000}"


def tool(name: str, server_major: int) -> tuple[str, str]:
    """Path and version of a client tool; raises PublisherError if missing or too old."""
    path = shutil.which(name)
    if path is None:
        raise PublisherError("ops.pg_tool_missing", tool=name, major=server_major)
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = _VERSION.search(out.stdout)
    if match is None:
        raise PublisherError("ops.pg_tool_failed", tool=name, detail=out.stdout.strip()[:200])
    major = int(match.group(1))
    if major < server_major:
        raise PublisherError(
            "ops.pg_tool_version", tool=name, tool_major=major, server_major=server_major
        )
    return path, match.group(0)


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str], name: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise PublisherError(
            "ops.pg_tool_failed",
            tool=name,
            detail=(detail[-1] if detail else str(result.returncode))[:300],
        )


def dump(engine: Engine, out: Path) -> tuple[dict[str, TableStat], str | None, dict[str, str]]:
    """``pg_dump -Fc`` into ``out``; returns the stats and revision of the *same* snapshot.

    The statistics are read in a REPEATABLE READ transaction whose snapshot is exported to
    pg_dump (``--snapshot``), so the manifest describes exactly what the dump holds even while
    the services keep writing.
    """
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            major, server = server_version(conn)
            path, version = tool("pg_dump", major)
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            uri, env = libpq_target(engine.url)
            _run(
                [
                    path,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={out}",
                    f"--dbname={uri}",
                ],
                env,
                "pg_dump",
            )
            stats = database_stats(conn)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return stats, revision, {"postgres_server": server, "pg_dump": version}


def _quote(engine: Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def restore(engine: Engine, dump_file: Path, expected: dict[str, TableStat]) -> None:
    """Restore into a new database, verify it, upgrade it, then swap it in by renaming.

    The current database is renamed away and dropped only after the new one took its name;
    if anything fails before the swap the current database is untouched. Raises
    PublisherError (tools, verification). Needs the CREATEDB right (the compose stack's
    database owner has it).
    """
    target = engine.url.database
    assert target
    admin = create_engine(engine.url.set(database=MAINTENANCE_DB), isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    tmp_name = f"{target[:40]}_restore_{suffix}"
    old_name = f"{target[:40]}_old_{suffix}"
    try:
        with admin.connect() as conn:
            major, _ = server_version(conn)
            path, _ = tool("pg_restore", major)
            conn.execute(text(f"CREATE DATABASE {_quote(admin, tmp_name)}"))
        swapped = False
        try:
            tmp_url = engine.url.set(database=tmp_name)
            uri, env = libpq_target(tmp_url)
            _run(
                [
                    path,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={uri}",
                    str(dump_file),
                ],
                env,
                "pg_restore",
            )
            tmp_engine = create_engine(tmp_url)
            try:
                with tmp_engine.connect() as tconn:
                    differs = first_difference(expected, database_stats(tconn))
                if differs is not None:
                    raise PublisherError("ops.restore_mismatch", table=differs)
                migrate.upgrade(tmp_engine)
            finally:
                tmp_engine.dispose()
            reset_engines()
            engine.dispose()
            _swap(admin, target, tmp_name, old_name)
            swapped = True
        finally:
            if not swapped:
                with admin.connect() as conn:
                    conn.execute(
                        text(f"DROP DATABASE IF EXISTS {_quote(admin, tmp_name)} WITH (FORCE)")
                    )
    finally:
        admin.dispose()


def _swap(admin: Engine, target: str, tmp_name: str, old_name: str) -> None:
    q = _quote
    with admin.connect() as conn:
        # Renaming needs the database idle: close what is left of the stopped services.
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": target},
        )
        conn.execute(text(f"ALTER DATABASE {q(admin, target)} RENAME TO {q(admin, old_name)}"))
        try:
            conn.execute(text(f"ALTER DATABASE {q(admin, tmp_name)} RENAME TO {q(admin, target)}"))
        except Exception:
            conn.execute(text(f"ALTER DATABASE {q(admin, old_name)} RENAME TO {q(admin, target)}"))
            raise
        conn.execute(text(f"DROP DATABASE {q(admin, old_name)} WITH (FORCE)"))

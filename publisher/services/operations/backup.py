"""Backups: the database and the media store in one archive, with a manifest of checksums.

Archive layout (an uncompressed tar: media is already compressed, and so is ``pg_dump -Fc``)::

    manifest.json                 format, versions, revision, rows + checksum per table,
                                  sha256 + size of every other file
    database/publisher.db         SQLite: a consistent copy made with the online backup API
    database/publisher.dump       PostgreSQL: pg_dump custom format, same snapshot as the manifest
    media/...                     the media store (data_dir/media)

``restore`` refuses an archive whose files do not match the manifest, whose schema revision
this code does not know (made by a newer version), or made from the other kind of database;
it restores into a temporary place, verifies row counts and checksums there, and only then
swaps it in (the SQLite backup API into the live file; a database rename on PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from publisher import migrate
from publisher.config import get_settings
from publisher.db import get_engine, reset_engines
from publisher.errors import Conflict, InvalidInput, PublisherError
from publisher.fsmodes import FILE_MODE, private_dir
from publisher.services.operations import pgtools
from publisher.services.operations.tablestats import (
    TableStat,
    database_stats,
    first_difference,
    total_rows,
)
from publisher.timeutil import utcnow

FORMAT = "r57-publisher-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/publisher.db"
PG_MEMBER = "database/publisher.dump"
_CHUNK = 1 << 20


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith("media/"))


@dataclass
class RestoreResult:
    revision: str
    rows: int
    media_files: int
    #: False when the archive was made under another secret key (credentials unreadable).
    key_matches: bool | None


# --- helpers ----------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("r57-publisher")
    except PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        if pyproject.exists():
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        return "unknown"


def key_fingerprint(secret: str | None) -> str | None:
    """A short, one-way fingerprint telling whether two installations share the secret key."""
    if not secret:
        return None
    return hashlib.sha256(b"r57-publisher-key-fingerprint:" + secret.encode()).hexdigest()[:16]


def _media_files(media_dir: Path) -> Iterator[tuple[str, Path]]:
    if not media_dir.is_dir():
        return
    for path in sorted(media_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield "media/" + path.relative_to(media_dir).as_posix(), path


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("ops.database_url_invalid", url=str(engine.url))
    return Path(database)


def _stats_of_sqlite_file(path: Path) -> tuple[dict[str, TableStat], str | None]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return database_stats(conn), migrate.current_revision(engine)
    finally:
        engine.dispose()


# --- backup -----------------------------------------------------------------------------------
def backup(out_path: str | Path, *, engine: Engine | None = None) -> BackupResult:
    """Write a backup archive of the database and the media store to ``out_path``.

    Safe while the services run. Raises Conflict if ``out_path`` exists; PublisherError when
    pg_dump is missing, too old for the server, or fails.
    """
    out = Path(out_path).expanduser().resolve()
    if out.exists():
        raise Conflict("ops.backup_exists", path=str(out))
    engine = engine or get_engine()
    settings = get_settings()
    from publisher.security import load_secret

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "app_version": app_version(),
        "python": platform.python_version(),
        "backend": engine.dialect.name,
        "key_fingerprint": key_fingerprint(load_secret()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent) as tmpdir:
        work = Path(tmpdir)
        if engine.dialect.name == "sqlite":
            db_file = work / "publisher.db"
            src = sqlite3.connect(_sqlite_path(engine))
            dst = sqlite3.connect(db_file)
            try:
                src.backup(dst)  # one consistent copy, writers keep working (WAL)
            finally:
                dst.close()
                src.close()
            stats, revision = _stats_of_sqlite_file(db_file)
            manifest["sqlite_version"] = sqlite3.sqlite_version
            member = SQLITE_MEMBER
        else:
            db_file = work / "publisher.dump"
            stats, revision, versions = pgtools.dump(engine, db_file)
            manifest.update(versions)
            member = PG_MEMBER
        manifest["revision"] = revision
        manifest["tables"] = {name: s.as_dict() for name, s in stats.items()}
        files: dict[str, dict[str, Any]] = {
            member: {"sha256": sha256_file(db_file), "bytes": db_file.stat().st_size}
        }
        media = list(_media_files(settings.media_dir))
        for name, path in media:
            files[name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        manifest["files"] = files
        manifest_file = work / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        partial = work / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(db_file, arcname=member)
            for name, path in media:
                tar.add(path, arcname=name)
        # Private like the database it holds, and under its name only when complete.
        os.chmod(partial, FILE_MODE)
        os.replace(partial, out)
    return BackupResult(out, manifest)


# --- restore ----------------------------------------------------------------------------------
def _check_member_name(name: str) -> None:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in name:
        raise PublisherError("ops.archive_unsafe", name=name)


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path) -> None:
    """Write one checked member (a regular file or a directory) under ``into``.

    By hand rather than ``extractall(filter="data")``: the ``filter`` argument arrived in Python
    3.11.4 and Debian 12 ships 3.11.2, so this one code path runs on every supported version.
    Only names, directories and file contents are taken from the archive: no links, devices,
    owners, permission bits or times (files get the process's default mode, so no set-id or
    executable bits come from the archive).
    """
    target = into.joinpath(*PurePosixPath(member.name).parts)
    if not target.resolve().is_relative_to(into.resolve()):
        raise PublisherError("ops.archive_unsafe", name=member.name)
    if member.isdir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - a regular file always has a stream
        raise PublisherError("ops.archive_unsafe", name=member.name)
    with source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, _CHUNK)


def read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``into`` and check it against its manifest.

    Raises PublisherError: unreadable, unsafe names, missing/extra/corrupted files, an unknown
    format or a schema revision this code does not know.
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for m in members:
                _check_member_name(m.name)
                if not (m.isfile() or m.isdir()):
                    raise PublisherError("ops.archive_unsafe", name=m.name)
            for m in members:
                _extract_member(tar, m, into)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PublisherError(
            "ops.archive_unreadable", path=str(archive), detail=str(exc)[:200]
        ) from None
    manifest_file = into / MANIFEST
    if not manifest_file.is_file():
        raise PublisherError("ops.archive_incomplete", name=MANIFEST)
    try:
        manifest: dict[str, Any] = json.loads(manifest_file.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PublisherError(
            "ops.archive_unreadable", path=str(archive), detail=str(exc)[:200]
        ) from None
    if manifest.get("format") != FORMAT:
        raise PublisherError(
            "ops.archive_format", found=str(manifest.get("format")), expected=FORMAT
        )
    files: dict[str, dict[str, Any]] = manifest.get("files") or {}
    present = {m.name for m in members if m.isfile()} - {MANIFEST}
    for name in sorted(present - set(files)):
        raise PublisherError("ops.archive_extra", name=name)
    for name, info in sorted(files.items()):
        path = into / name
        if name not in present or not path.is_file():
            raise PublisherError("ops.archive_incomplete", name=name)
        if path.stat().st_size != info.get("bytes") or sha256_file(path) != info.get("sha256"):
            raise PublisherError("ops.archive_corrupt", name=name)
    from publisher.services.operations.health import known_revisions

    revision = manifest.get("revision")
    if not revision or revision not in known_revisions():
        raise PublisherError("ops.archive_revision_newer", revision=str(revision))
    return manifest


def _expected_stats(manifest: dict[str, Any]) -> dict[str, TableStat]:
    return {
        name: TableStat(int(v["rows"]), str(v["sha256"])) for name, v in manifest["tables"].items()
    }


def _target_rows(engine: Engine) -> int:
    """Rows in the application tables of ``engine``'s database (0 when not migrated)."""
    from sqlalchemy import func, inspect, select

    from publisher.services.operations.tablestats import tables

    with engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
        return sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in tables()
            if t.name in existing
        )


def restore(
    archive: str | Path, *, engine: Engine | None = None, force: bool = False
) -> RestoreResult:
    """Replace the database and the media store with the contents of ``archive``.

    Stop the scheduler, executors, ui and api first. Refuses (PublisherError, nothing
    changed) a corrupted or mismatched archive, or a target holding data unless ``force``.
    An archive from an older schema revision is upgraded after the restore.
    """
    path = Path(archive).expanduser().resolve()
    if not path.is_file():
        raise PublisherError("ops.archive_unreadable", path=str(path), detail="not a file")
    engine = engine or get_engine()
    settings = get_settings()
    private_dir(settings.data_dir)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as tmpdir:
        work = Path(tmpdir)
        manifest = read_archive(path, work)
        backend = engine.dialect.name
        if manifest.get("backend") != backend:
            raise PublisherError(
                "ops.archive_backend", found=str(manifest.get("backend")), target=backend
            )
        rows = 0 if force else _target_rows(engine)
        if rows:
            raise Conflict("ops.restore_not_empty", rows=rows)
        expected = _expected_stats(manifest)
        if backend == "sqlite":
            _restore_sqlite(engine, work / SQLITE_MEMBER, expected)
        else:
            pgtools.restore(engine, work / PG_MEMBER, expected)
        _swap_media(work / "media", settings.media_dir, work)
    reset_engines()
    from publisher.security import load_secret

    load_secret.cache_clear()
    fingerprint = manifest.get("key_fingerprint")
    current = key_fingerprint(load_secret())
    return RestoreResult(
        revision=str(manifest["revision"]),
        rows=total_rows(expected),
        media_files=sum(1 for n in manifest["files"] if n.startswith("media/")),
        key_matches=None if fingerprint is None or current is None else fingerprint == current,
    )


def _restore_sqlite(engine: Engine, snapshot: Path, expected: dict[str, TableStat]) -> None:
    stats, _ = _stats_of_sqlite_file(snapshot)
    differs = first_difference(expected, stats)
    if differs is not None:
        raise PublisherError("ops.restore_mismatch", table=differs)
    # Upgrade the copy, not the live file: an older archive joins the current schema first.
    upgrade_engine = create_engine(f"sqlite:///{snapshot}")
    try:
        migrate.upgrade(upgrade_engine)
    finally:
        upgrade_engine.dispose()
    live = _sqlite_path(engine)
    reset_engines()
    engine.dispose()
    src = sqlite3.connect(snapshot)
    dst = sqlite3.connect(live, timeout=30)
    try:
        # The backup API writes the whole copy in one transaction of the live database:
        # readers see the old data or the new, never a mix, and a failure changes nothing.
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _swap_media(new_media: Path, media_dir: Path, work: Path) -> None:
    if not new_media.exists():
        new_media.mkdir(parents=True)
    media_dir.parent.mkdir(parents=True, exist_ok=True)
    old = work / "media-old"
    if media_dir.exists():
        os.replace(media_dir, old)
    try:
        os.replace(new_media, media_dir)
    except OSError:
        if old.exists():
            os.replace(old, media_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def verify_database(engine: Engine, manifest: dict[str, Any]) -> str | None:
    """The first table that differs between ``engine``'s database and ``manifest``, or None."""
    with engine.connect() as conn:
        return first_difference(_expected_stats(manifest), database_stats(conn))

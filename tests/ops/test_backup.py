"""Backup and restore: a round trip loses nothing; bad archives are refused, nothing changed."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from publisher.db import get_engine, session_scope
from publisher.errors import Conflict, PublisherError
from publisher.models import Channel, Organisation
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.operations import backup as backup_svc
from publisher.services.operations.tablestats import database_stats
from publisher.services.publishing.channels import channel_config
from tests.factories import ADMIN
from tests.ops.conftest import media_snapshot, pg_databases, populate


def stats_now() -> dict[str, Any]:
    with get_engine().connect() as conn:
        return {name: s.as_dict() for name, s in database_stats(conn).items()}


def rewrite_archive(src: Path, dst: Path, edit: Any) -> None:
    """Copy ``src`` to ``dst`` with ``edit(name, data) -> data | None`` applied per member."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for member in tin.getmembers():
            data = tin.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            new = edit(member.name, data)
            if new is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(new)
            tout.addfile(info, io.BytesIO(new))


def test_round_trip_restores_every_row_and_file(db: Any, clock: Any, tmp_path: Path) -> None:
    populate(db.data_dir)
    before_stats = stats_now()
    before_media = media_snapshot(db.data_dir)
    assert sum(t["rows"] for t in before_stats.values()) > 40

    result = backup_svc.backup(tmp_path / "office.tar")
    assert result.manifest["tables"] == before_stats
    assert result.manifest["backend"] == {"sqlite": "sqlite", "postgres": "postgresql"}[db.backend]
    assert result.media_files == 3

    # Change everything after the backup: new rows, a changed secret, lost and new media.
    with session_scope() as s:
        orgs_svc.create_org(s, ADMIN, "UBND xã Phú Hữu", slug="xa-phu-huu", kind="commune")
        channel = s.exec(select(Channel)).first()
        assert channel is not None
        channel.name = "đổi tên"
        s.add(channel)
    (db.data_dir / "media" / "ab" / "abcdef.jpg").unlink()
    (db.data_dir / "media" / "new.png").write_bytes(b"new")
    assert stats_now() != before_stats

    restored = backup_svc.restore(tmp_path / "office.tar", force=True)
    assert restored.rows == sum(t["rows"] for t in before_stats.values())
    assert restored.key_matches is True
    assert stats_now() == before_stats
    assert media_snapshot(db.data_dir) == before_media
    with session_scope(readonly=True) as s:
        slugs = {o.slug for o in s.exec(select(Organisation))}
        assert "xa-phu-huu" not in slugs
        # Credentials survive and still decrypt under the installation's key.
        tokens = {c.name: channel_config(c).credentials for c in s.exec(select(Channel))}
    assert tokens["Kênh Telegram"] == {"bot_token": "123456:TEST-token"}
    # The restored database keeps working: ids continue after the restored ones.
    with session_scope() as s:
        org = orgs_svc.create_org(s, ADMIN, "UBND phường Long Bình", slug="long-binh")
        assert org.id is not None and org.id > 1
    # The audit log's triggers came along: the restored log is still append-only.
    refused = ["DELETE FROM auditevent"]
    if db.backend == "postgres":
        refused.append("TRUNCATE auditevent")
    for statement in refused:
        with pytest.raises(DatabaseError, match="append-only"), get_engine().begin() as conn:
            conn.execute(text(statement))
    if db.backend == "postgres":
        leftovers = {n for n in pg_databases() if "_restore_" in n or "_old_" in n}
        assert leftovers == set()


def test_restore_refuses_a_database_holding_data_without_force(
    db: Any, clock: Any, tmp_path: Path
) -> None:
    populate(db.data_dir)
    backup_svc.backup(tmp_path / "b.tar")
    with session_scope() as s:
        orgs_svc.create_org(s, ADMIN, "Sở Nội vụ", slug="so-noi-vu")
    before = stats_now()
    with pytest.raises(Conflict) as err:
        backup_svc.restore(tmp_path / "b.tar")
    assert "--force" in err.value.message("vi")
    assert stats_now() == before


def test_backup_refuses_to_overwrite_an_existing_file(db: Any, tmp_path: Path) -> None:
    out = tmp_path / "exists.tar"
    out.write_bytes(b"keep me")
    with pytest.raises(Conflict):
        backup_svc.backup(out)
    assert out.read_bytes() == b"keep me"


def _corrupt_media(name: str, data: bytes) -> bytes:
    if name == "media/fitted/facebook/1.mp4":
        return data[:-1] + bytes([data[-1] ^ 0xFF])
    return data


def _future_revision(name: str, data: bytes) -> bytes:
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["revision"] = "9999_from_the_future"
        return json.dumps(manifest).encode()
    return data


def _drop_database(name: str, data: bytes) -> bytes | None:
    return None if name.startswith("database/") else data


def _other_backend(name: str, data: bytes) -> bytes:
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["backend"] = "oracle"
        return json.dumps(manifest).encode()
    return data


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (_corrupt_media, "ops.archive_corrupt"),
        (_future_revision, "ops.archive_revision_newer"),
        (_drop_database, "ops.archive_incomplete"),
        (_other_backend, "ops.archive_backend"),
    ],
)
def test_restore_refuses_a_bad_archive_and_changes_nothing(
    db: Any, clock: Any, tmp_path: Path, edit: Any, key: str
) -> None:
    populate(db.data_dir)
    good = tmp_path / "good.tar"
    backup_svc.backup(good)
    bad = tmp_path / "bad.tar"
    rewrite_archive(good, bad, edit)
    before, media = stats_now(), media_snapshot(db.data_dir)
    with pytest.raises(PublisherError) as err:
        backup_svc.restore(bad, force=True)
    assert err.value.key == key
    assert stats_now() == before
    assert media_snapshot(db.data_dir) == media
    assert not list(db.data_dir.glob(".restore-*"))


def test_restore_refuses_truncated_archive_and_stray_or_unsafe_members(
    db: Any, clock: Any, tmp_path: Path
) -> None:
    populate(db.data_dir)
    good = tmp_path / "good.tar"
    backup_svc.backup(good)
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(PublisherError) as err:
        backup_svc.restore(truncated, force=True)
    assert err.value.key in ("ops.archive_unreadable", "ops.archive_incomplete")

    stray = tmp_path / "stray.tar"
    rewrite_archive(good, stray, lambda n, d: d)
    with tarfile.open(stray, "a") as tar:
        info = tarfile.TarInfo("media/planted.sh")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"rm!"))
    with pytest.raises(PublisherError) as err:
        backup_svc.restore(stray, force=True)
    assert err.value.key == "ops.archive_extra"

    unsafe = tmp_path / "unsafe.tar"
    rewrite_archive(good, unsafe, lambda n, d: d)
    with tarfile.open(unsafe, "a") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(PublisherError) as err:
        backup_svc.restore(unsafe, force=True)
    assert err.value.key == "ops.archive_unsafe"
    assert not (tmp_path / "escape.txt").exists()
    assert not (db.data_dir / "escape.txt").exists()


@pytest.mark.parametrize(
    ("name", "kind", "linkname"),
    [
        ("{case}/absolute.txt", tarfile.REGTYPE, ""),
        ("media/../../escape.txt", tarfile.REGTYPE, ""),
        ("media\\..\\escape.txt", tarfile.REGTYPE, ""),
        ("media/link", tarfile.SYMTYPE, "{case}/escape.txt"),
        ("media/up", tarfile.SYMTYPE, "../.."),
        ("media/hard", tarfile.LNKTYPE, "manifest.json"),
        ("media/fifo", tarfile.FIFOTYPE, ""),
        ("media/dev", tarfile.CHRTYPE, ""),
    ],
    ids=["absolute", "dotdot", "backslash", "symlink-out", "symlink-up", "hardlink", "fifo", "dev"],
)
def test_read_archive_refuses_every_unsafe_member_and_writes_nothing(
    db: Any, clock: Any, tmp_path: Path, name: str, kind: bytes, linkname: str
) -> None:
    populate(db.data_dir)
    case = tmp_path / "case"
    into = case / "into"
    into.mkdir(parents=True)
    good, bad = case / "good.tar", case / "bad.tar"
    backup_svc.backup(good)
    rewrite_archive(good, bad, lambda n, d: d)
    with tarfile.open(bad, "a") as tar:
        info = tarfile.TarInfo(name.format(case=case))
        info.type, info.linkname = kind, linkname.format(case=case)
        data = b"x" if kind == tarfile.REGTYPE else b""
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data) if data else None)
    with pytest.raises(PublisherError) as err:
        backup_svc.read_archive(bad, into)
    assert err.value.key == "ops.archive_unsafe"
    # Checked before anything is written: no member, inside or outside the target.
    assert list(into.iterdir()) == []
    assert sorted(p.name for p in case.iterdir()) == ["bad.tar", "good.tar", "into"]


def test_read_archive_keeps_contents_only_not_modes(db: Any, clock: Any, tmp_path: Path) -> None:
    """Setuid/executable bits and owners in an archive are not carried onto the disk."""
    populate(db.data_dir)
    good = tmp_path / "good.tar"
    backup_svc.backup(good)
    moded = tmp_path / "moded.tar"
    with tarfile.open(good) as tin, tarfile.open(moded, "w") as tout:
        for member in tin.getmembers():
            member.mode = 0o6777
            member.uid = member.gid = 0
            stream = tin.extractfile(member) if member.isfile() else None
            tout.addfile(member, stream)
    into = tmp_path / "into"
    into.mkdir()
    manifest = backup_svc.read_archive(moded, into)
    for name in manifest["files"]:
        mode = (into / name).stat().st_mode
        assert not mode & 0o7111, (name, oct(mode))


def test_read_archive_needs_no_tarfile_filter(
    db: Any, clock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Debian 12's Python 3.11.2 has no ``extractall(filter=...)`` (it arrived in 3.11.4):
    with tarfile as it is there, restore still works (issue 23)."""
    populate(db.data_dir)
    before = stats_now()
    backup_svc.backup(tmp_path / "b.tar")
    original = tarfile.TarFile.extractall

    def extractall_3112(
        self: tarfile.TarFile, path: Any = ".", members: Any = None, *, numeric_owner: bool = False
    ) -> None:
        original(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.setattr(tarfile.TarFile, "extractall", extractall_3112)
    for name in ("data_filter", "tar_filter", "fully_trusted_filter", "FilterError"):
        monkeypatch.delattr(tarfile, name, raising=False)
    with session_scope() as s:
        orgs_svc.create_org(s, ADMIN, "Sở Nội vụ", slug="so-noi-vu")
    restored = backup_svc.restore(tmp_path / "b.tar", force=True)
    assert restored.rows == sum(t["rows"] for t in before.values())
    assert stats_now() == before


def test_restore_reports_a_backup_made_under_another_key(
    db: Any, clock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher.config import get_settings
    from publisher.security import load_secret

    populate(db.data_dir)
    backup_svc.backup(tmp_path / "b.tar")
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "another-installation-key-000")
    get_settings.cache_clear()
    load_secret.cache_clear()
    result = backup_svc.restore(tmp_path / "b.tar", force=True)
    assert result.key_matches is False


def test_backup_while_another_process_writes_is_consistent(
    db: Any, clock: Any, tmp_path: Path
) -> None:
    """The manifest describes exactly the snapshot in the archive even while rows arrive
    (SQLite online backup API; PostgreSQL exported snapshot shared with pg_dump)."""
    import threading

    populate(db.data_dir)
    with session_scope(readonly=True) as s:
        start = len(list(s.exec(select(Organisation))))
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        for i in range(400):  # bounded: stops by itself even if the backup is quick
            if stop.is_set():
                return
            with session_scope() as s:
                orgs_svc.create_org(s, ADMIN, f"Xã số {i}", slug=f"xa-{i}", kind="commune")
            written.append(i)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:  # the writer is under way before the backup starts
            thread.join(0.01)
        result = backup_svc.backup(tmp_path / "live.tar")
    finally:
        stop.set()
        thread.join()
    orgs_in_backup = result.manifest["tables"]["organisation"]["rows"]
    assert start + 5 <= orgs_in_backup <= start + len(written)
    restored = backup_svc.restore(tmp_path / "live.tar", force=True)  # verifies every table
    assert restored.rows == sum(t["rows"] for t in result.manifest["tables"].values())
    with session_scope(readonly=True) as s:
        assert len(list(s.exec(select(Organisation)))) == orgs_in_backup

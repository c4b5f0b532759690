"""Input and error hygiene (issue 14, item 5): what the corpus cannot express as one file.

Ids beyond the integer range on both backends, a corrupt database file, KPI targets that are
not numbers (and such a row already stored, then moved to PostgreSQL), migrate-db targets,
file modes of what real commands create, and media files of a refused post.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import get_engine, make_engine, reset_engines, session_scope
from publisher.errors import InvalidInput, PublisherError
from publisher.models import KeyValue, MediaAsset
from publisher.services.insight import kpi
from publisher.services.operations import dbcopy
from publisher.services.publishing import posts as posts_svc
from publisher.services.studio import library as media_svc
from tests.factories import ADMIN, make_office, telegram_channel
from tests.reliability.test_corpus import template


def one_line(args: list[str], key: str | None = None) -> str:
    """Run the CLI; it must fail with exactly one line (of ``key`` when given)."""
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"crashed: {result.exception!r}"
    )
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    if key is not None:
        assert template(key).search(lines[0]), lines[0]
    return lines[0]


def png_bytes(colour: tuple[int, int, int] = (11, 61, 145)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def office(db: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    return make_office("so-khcn", channels={"tg": telegram_channel()})


# -- ids beyond the integer range -----------------------------------------------------------
@pytest.mark.parametrize("number", [2**31, 2**63, 10**20])
@pytest.mark.parametrize(
    ("command", "key"),
    [
        (["post", "show"], "error.post_not_found"),
        (["post", "approve"], "error.post_not_found"),
        (["post", "reject", "--comment", "x"], "error.post_not_found"),
        (["post", "submit"], "error.post_not_found"),
        (["post", "cancel"], "error.post_not_found"),
        (["jobs", "cancel"], "renders.error.not_found"),
        (["jobs", "retry"], "renders.error.not_found"),
        (["user", "deactivate"], None),
        (["media", "add", "--org"], None),
    ],
)
def test_an_id_beyond_the_integer_range_is_one_line_on_every_backend(
    office: Any, command: list[str], key: str | None, number: int, tmp_path: Path
) -> None:
    args = [*command, str(number)]
    if command[:2] == ["post", "reject"]:
        args = ["post", "reject", str(number), "--comment", "x"]
    if command[0] == "media":
        image = tmp_path / "a.png"
        image.write_bytes(png_bytes())
        args = ["media", "add", str(image), "--org", str(number)]
    one_line(args, key)
    assert not (Path(os.environ["PUBLISHER_DATA_DIR"]) / "media" / "objects").exists()


def test_the_row_id_check_matches_both_backends(office: Any) -> None:
    """The largest id is accepted by the driver on both backends (simply not found)."""
    with session_scope() as s, pytest.raises(PublisherError) as caught:
        posts_svc.get_post(s, ADMIN, 2**31 - 1)
    assert caught.value.key == "error.post_not_found"


# -- a corrupt database -------------------------------------------------------------------
def _corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:  # the header survives, every page after the first is noise
        data[4096:] = os.urandom(len(data) - 4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["garbage", "pages"])
@pytest.mark.parametrize(
    "command",
    [
        ["post", "list"],
        ["org", "list"],
        ["init"],
        ["kpi", "show"],
        ["campaign", "list"],
        ["backup", "--out", "{tmp}/backup.tar"],
        ["migrate-db", "--to", "sqlite:///{tmp}/copy.db"],
    ],
)
def test_a_corrupt_database_file_is_one_line_for_every_command(
    sqlite_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, command: list[str]
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    make_office("so-khcn")
    reset_engines()
    db_file = Path(sqlite_db.url.split("sqlite:///", 1)[1])
    _corrupt(db_file, how)
    one_line([a.replace("{tmp}", str(tmp_path)) for a in command], "error.database_corrupt")
    assert not (tmp_path / "backup.tar").exists()
    assert not (tmp_path / "copy.db").exists()


# -- KPI targets ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("task_coverage", math.nan),
        ("task_coverage", math.inf),
        ("national_days", -math.inf),
        ("posts_per_org_month", 0.0),
        ("posts_per_org_month", -8.0),
        ("amber_ratio", math.nan),
        ("amber_ratio", 1.5),
    ],
)
def test_a_kpi_target_must_be_a_finite_positive_number(
    office: Any, name: str, value: float
) -> None:
    with session_scope() as s, pytest.raises(InvalidInput) as caught:
        kpi.set_target(s, ADMIN, name, value)
    assert caught.value.key == "error.kpi_target_value"
    with session_scope(readonly=True) as s:
        assert s.get(KeyValue, kpi.TARGETS_KEY) is None
        assert kpi.get_targets(s) == kpi.DEFAULT_TARGETS


def _store_nan_targets() -> None:
    """What ``kpi set amber_ratio nan`` left in an SQLite database before the check."""
    with session_scope() as s:
        s.execute(
            text("INSERT INTO keyvalue (key, value) VALUES (:k, :v)"),
            {"k": kpi.TARGETS_KEY, "v": '{"amber_ratio": NaN, "task_coverage": Infinity}'},
        )
        from publisher.services.accounts import audit

        audit.record(
            s,
            ADMIN,
            "kpi.target",
            "keyvalue",
            None,
            before={},
            after={"amber_ratio": math.nan, "task_coverage": math.inf},
        )


def test_a_stored_nan_target_no_longer_turns_the_light_red(sqlite_db: Any, clock: Any) -> None:
    make_office("so-khcn")
    _store_nan_targets()
    with session_scope(readonly=True) as s:
        assert kpi.get_targets(s) == kpi.DEFAULT_TARGETS
        assert kpi.status_of(100.0, kpi.get_targets(s)["task_coverage"], 0.8) == kpi.GREEN


def test_migrate_db_moves_a_stored_nan_target_to_postgres(
    sqlite_db: Any, clock: Any, pg_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    make_office("so-khcn")
    _store_nan_targets()
    result = CliRunner().invoke(app, ["migrate-db", "--to", pg_target])
    assert result.exit_code == 0, (result.stderr, result.exception)
    target = make_engine(pg_target)
    try:
        with Session(target) as s:
            row = s.get(KeyValue, kpi.TARGETS_KEY)
            assert row is not None
            assert row.value == {"amber_ratio": "NaN", "task_coverage": "Infinity"}
            assert kpi.get_targets(s) == kpi.DEFAULT_TARGETS
    finally:
        target.dispose()


# -- migrate-db targets ---------------------------------------------------------------------
def test_migrate_db_refuses_a_target_in_a_missing_folder_and_creates_nothing(
    sqlite_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    make_office("so-khcn")
    one_line(
        ["migrate-db", "--to", f"sqlite:///{tmp_path}/nowhere/copy.db"], "ops.migrate_target_place"
    )
    assert not (tmp_path / "nowhere").exists()


def test_a_failed_copy_leaves_no_target_file(
    sqlite_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    make_office("so-khcn")

    def refuse(*_args: Any) -> int:
        raise PublisherError("ops.migrate_verify_failed", table="post")

    monkeypatch.setattr(dbcopy, "_copy_table", refuse)
    one_line(["migrate-db", "--to", f"sqlite:///{tmp_path}/copy.db"], "ops.migrate_verify_failed")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []


def test_migrate_db_refuses_an_existing_sqlite_database_holding_data(
    sqlite_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    make_office("so-khcn")
    other = tmp_path / "other.db"
    dbcopy.copy_database(get_engine(), f"sqlite:///{other}")
    before = other.read_bytes()
    one_line(["migrate-db", "--to", f"sqlite:///{other}"], "ops.migrate_target_not_empty")
    assert other.read_bytes() == before


# -- file modes -----------------------------------------------------------------------------
def _modes(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (itself included) that others may read."""
    loose = {}
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            loose[str(path.relative_to(root.parent))] = oct(mode)
    return loose


def test_real_commands_create_private_files_under_a_lax_umask(tmp_path: Path) -> None:
    """init, media add, post create, backup and render run as real processes started with
    umask 022: the data dir, database, key, media, backup and render are private."""
    data = tmp_path / "srv" / "data"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PUBLISHER_") and k != "PYTEST_CURRENT_TEST"
    }
    env.update(PUBLISHER_DATA_DIR=str(data), PUBLISHER_LANGUAGE="en")
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "publisher", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=lambda: os.umask(0o022),  # the lax default the commands must not keep
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)

    run("init")
    run("media", "add", str(image), "--org", "so-khoa-hoc-va-cong-nghe")
    run(
        "channel",
        "add",
        "--kind",
        "telegram",
        "--name",
        "tg",
        "--chat-id",
        "@khcn_tinh",
        "--token",
        "1:a",
    )
    soon = (datetime.now(UTC) + timedelta(days=30)).strftime("%d/%m/%Y 08:00")  # real clock
    run("post", "create", "--text", "Tin", "--channel", "tg", "--at", soon)
    run("backup", "--out", str(tmp_path / "backups" / "office.tar"))
    run("render", "infographic", "--out", str(tmp_path / "renders" / "card.png"), "--title", "X")
    assert (data / "secret.key").is_file() and (data / "publisher.db").is_file()
    assert list((data / "media" / "objects").rglob("*.png"))
    assert _modes(tmp_path / "srv") == {}
    assert _modes(tmp_path / "backups") == {}
    assert _modes(tmp_path / "renders") == {}


def test_the_sqlite_wal_and_shm_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db_file = tmp_path / "office" / "publisher.db"
        db_file.parent.mkdir(mode=0o755)
        db_file.touch(mode=0o644)  # as an older version left it
        engine = make_engine(f"sqlite:///{db_file}")
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE t (x INTEGER)"))
                conn.execute(text("INSERT INTO t VALUES (1)"))
            with engine.connect() as conn:  # the WAL and SHM exist while a connection lives
                conn.execute(text("SELECT * FROM t")).all()
                for suffix in ("", "-wal", "-shm"):
                    path = Path(f"{db_file}{suffix}")
                    assert path.exists(), suffix
                    assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
        finally:
            engine.dispose()
        fresh = tmp_path / "new" / "deeper" / "publisher.db"
        engine = make_engine(f"sqlite:///{fresh}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        engine.dispose()
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
        assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(fresh.parent.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)


def test_the_media_library_is_private_whatever_the_umask(tmp_path: Path) -> None:
    from media.library import MediaLibrary

    old = os.umask(0o022)
    try:
        stored = MediaLibrary(tmp_path / "media").store(png_bytes(), filename="a.png")
    finally:
        os.umask(old)
    assert stored.created
    assert _modes(tmp_path / "media") == {}


# -- media files of a refused post ----------------------------------------------------------
def _media_files() -> list[Path]:
    root = Path(os.environ["PUBLISHER_DATA_DIR"]) / "media" / "objects"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_refused_post_leaves_no_media_file_behind(office: Any, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    args = ["post", "create", "--text", "x" * 5000, "--channel", "tg"]
    one_line([*args, "--at", "10/10/2026 08:00", "--media", str(image)], "problem.text_too_long")
    assert _media_files() == []
    with session_scope(readonly=True) as s:
        assert s.exec(select(MediaAsset)).all() == []


def test_a_refused_post_keeps_a_file_the_library_already_had(office: Any, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    assert CliRunner().invoke(app, ["media", "add", str(image), "--org", "so-khcn"]).exit_code == 0
    kept = _media_files()
    assert len(kept) == 2  # the picture and its metadata
    args = ["post", "create", "--text", "x" * 5000, "--channel", "tg"]
    one_line([*args, "--at", "10/10/2026 08:00", "--media", str(image)], "problem.text_too_long")
    assert _media_files() == kept


def test_a_rolled_back_file_stays_when_another_unit_committed_the_same_content(
    db: Any, clock: Any
) -> None:
    """Two units store the same picture at once: the first rolls back after the second
    committed its row, so the content-addressed file must stay (PostgreSQL: SQLite's single
    writer cannot run the two transactions side by side)."""
    if db.backend != "postgres":
        pytest.skip("two concurrent writers need PostgreSQL")
    first_office = make_office("so-khcn")
    second_office = make_office("so-ttt")
    picture = png_bytes((200, 30, 30))
    first = Session(get_engine(), expire_on_commit=False)
    try:
        media_svc.add_file(first, ADMIN, picture, org_id=first_office.org.id, filename="a.png")
        created = _media_files()
        assert len(created) == 2
        with session_scope() as second:
            media_svc.add_file(second, ADMIN, picture, org_id=second_office.org.id)
        first.rollback()
    finally:
        first.close()
    assert _media_files() == created


@pytest.mark.parametrize("option", ["--tag", "--title"])
def test_invalid_utf8_in_a_media_tag_or_title_is_one_line_and_stores_nothing(
    office: Any, tmp_path: Path, option: str
) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    bad = b"Ng\xe0y \xff\xfe".decode("utf-8", errors="surrogateescape")
    one_line(
        ["media", "add", str(image), "--org", "so-khcn", option, bad], "error.text_invalid_utf8"
    )
    assert _media_files() == []
    with session_scope(readonly=True) as s:
        assert s.exec(select(MediaAsset)).all() == []


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["post", "show", "99999999999999999999"], "error.post_not_found"),
        (["campaign", "list", "--year", "99999"], "error.year_out_of_range"),
        (["kpi", "set", "amber_ratio", "nan"], "error.kpi_target_value"),
        (["backup", "--out", "{tmp}"], "error.out_is_directory"),
        (["migrate-db", "--to", "sqlite:////etc/passwd"], "ops.migrate_target_place"),
        (
            ["post", "create", "--text", "T\udcff", "--channel", "tg", "--at", "10/10/2026 08:00"],
            "error.text_invalid_utf8",
        ),
    ],
)
def test_the_refusals_speak_english_when_asked(
    office: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], key: str
) -> None:
    from publisher.i18n import catalogue

    monkeypatch.setenv("PUBLISHER_LANGUAGE", "en")
    from publisher.config import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    parts = re.split(r"\{[^{}]*\}", catalogue()[key][1])
    assert re.fullmatch(".*".join(re.escape(p) for p in parts), lines[0]), lines[0]

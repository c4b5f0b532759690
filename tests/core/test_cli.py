"""The real console script, end to end, on every backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import col, func, select

from publisher.db import session_scope
from publisher.errors import PublisherError
from publisher.models import AuditEvent, Channel, Post
from publisher.services.accounts import users

PUBLISHER = str(Path(sys.executable).with_name("publisher"))


def run(*args: str, lang: str = "vi", stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUBLISHER_LANGUAGE": lang}
    return subprocess.run(
        [PUBLISHER, *args], capture_output=True, text=True, env=env, timeout=120, input=stdin
    )


def add_telegram_channel() -> subprocess.CompletedProcess[str]:
    """The channel ``tg`` most tests post to."""
    return run(
        "channel",
        "add",
        "--kind",
        "telegram",
        "--name",
        "tg",
        "--chat-id",
        "@khcn_tinh",
        "--token",
        "123456:token-x",
    )


def stored_rows() -> tuple[int, int]:
    """How many posts and channels the database holds."""
    with session_scope() as s:
        return (
            s.exec(select(func.count()).select_from(Post)).one(),
            s.exec(select(func.count()).select_from(Channel)).one(),
        )


def _init() -> dict:
    result = run("init", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def initialised(db):
    return _init()


@pytest.fixture
def initialised_sqlite(sqlite_db):
    """Error handling does not depend on the backend: these run on SQLite only."""
    return _init()


def test_init_prints_the_admin_password_once(initialised):
    assert initialised["admin"] == "admin" and len(initialised["admin_password"]) >= 12
    again = json.loads(run("init", "--json").stdout)
    assert again["admin_password"] is None and again["campaigns_added"] == 0


def test_channel_add_post_create_and_show(initialised):
    added = run(
        "channel",
        "add",
        "--kind",
        "telegram",
        "--name",
        "tg-so",
        "--chat-id",
        "@khcn_dongnai",
        "--token",
        "123456:ABC-secret-token",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    assert "ABC-secret-token" not in added.stdout  # masked
    created = run(
        "post",
        "create",
        "--text",
        "Chào mừng Ngày Chuyển đổi số 10/10",
        "--channel",
        "tg-so",
        "--at",
        "10/10/2030 08:00",
        "--approve",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    assert data["status"] == "scheduled"
    assert data["due_at"] == "2030-10-10T01:00:00+00:00"
    assert [d["channel"] for d in data["deliveries"]] == ["tg-so"]
    assert data["deliveries"][0]["status"] == "pending"
    shown = json.loads(run("post", "show", str(data["id"]), "--json").stdout)
    assert {"attempts", "external_id", "url", "last_error", "sent_at"} <= set(
        shown["deliveries"][0]
    )
    with session_scope() as s:
        labels = {e.actor_label for e in s.exec(select(AuditEvent))}
    assert "cli:admin" in labels


def test_post_with_media_file(initialised, tmp_path):
    add_telegram_channel()
    image = tmp_path / "anh.png"
    Image.new("RGB", (640, 480), (11, 61, 145)).save(image)
    created = run(
        "post",
        "create",
        "--text",
        "Ảnh",
        "--channel",
        "tg",
        "--at",
        "2030-01-01T08:00+07:00",
        "--media",
        str(image),
        "--json",
    )
    assert created.returncode == 0, created.stderr
    listed = json.loads(run("media", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["width"] == 640


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ("post", "create", "--text", "x", "--channel", "khong-co", "--at", "01/01/2030 08:00"),
            "Không tìm thấy kênh",
        ),
        (
            ("post", "create", "--text", "x", "--channel", "tg", "--at", "ngày mai"),
            "Không hiểu thời gian",
        ),
        (
            ("post", "create", "--text", "x", "--channel", "tg", "--at", "01/01/2020 08:00"),
            "đã qua",
        ),
        (
            ("post", "create", "--text", "a" * 5000, "--channel", "tg", "--at", "01/01/2030 08:00"),
            "4096",
        ),
        (("post", "create", "--text", " ", "--channel", "tg", "--at", "01/01/2030 08:00"), "trống"),
        (
            (
                "channel",
                "add",
                "--kind",
                "telegram",
                "--name",
                "tg",
                "--chat-id",
                "@khcn_xa_moi",
                "--token",
                "123456:token-y",
            ),
            "đã tồn tại",
        ),
        (("channel", "add", "--kind", "myspace", "--name", "m"), "không hợp lệ"),
        (
            (
                "channel",
                "add",
                "--kind",
                "webhook",
                "--name",
                "w",
                "--url",
                "http://169.254.169.254/latest",
                "--secret",
                "s",
            ),
            "nội bộ",
        ),
        (
            ("channel", "add", "--kind", "facebook", "--name", "fb", "--token", "t"),
            "ID trang Facebook",
        ),
        (("user", "add", "--username", "u1", "--role", "boss", "--org", "1"), "Vai trò"),
        (
            ("user", "add", "--username", "u1", "--role", "officer", "--org", "khong-co"),
            "Không tìm thấy đơn vị",
        ),
    ],
)
def test_bad_input_gets_one_clear_line_and_writes_nothing(initialised_sqlite, args, needle):
    assert add_telegram_channel().returncode == 0
    before = stored_rows()
    result = run(*args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr
    assert stored_rows() == before


def test_errors_speak_english_when_asked(initialised_sqlite):
    result = run("post", "show", "999", lang="en")
    assert result.returncode == 1
    assert result.stderr.strip() == "Post #999 not found"


def test_commands_before_init_say_to_run_init(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("PUBLISHER_DATABASE_URL", raising=False)
    result = run("post", "list")
    assert result.returncode == 1
    assert "publisher init" in result.stderr


def test_campaign_list_and_plan_json(initialised):
    add_telegram_channel()
    rows = json.loads(run("campaign", "list", "--year", "2031", "--json").stdout)
    assert [(r["slug"], r["date"]) for r in rows] == [
        ("ngay-khcn", "2031-05-18"),
        ("ngay-dmst", "2031-10-01"),
        ("ngay-cds", "2031-10-10"),
    ]
    first = json.loads(
        run("campaign", "plan", "ngay-cds", "--year", "2031", "--channel", "tg", "--json").stdout
    )
    second = json.loads(
        run("campaign", "plan", "ngay-cds", "--year", "2031", "--channel", "tg", "--json").stdout
    )
    assert len(first["created"]) == 6 and second["created"] == []
    assert len(second["existing"]) == 6


def test_user_deactivate_and_activate(initialised):
    added = run("user", "add", "--username", "lan", "--role", "officer", "--org", "1", "--json")
    assert added.returncode == 0, added.stderr
    off = run("user", "deactivate", "lan", "--json")
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["active"] is False
    listed = run("user", "list")
    assert "lan\tofficer\tngừng hoạt động" in listed.stdout.splitlines()
    assert f"{initialised['admin']}\tadmin" in listed.stdout.splitlines()
    on = run("user", "activate", "lan", lang="en")
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "User «lan» activated again."
    with session_scope() as s:
        actions = s.exec(
            select(AuditEvent.action)
            .where(col(AuditEvent.action).in_(["user.deactivate", "user.activate"]))
            .order_by(col(AuditEvent.id))
        ).all()
    assert list(actions) == ["user.deactivate", "user.activate"]


def test_the_last_admin_is_not_deactivated_and_one_line_says_why(initialised):
    result = run("user", "deactivate", initialised["admin"])
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "quản trị cuối cùng" in lines[0], result.stderr
    listed = json.loads(run("user", "list", "--json").stdout)
    assert [u["active"] for u in listed if u["username"] == initialised["admin"]] == [True]
    missing = run("user", "deactivate", "khong-co")
    assert missing.returncode == 1 and "khong-co" in missing.stderr


def _logs_in(username: str, password: str) -> bool:
    with session_scope() as s:
        try:
            users.authenticate(s, username, password)
        except PublisherError:
            return False
    return True


def test_user_password_generate_prints_a_new_password_once(initialised):
    assert (
        run("user", "add", "--username", "lan", "--role", "officer", "--org", "1").returncode == 0
    )
    result = run("user", "password", "lan", "--generate", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["username"] == "lan" and len(data["password"]) >= 12
    assert _logs_in("lan", data["password"])
    human = run("user", "password", "lan", "--generate")
    assert human.returncode == 0, human.stderr
    [line] = human.stdout.strip().splitlines()
    password = line.rsplit(": ", 1)[1]
    assert line.startswith("Đã đặt mật khẩu mới cho «lan» (chỉ hiển thị lần này)")
    assert _logs_in("lan", password) and not _logs_in("lan", data["password"])
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()
    assert [e.actor_label for e in events] == ["cli:admin", "cli:admin"]
    assert all(password not in str(e.after) for e in events)


def test_user_password_stdin_reads_the_first_line_and_never_prints_it(initialised):
    run("user", "add", "--username", "lan", "--role", "editor", "--org", "1")
    result = run("user", "password", "lan", "--stdin", stdin="mật khẩu mới 2026\nrest\n")
    assert result.returncode == 0, result.stderr
    assert "mật khẩu mới 2026" not in result.stdout
    assert "«lan»" in result.stdout and "kết thúc" in result.stdout
    assert _logs_in("lan", "mật khẩu mới 2026")
    english = run("user", "password", "lan", "--stdin", "--json", lang="en", stdin="x" * 20)
    assert json.loads(english.stdout) == {"id": json.loads(english.stdout)["id"], "username": "lan"}
    assert _logs_in("lan", "x" * 20)


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (("user", "password", "lan"), "", "--generate"),
        (("user", "password", "lan", "--generate", "--stdin"), "", "--stdin"),
        (("user", "password", "khong-co", "--generate"), "", "Không tìm thấy tài khoản «khong-co»"),
        (("user", "password", "lan", "--stdin"), "ngan\n", "ít nhất 8 ký tự"),
        (("user", "password", "lan", "--stdin"), "", "ít nhất 8 ký tự"),
        (("user", "password", "lan", "--stdin"), "lan\n", "ít nhất 8 ký tự"),
    ],
)
def test_user_password_errors_are_one_line_and_change_nothing(
    initialised_sqlite, args, stdin, needle
):
    run(
        "user",
        "add",
        "--username",
        "lan",
        "--role",
        "officer",
        "--org",
        "1",
        "--password",
        "mat khau cu 1",
    )
    result = run(*args, stdin=stdin)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _logs_in("lan", "mat khau cu 1")


def test_user_password_refuses_the_username_in_english(initialised_sqlite):
    run("user", "add", "--username", "lan.officer", "--role", "officer", "--org", "1")
    result = run("user", "password", "lan.officer", "--stdin", lang="en", stdin="lan.officer\n")
    assert result.returncode == 1
    assert result.stderr.strip() == "The password must not be the username"


def test_an_upgrade_s_leftover_ui_pages_folder_is_removed_but_not_one_with_sources(
    tmp_path: Path,
) -> None:
    """Streamlit serves any ``pages/`` beside app.py as its own multipage app: an upgraded
    checkout's ``ui/pages/__pycache__`` must not bring that back."""
    from publisher.cli.ui import drop_stale_pages_dir

    cache = tmp_path / "pages" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "calendar.cpython-311.pyc").write_bytes(b"\0")
    drop_stale_pages_dir(tmp_path)
    assert not (tmp_path / "pages").exists()
    own = tmp_path / "pages"
    own.mkdir()
    (own / "mine.py").write_text("x = 1\n")
    drop_stale_pages_dir(tmp_path)
    assert (own / "mine.py").exists()

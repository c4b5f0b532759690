"""The contract: ``publisher bulletin make`` and ``publisher channel add --kind grassroots``,
through the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from media.tts import espeak_path
from publisher.db import session_scope
from publisher.services.publishing import posts
from tests.factories import make_office, webhook_channel

PUBLISHER = str(Path(sys.executable).with_name("publisher"))
needs_espeak = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUBLISHER_LANGUAGE": "vi"}
    return subprocess.run([PUBLISHER, *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture
def office(sqlite_db: Any, clock: Any) -> Any:
    return make_office("xa-tan-phong", channels={"hook": webhook_channel()})


def post(office: Any, clock: Any, text: str, *, approve: bool = True) -> int:
    with session_scope() as s:
        p = posts.compose(
            s,
            office.actor("officer"),
            posts.PostInput(text=text, title="", channels=["hook"], due_at=clock.now()),
        )
        assert p.id is not None
        posts.submit(s, office.actor("officer"), p.id)
        if approve:
            posts.approve(s, office.actor("editor"), p.id)
        return p.id


@needs_espeak
def test_bulletin_make_reports_duration_loudness_and_script(
    office: Any, clock: Any, tmp_path: Path
) -> None:
    ids = [
        post(office, clock, "UBND xã tổ chức Ngày KH&CN 18/5/2026 với 120 người."),
        post(office, clock, "Tỷ lệ hộ dùng dịch vụ công trực tuyến đạt 75%."),
    ]
    out = tmp_path / "ban-tin.mp3"

    result = run(
        "bulletin", "make", "--post", str(ids[0]), "--post", str(ids[1]),
        "--day", "10/10/2026", "--out", str(out), "--json",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["posts"] == ids
    assert 10 < data["duration_s"] < 120
    assert -24.5 < data["loudness_lufs"] < -21.5
    assert data["bitrate_kbps"] == 64 and data["voice"] == "espeak"
    assert "Ủy ban nhân dân" in data["script"] and "bảy mươi lăm phần trăm" in data["script"]
    assert "mười tháng mười năm hai nghìn không trăm hai mươi sáu" in data["script"]
    assert out.stat().st_size == data["bytes"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--out", "{tmp}/b.mp3"], "Chọn bài"),
        (["--post", "{draft}", "--out", "{tmp}/b.mp3"], "chưa được duyệt"),
        (["--post", "999999", "--out", "{tmp}/b.mp3"], "999999"),
        (["--post", "{ok}", "--voice", "robot", "--out", "{tmp}/b.mp3"], "robot"),
        (["--post", "{ok}", "--voice", "provider", "--out", "{tmp}/b.mp3"], "PUBLISHER_TTS_URL"),
        (["--post", "{ok}", "--out", "{tmp}/b.wav"], ".mp3"),
        (["--post", "{ok}", "--recording", "{tmp}/notes.txt", "--out", "{tmp}/b.mp3"], "ghi âm"),
    ],
    ids=["no-source", "not-approved", "unknown", "bad-voice", "provider-unset", "not-mp3",
         "not-audio"],
)  # fmt: skip
def test_bad_bulletin_input_is_one_vietnamese_line_and_no_file(
    office: Any, clock: Any, tmp_path: Path, args: list[str], words: str
) -> None:
    (tmp_path / "notes.txt").write_text("không phải âm thanh")
    values = {
        "tmp": str(tmp_path),
        "ok": str(post(office, clock, "Tin đã duyệt.")),
        "draft": str(post(office, clock, "Tin chờ duyệt.", approve=False)),
    }

    result = run("bulletin", "make", *[a.format(**values) for a in args])

    assert result.returncode == 1
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("b.*"))


def test_channel_add_takes_a_drop_folder_or_a_signed_upload_url(
    office: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "loa"
    folder.mkdir()

    by_folder = run(
        "channel", "add", "--kind", "grassroots", "--name", "loa-xa", "--org", "xa-tan-phong",
        "--drop-dir", str(folder),
    )  # fmt: skip
    by_url = run(
        "channel", "add", "--kind", "grassroots", "--name", "loa-up", "--org", "xa-tan-phong",
        "--url", "https://loa.example.vn/upload", "--secret", "s3cret-loa",
    )  # fmt: skip
    neither = run(
        "channel", "add", "--kind", "grassroots", "--name", "loa-0", "--org", "xa-tan-phong"
    )

    assert by_folder.returncode == 0, by_folder.stderr
    assert by_url.returncode == 0, by_url.stderr
    assert "s3cret-loa" not in by_url.stdout + by_url.stderr
    assert neither.returncode == 1 and "thư mục nhận tệp" in neither.stderr


def test_bulletin_played_refuses_what_is_not_a_delivered_bulletin(office: Any, clock: Any) -> None:
    from sqlmodel import select

    from publisher.models import Delivery

    post(office, clock, "Tin đã duyệt.")
    with session_scope() as s:
        delivery = s.exec(select(Delivery)).first()
        assert delivery is not None
        delivery_id = delivery.id

    result = run("bulletin", "played", "--delivery", str(delivery_id), "--commune", "xa-a")

    assert result.returncode == 1
    assert "không phải bản tin" in result.stderr and "Traceback" not in result.stderr


def test_channel_add_takes_an_sftp_drop_and_channel_test_logs_in(
    office: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.sandbox.sftp import SftpServer, SftpUser, new_key_text

    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")  # the server is on loopback
    key_file = tmp_path / "id_ed25519"
    key_file.write_text(new_key_text())
    (tmp_path / "srv" / "in").mkdir(parents=True)
    users = {"loa": SftpUser(password="mat-khau-sftp-1")}
    with SftpServer(tmp_path / "srv", users=users) as server:
        url = server.url("loa", "/in")
        add = subprocess.run(
            [
                PUBLISHER, "channel", "add", "--kind", "grassroots", "--name", "loa-sftp",
                "--org", "xa-tan-phong", "--sftp-url", url,
                "--sftp-host-key", server.fingerprint, "--sftp-password-env",
                "LOA_SFTP_PASSWORD", "--json",
            ],
            capture_output=True, text=True, timeout=180,
            env={**os.environ, "PUBLISHER_LANGUAGE": "vi", "LOA_SFTP_PASSWORD": "mat-khau-sftp-1"},
        )  # fmt: skip
        tested = run("channel", "test", "loa-sftp", "--json")
    in_url = run(
        "channel", "add", "--kind", "grassroots", "--name", "loa-2", "--org", "xa-tan-phong",
        "--sftp-url", "sftp://loa:lo-mat-khau@loa.example.vn/in",
        "--sftp-host-key", "SHA256:" + "A" * 43, "--sftp-key-file", str(key_file),
    )  # fmt: skip
    unpinned = run(
        "channel", "add", "--kind", "grassroots", "--name", "loa-3", "--org", "xa-tan-phong",
        "--sftp-url", "sftp://loa@loa.example.vn/in", "--sftp-key-file", str(key_file),
    )  # fmt: skip

    assert add.returncode == 0, add.stderr
    assert "mat-khau-sftp-1" not in add.stdout + add.stderr + tested.stdout + tested.stderr
    assert json.loads(add.stdout)["settings"]["sftp_host_key"] == server.fingerprint
    assert tested.returncode == 0 and json.loads(tested.stdout)["ok"] is True, tested.stdout
    assert in_url.returncode == 1 and "không ghi mật khẩu" in in_url.stderr
    assert "lo-mat-khau" not in in_url.stdout + in_url.stderr
    assert unpinned.returncode == 1 and "dấu vân tay" in unpinned.stderr
    key_line = key_file.read_text().splitlines()[1]
    for result in (in_url, unpinned):
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert key_line not in result.stdout + result.stderr

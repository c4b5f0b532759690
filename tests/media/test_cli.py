from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from publisher.cli import app

runner = CliRunner()


@pytest.fixture
def request_cleanup() -> Iterator[list[Any]]:
    """Callables run after the test."""
    calls: list[Any] = []
    yield calls
    for call in calls:
        call()


def test_render_infographic_prints_json(tmp_path: Path) -> None:
    out = tmp_path / "stats.png"
    result = runner.invoke(
        app,
        [
            "render",
            "infographic",
            "--template",
            "stats",
            "--title",
            "Kết quả chuyển đổi số",
            "--stat",
            "Hồ sơ trực tuyến=12345",
            "--stat",
            "Tỷ lệ=98,5%",
            "--stat",
            "Doanh nghiệp=2450",
            "--size",
            "1200x630",
            "--org-name",
            "Sở KH&CN",
            "--primary",
            "#DA251D",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["width"] == 1200 and data["height"] == 630 and out.is_file()
    assert data["recipe"]["fields"]["stats"][0] == "Hồ sơ trực tuyến=12345"


@pytest.mark.parametrize(
    ("lang", "expected"), [("vi", "Tiêu đề đang trống"), ("en", "title is empty")]
)
def test_errors_are_one_line_in_the_users_language(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    expected: str,
    request_cleanup: list[Any],
) -> None:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", lang)
    from publisher.config import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
        # Later tests read the settings afresh, not this test's language.
        request_cleanup.append(get_settings.cache_clear)
    out = tmp_path / "x.png"
    result = runner.invoke(app, ["render", "infographic", "--title", " ", "--out", str(out)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_render_video_from_the_cli(tmp_path: Path, assets: dict[str, Path]) -> None:
    out = tmp_path / "clip.mp4"
    result = runner.invoke(
        app,
        [
            "render",
            "video",
            "--image",
            str(assets["photo0"]),
            "--image",
            str(assets["photo1"]),
            "--title",
            "Ngày hội Đổi mới sáng tạo quốc gia",
            "--seconds-per-image",
            "1",
            "--size",
            "240x240",
            "--caption",
            "Ảnh 1",
            "--end-card",
            "--hashtag",
            "#DMST",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["width"] == 240 and Path(data["thumbnail"]).is_file() and out.is_file()


def test_a_bad_video_input_leaves_no_file(tmp_path: Path, assets: dict[str, Path]) -> None:
    out = tmp_path / "clip.mp4"
    result = runner.invoke(
        app, ["render", "video", "--image", str(assets["truncated"]), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_render_motion_reports_path_size_duration_audio_and_alt_text(tmp_path: Path) -> None:
    out = tmp_path / "motion.mp4"
    result = runner.invoke(
        app,
        ["render", "motion", "--template", "stats", "--title", "Kết quả 6 tháng",
         "--stat", "Hồ sơ=1.234", "--stat", "Tỷ lệ=87,5%", "--stat", "Doanh nghiệp=2450",
         "--size", "360x640", "--seconds", "3", "--audio", "nhe-nhang",
         "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == str(out) and out.is_file() and data["bytes"] == out.stat().st_size
    assert (data["width"], data["height"]) == (360, 640)
    assert data["duration"] == pytest.approx(3.0, abs=0.1)
    assert data["has_audio"] is True and data["music"] == "nhe-nhang"
    assert data["alt_text"].startswith("Video đồ họa động") and "1.234" in data["alt_text"]
    assert Path(data["thumbnail"]).is_file()


def test_render_video_takes_a_library_track_and_a_motion_opener(
    tmp_path: Path, assets: dict[str, Path]
) -> None:
    out = tmp_path / "clip.mp4"
    result = runner.invoke(
        app,
        ["render", "video", "--image", str(assets["photo0"]), "--title", "Ngày hội",
         "--seconds-per-image", "1", "--size", "360x360", "--motion", "--audio", "tuoi-sang",
         "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # A 4 s opener, then the 1 s photo (no crossfade between them).
    assert data["duration"] == pytest.approx(5.0, abs=0.05) and data["has_audio"] is True
    assert data["recipe"]["motion"] is True and data["alt_text"]


def test_render_music_lists_the_library() -> None:
    result = runner.invoke(app, ["render", "music", "--json"])
    assert result.exit_code == 0, result.output
    names = [row["name"] for row in json.loads(result.stdout)]
    assert names == ["none", "trang-trong", "tuoi-sang", "nhe-nhang", "hanh-khuc"]


def test_an_unknown_track_is_one_line_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "motion.mp4"
    result = runner.invoke(
        app, ["render", "motion", "--title", "x", "--audio", "nhac-vui", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "nhac-vui" in result.stderr and "tuoi-sang" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()

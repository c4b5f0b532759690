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

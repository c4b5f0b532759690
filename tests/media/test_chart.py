"""Charts: bar, line and donut in the brand; bad data refused with the limit, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from media import errors
from media.brand import BrandKit
from media.infographic import render_infographic
from media.samples import SIZES
from media.templates.chart import parse_number
from publisher.cli import app

BRAND = BrandKit(org_name="Sở KH&CN", source="Nguồn: Sở KH&CN Đồng Nai")
DATA = {
    "bar": ["Quý I=12.450", "Quý II=18.320", "Quý III=25.100", "Quý IV (ước)=31.000"],
    "line": ["2021=32", "2022=45,5", "2023=58", "2024=71,2", "2025=80", "2030=100"],
    "donut": ["Nông nghiệp=35", "Y tế=20", "Công nghệ số=30", "Môi trường=15"],
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", sorted(DATA))
def test_every_kind_renders_at_every_size_legibly(kind: str, size: tuple[int, int]) -> None:
    fields = {"title": "Kết quả chuyển đổi số", "kind": kind, "data": DATA[kind], "unit": "%"}
    result = render_infographic("chart", fields, BRAND, size)
    floor = round(24 * size[0] / 1080)
    assert min(result.sizes.values()) >= floor
    for name, ink in result.ink.items():
        box = result.boxes[name]
        assert box[0] - 1 <= ink[0] and ink[2] <= box[2] + 1, name
        assert 0 <= ink[0] and ink[2] <= size[0] and 0 <= ink[1] and ink[3] <= size[1], name


def test_bar_values_share_one_size_and_alt_text_lists_the_data() -> None:
    result = render_infographic(
        "chart", {"title": "Hồ sơ", "kind": "bar", "data": DATA["bar"]}, BRAND
    )
    assert len({px for n, px in result.sizes.items() if n.startswith("value")}) == 1
    assert result.alt.startswith("Biểu đồ cột: «Hồ sơ».")
    assert "Quý I: 12.450; Quý II: 18.320" in result.alt


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234.567", 1234567), ("87,5", 87.5), ("87,5%", 87.5), ("1,234.5", 1234.5), ("-3", -3)],
)
def test_numbers_in_vietnamese_and_english_formats(raw: str, expected: float) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("kind", "data", "words"),
    [
        ("bar", [], "không có dữ liệu"),
        ("donut", ["A=50", "B=-3"], "không nhận giá trị âm"),
        ("bar", [f"M{i}={i}" for i in range(200)], "200 mục, biểu đồ cột nhận từ 1 đến 12 mục"),
        ("donut", ["A=0", "B=0"], "tổng các phần bằng 0"),
        ("line", ["2024=abc", "2025=3"], "«abc» không phải là số"),
        ("pie", ["A=1"], "loại biểu đồ «pie» không có"),
    ],
)
def test_bad_chart_data_is_one_vietnamese_line_and_nothing_is_written(
    tmp_path: Path, kind: str, data: list[str], words: str
) -> None:
    out = tmp_path / "chart.png"
    args = ["render", "chart", "--kind", kind, "--out", str(out)]
    for item in data:
        args += ["--data", item]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_render_chart_cli_reports_path_size_and_alt_text(tmp_path: Path) -> None:
    out = tmp_path / "kpi.jpg"
    result = CliRunner().invoke(
        app,
        ["render", "chart", "--kind", "line", "--title", "Tỷ lệ hồ sơ trực tuyến",
         "--unit", "%", *[a for d in DATA["line"] for a in ("--data", d)],
         "--size", "portrait", "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == str(out) and (data["width"], data["height"]) == (1080, 1350)
    assert out.read_bytes()[:2] == b"\xff\xd8"
    assert data["alt_text"].startswith("Biểu đồ đường")
    assert data["has_audio"] is False
    with pytest.raises(errors.MediaError):
        render_infographic("chart", {"title": "X", "kind": "line", "data": ["A=1"]}, BRAND)

"""``publisher brand show|set`` and renders in the organisation's kit (console script)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from sqlmodel import select

from publisher.db import session_scope
from publisher.models import AuditEvent, Organisation
from tests.core.test_cli import run


def _org() -> Organisation:
    with session_scope() as s:
        org = s.exec(select(Organisation)).one()
        s.expunge(org)
        return org


def test_brand_set_show_and_render_in_the_kit(sqlite_db: Any, tmp_path: Path) -> None:
    assert run("init", "--json").returncode == 0
    logo = tmp_path / "emblem.png"
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 230, 230), fill=(218, 37, 29, 255))
    image.save(logo)
    done = run(
        "brand", "set", "--preset", "government-red", "--logo", str(logo),
        "--header-line1", "Ủy ban nhân dân tỉnh Đồng Nai",
        "--header-line2", "Sở Khoa học và Công nghệ",
        "--website", "sokhcn.dongnai.gov.vn", "--source", "Nguồn: Sở KH&CN Đồng Nai",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The adjusted shade and its reason are shown, in Vietnamese.
    assert "#DA251D được thay bằng" in done.stdout and "cần 4.5:1" in done.stdout
    shown = json.loads(run("brand", "show", "--json").stdout)
    assert shown["preset"] == "government-red"
    assert (shown["primary"], shown["accent"]) == ("#DA251D", "#FFCD00")
    assert shown["header_line2"] == "Sở Khoa học và Công nghệ"
    assert shown["logo_asset_id"] is not None
    assert all(c["passes"] for c in shown["contrast"])
    assert shown["used"]["background"] != "#DA251D"

    out = tmp_path / "card.png"
    rendered = run(
        "render", "infographic", "--org", shown["org"], "--title", "Ngày Chuyển đổi số",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    data = json.loads(rendered.stdout)
    assert data["path"] == str(out) and data["has_audio"] is False
    assert data["alt_text"].startswith("Ảnh đồ họa của Sở Khoa học và Công nghệ")
    assert data["recipe"]["brand"]["header_line1"] == "Ủy ban nhân dân tỉnh Đồng Nai"
    # The background really is the darkened flag red.
    pixel = Image.open(out).convert("RGB").getpixel((540, 700))
    assert isinstance(pixel, tuple) and pixel[0] > 2 * pixel[1]


def test_bad_brand_input_is_one_line_and_nothing_is_stored(sqlite_db: Any, tmp_path: Path) -> None:
    assert run("init", "--json").returncode == 0
    before = _org()
    not_image = tmp_path / "logo.png"
    not_image.write_text("<svg/>")
    white = tmp_path / "white.png"
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), fill=(255, 255, 255, 255))
    image.save(white)
    cases = [
        (("--primary", "blue"), "Màu «blue» không hợp lệ"),
        (("--accent", "#12345G"), "không hợp lệ"),
        (("--preset", "red"), "Không có bộ màu «red»"),
        (("--header-line2", "X" * 81), "dài 81 ký tự, tối đa 80 ký tự"),
        (("--source", "Nguồn " * 30), "tối đa 160 ký tự"),
        (("--logo", str(not_image)), "logo.png"),
        (("--logo", str(white)), "biến mất trên nền tròn trắng"),
        (("--header-line1", "UBND TỈNH", "--header-line2",
          "SỞ KHOA HỌC VÀ CÔNG NGHỆ, SỞ THÔNG TIN VÀ TRUYỀN THÔNG, SỞ NỘI VỤ TỈNH ĐỒNG NAI"),
         "cỡ chữ tối thiểu"),
    ]  # fmt: skip
    for args, expected in cases:
        result: subprocess.CompletedProcess[str] = run("brand", "set", *args)
        assert result.returncode == 1, args
        assert expected in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    after = _org()
    assert (after.brand_primary, after.brand_accent, after.logo_asset_id, after.brand_kit) == (
        before.brand_primary,
        before.brand_accent,
        before.logo_asset_id,
        before.brand_kit,
    )
    with session_scope() as s:
        assert not s.exec(select(AuditEvent).where(AuditEvent.action == "org.brand")).all()


def test_the_campaign_plan_renders_in_the_kit(sqlite_db: Any) -> None:
    from publisher.models import RenderJob

    assert run("init", "--json").returncode == 0
    added = run(
        "channel", "add", "--kind", "telegram", "--name", "tg-so",
        "--chat-id", "@khcn_dongnai", "--token", "123456:ABC-secret-token",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    kit = run(
        "brand", "set", "--preset", "government-red",
        "--header-line1", "Ủy ban nhân dân tỉnh Đồng Nai",
        "--header-line2", "Sở Khoa học và Công nghệ", "--source", "Nguồn: Sở KH&CN",
    )  # fmt: skip
    assert kit.returncode == 0, kit.stderr
    plan = run("campaign", "plan", "ngay-cds", "--year", "2030", "--channel", "tg-so", "--media")
    assert plan.returncode == 0, plan.stderr
    with session_scope() as s:
        jobs = s.exec(select(RenderJob)).all()
    assert jobs
    for job in jobs:
        brand = job.recipe.get("brand") or {}
        assert brand.get("primary") == "#DA251D", job.kind
        assert brand.get("header_line2") == "Sở Khoa học và Công nghệ", job.kind
        assert brand.get("source") == "Nguồn: Sở KH&CN", job.kind


def test_the_emblem_is_its_own_slot_and_opens_every_render(sqlite_db: Any, tmp_path: Path) -> None:
    assert run("init", "--json").returncode == 0
    emblem, logo = tmp_path / "quoc-huy.png", tmp_path / "logo.png"
    for path, colour in ((emblem, (218, 37, 29, 255)), (logo, (11, 61, 145, 255))):
        image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((10, 10, 230, 230), fill=colour)
        image.save(path)
    done = run(
        "brand", "set", "--emblem", str(emblem), "--logo", str(logo),
        "--header-line1", "Ủy ban nhân dân tỉnh Đồng Nai",
        "--header-line2", "Sở Khoa học và Công nghệ", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["emblem_asset_id"] and shown["logo_asset_id"]
    assert shown["emblem_asset_id"] != shown["logo_asset_id"]
    out = tmp_path / "card.png"
    rendered = run("render", "infographic", "--org", shown["org"], "--title", "Tiêu đề",
                   "--out", str(out), "--json")  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    card = Image.open(out).convert("RGB")
    # The emblem (red) opens the header on the left, the logo (blue) closes it on the right.
    left, right = card.getpixel((72 + 46, 72 + 54)), card.getpixel((1080 - 72 - 46, 72 + 54))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 150 and left[2] < 90 and right[2] > 100 and right[0] < 60
    clip = tmp_path / "clip.mp4"
    motion = run("render", "motion", "--org", shown["org"], "--title", "Tiêu đề",
                 "--size", "1:1", "--seconds", "3", "--audio", "none",
                 "--out", str(clip), "--json")  # fmt: skip
    assert motion.returncode == 0, motion.stderr
    assert json.loads(motion.stdout)["has_audio"] is True  # silence, still a track
    missing = run("brand", "set", "--emblem", str(tmp_path / "x.png"))
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert (
        json.loads(run("brand", "show", "--json").stdout)["emblem_asset_id"]
        == (shown["emblem_asset_id"])
    )

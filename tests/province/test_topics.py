"""Themes and target groups on posts: service, CLI, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.models import Post, PostTag
from publisher.services.publishing import posts, topics
from tests.conftest import DB
from tests.factories import make_office, webhook_channel

DUE = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


def test_labels_and_codes_are_both_accepted() -> None:
    assert topics.parse_themes(["KH&CN; CĐS", "khcn"]) == ["khcn", "cds"]
    assert topics.parse_themes("Đổi mới sáng tạo") == ["dmst"]
    assert topics.parse_audiences("Doanh nghiệp, học sinh - sinh viên") == ["business", "students"]
    assert topics.parse_audiences(None) == []


def test_an_unknown_theme_is_refused_in_one_line() -> None:
    with pytest.raises(InvalidInput) as err:
        topics.parse_themes(["y tế"])
    assert err.value.key == "error.theme_invalid"


def test_compose_and_update_store_the_tags(sqlite_db: DB, clock: object) -> None:
    office = make_office(channels={"hook": webhook_channel()})
    officer = office.actor("officer")
    with session_scope() as s:
        post = posts.compose(
            s,
            officer,
            posts.PostInput(
                text="Hội thảo ĐMST",
                channels=["hook"],
                due_at=DUE,
                themes=["dmst"],
                audiences=["Doanh nghiệp"],
            ),
        )
        post_id = post.id
    with session_scope() as s:
        d = posts.detail(s, officer, post_id or 0)
        assert (d["themes"], d["audiences"]) == (["dmst"], ["business"])
        posts.update(
            s,
            officer,
            post_id or 0,
            posts.PostInput(text="Hội thảo ĐMST", channels=["hook"], due_at=DUE, themes=["cds"]),
        )
    with session_scope() as s:
        d = posts.detail(s, officer, post_id or 0)
        assert (d["themes"], d["audiences"]) == (["cds"], [])


def test_a_bad_tag_writes_nothing(sqlite_db: DB, clock: object) -> None:
    office = make_office(channels={"hook": webhook_channel()})
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.compose(
            s,
            office.actor("officer"),
            posts.PostInput(text="x", channels=["hook"], due_at=DUE, audiences=["ai đó"]),
        )
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Post)).one() == 0
        assert s.exec(select(func.count()).select_from(PostTag)).one() == 0


def test_cli_post_create_takes_theme_and_audience(sqlite_db: DB, clock: object) -> None:
    make_office(channels={"hook": webhook_channel()})
    args = ["post", "create", "--text", "Tin CĐS", "--channel", "hook", "--at", "20/12/2026 09:00"]
    ok = CliRunner().invoke(app, [*args, "--theme", "cds", "--audience", "citizens", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert (data["themes"], data["audiences"]) == (["cds"], ["citizens"])
    bad = CliRunner().invoke(app, [*args, "--theme", "sport"])
    assert bad.exit_code == 1
    assert "Chủ đề «sport» không hợp lệ" in bad.output
    assert len(bad.output.strip().splitlines()) == 1


def test_a_bulletin_of_several_units_posts_speaks_for_their_province(
    sqlite_db: DB, clock: object
) -> None:
    """An administrator's campaign bulletin reads posts of several units: the intro names the
    province they belong to, not the first post's unit; one unit's posts name that unit."""
    from datetime import date

    from publisher.models import PostStatus
    from publisher.services.publishing import bulletins
    from tests.factories import ADMIN
    from tests.province.conftest import build

    with session_scope() as s:
        province = build(s)
        rows = [
            Post(org_id=province.id(slug), status=PostStatus.SCHEDULED, title=slug, text="Tin.")
            for slug in ("so-ct", "phuong-a")
        ]
        s.add_all(rows)
        s.flush()
        mixed = bulletins.draft_script(s, ADMIN, rows, date(2026, 10, 1))
        own = bulletins.draft_script(s, ADMIN, rows[1:], date(2026, 10, 1))
        other = Post(org_id=province.id("so-khac"), status=PostStatus.SCHEDULED, text="Tin.")
        s.add(other)
        s.flush()
        apart = bulletins.draft_script(s, ADMIN, [rows[0], other], date(2026, 10, 1))
    intro = "Đây là bản tin phát thanh cơ sở"
    assert mixed.startswith(f"{intro} của Ủy ban nhân dân tỉnh Đồng Nai, ngày")
    assert own.startswith("Đây là bản tin phát thanh cơ sở của Phường Trấn Biên, ngày")
    assert apart.startswith("Đây là bản tin phát thanh cơ sở, ngày")

"""Criteria as data with yearly targets; activities entered by hand and counted."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied
from publisher.models import Activity, Criterion
from publisher.services.insight import activities, criteria
from publisher.services.insight.periods import parse_period
from tests.province.conftest import Province


def test_the_plans_criteria_are_seeded_with_targets_to_2030(province: Province) -> None:
    with session_scope() as s:
        rows = criteria.list_criteria(s, province.actor("so-khcn", "coordinator"))
        keys = [c.key for c in rows]
        coverage = criteria.as_dict(criteria.get(s, "task_coverage"))
    assert {"posts", "task_coverage", "events", "trainings", "press"} <= set(keys)
    assert coverage["targets"]["2030"] == 100


def test_activities_count_in_the_criteria(province: Province) -> None:
    manager = province.actor("phuong-a", "manager")
    with session_scope() as s:
        for day in (date(2026, 3, 4), date(2026, 5, 18), date(2026, 9, 2)):
            activities.add(
                s, manager, org="phuong-a", kind="training", on_date=day, title="Tập huấn CĐS",
                themes=["cds"], audiences=["officials"],
            )  # fmt: skip
        activities.add(
            s, manager, org="phuong-a", kind="press", on_date=date(2026, 4, 1),
            title="Phóng sự ĐMST", link="https://baodongnai.com.vn/a",
        )  # fmt: skip
    coordinator = province.actor("so-khcn", "coordinator")
    with session_scope() as s:
        found = {c["key"]: c for c in criteria.evaluate(s, coordinator, parse_period("2026-H1"))}
        listed = activities.in_period(s, coordinator, parse_period("2026"))
    assert found["trainings"]["value"] == 2
    assert found["press"]["value"] == 1
    assert found["trainings"]["target"] == 4 and not found["trainings"]["reached"]
    assert [a["kind"] for a in listed] == ["training", "press", "training", "training"]
    with session_scope() as s:  # the criteria's grouped count agrees with the plain one
        year = parse_period("2026")
        by_kind = activities.count_by_kind(s, coordinator, year, theme="cds")
        assert by_kind == {"training": 3}
        assert sum(activities.count_by_kind(s, coordinator, year).values()) == activities.count(
            s, coordinator, year
        )


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"org": None}, "error.activity_unit_required"),
        ({"on_date": date(2026, 12, 1)}, "error.activity_future"),
        ({"kind": "party"}, "error.activity_kind"),
        ({"title": "  "}, "error.activity_title_required"),
        ({"themes": ["thể thao"]}, "error.theme_invalid"),
        ({"link": "javascript:alert(1)"}, "error.link_invalid"),
    ],
)
def test_a_bad_activity_is_refused_and_nothing_written(
    province: Province, kwargs: dict, key: str
) -> None:
    args = {
        "org": "phuong-a",
        "kind": "workshop",
        "on_date": date(2026, 9, 1),
        "title": "Hội thảo",
        **kwargs,
    }
    with pytest.raises(InvalidInput) as err, session_scope() as s:
        activities.add(s, province.actor("phuong-a", "manager"), **args)
    assert err.value.key == key
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Activity)).one() == 0


def test_a_unit_records_only_its_own_activities(province: Province) -> None:
    with pytest.raises(PermissionDenied), session_scope() as s:
        activities.add(
            s, province.actor("phuong-a", "manager"), org="so-ct", kind="award",
            on_date=date(2026, 9, 1), title="Giải thưởng",
        )  # fmt: skip


@pytest.mark.parametrize("target", ["-1", "abc", "nan", "inf"])
def test_a_negative_or_non_numeric_target_is_refused(province: Province, target: str) -> None:
    with pytest.raises(InvalidInput) as err, session_scope() as s:
        criteria.set_target(s, province.actor("so-khcn", "coordinator"), "posts", 2027, target)
    assert err.value.key == "error.criterion_target"
    with session_scope() as s:
        assert criteria.get(s, "posts").targets["2027"] == 108


def test_the_cli_contract(province: Province) -> None:
    run = CliRunner().invoke
    added = run(
        app,
        ["activity", "add", "--org", "bao-dn", "--kind", "press", "--date", "15/09/2026",
         "--title", "Phóng sự về nhiệm vụ KH&CN", "--theme", "khcn", "--audience", "citizens",
         "--link", "https://baodongnai.com.vn/p", "--json"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    future = run(
        app,
        ["activity", "add", "--org", "bao-dn", "--kind", "press", "--date", "15/12/2026",
         "--title", "x"],
    )  # fmt: skip
    assert future.exit_code == 1
    assert future.output.strip() == "Ngày 15/12/2026 ở tương lai; chỉ ghi hoạt động đã diễn ra"
    no_unit = run(
        app, ["activity", "add", "--kind", "press", "--date", "01/09/2026", "--title", "x"]
    )
    assert no_unit.output.strip() == "Hoạt động cần có đơn vị (--org)"
    listed = run(app, ["criteria", "list", "--json"])
    assert "press" in {c["key"] for c in json.loads(listed.stdout)}
    changed = run(app, ["criteria", "set", "press", "--year", "2027", "--target", "40", "--json"])
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["targets"]["2027"] == 40
    bad = run(app, ["criteria", "set", "press", "--year", "2027", "--target", "-3"])
    assert bad.exit_code == 1
    assert bad.output.strip() == "Chỉ tiêu «-3» không hợp lệ: cần một số không âm"
    new = run(
        app,
        ["criteria", "set", "awards", "--year", "2030", "--target", "3", "--name",
         "Giải thưởng về KH&CN", "--measure", "activities", "--activity-kind", "award"],
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Activity)).one() == 1
        assert criteria.get(s, "awards").targets == {"2030": 3.0}
        assert (
            s.exec(select(func.count()).select_from(Criterion)).one() == len(criteria.DEFAULTS) + 1
        )


def test_a_per_unit_criterion_averages_over_the_publishing_units(province: Province) -> None:
    """The province's own node has no channel and posts nothing: the per-unit average of the
    posts criterion divides by the units that publish, as the posts-per-unit KPI does (the
    demo's report read 8 posts per unit beside 56 posts from 6 units)."""
    from datetime import timedelta

    from publisher.models import Channel, Delivery, DeliveryStatus, Post, PostStatus, PostVariant
    from publisher.services.insight import engagement
    from publisher.timeutil import utcnow

    units = ("so-khcn", "so-ct", "phuong-a", "bao-dn")
    with session_scope() as s:
        when = utcnow() - timedelta(days=2)
        for n, slug in enumerate(units):
            channel = Channel(org_id=province.id(slug), kind="webhook", name=f"hook-{slug}")
            s.add(channel)
            s.flush()
            post = Post(
                org_id=province.id(slug), status=PostStatus.PUBLISHED, text="x", due_at=when
            )
            s.add(post)
            s.flush()
            s.add(PostVariant(post_id=post.id or 0, channel_id=channel.id or 0))
            d = Delivery(
                post_id=post.id or 0, channel_id=channel.id or 0, due_at=when,
                next_attempt_at=when, status=DeliveryStatus.SENT, idempotency_key=f"k-{n}",
                external_id=f"e-{n}", sent_at=when,
            )  # fmt: skip
            s.add(d)
            s.flush()
            engagement.sync_facts(s, [d.id or 0])
    coordinator = province.actor("so-khcn", "coordinator")
    with session_scope() as s:
        found = {c["key"]: c for c in criteria.evaluate(s, coordinator, parse_period("2026-H2"))}
    assert found["posts"]["value"] == 1.0


def test_a_kpi_with_nothing_to_measure_reads_as_no_data(province: Province) -> None:
    """Units with no S&T task: the report says so and shows the task KPI as no data, never
    «0/0 ... đạt 0%» beside «Chưa đạt» (DOCX) or a red 0 (XLSX)."""
    import io

    from docx import Document
    from openpyxl import load_workbook

    from publisher.services.insight import reports

    coordinator = province.actor("so-khcn", "coordinator")
    with session_scope() as s:
        docx_bytes, _ = reports.generate(s, coordinator, "2026-H2", "docx")
        xlsx_bytes, _ = reports.generate(s, coordinator, "2026-H2", "xlsx")
    doc = Document(io.BytesIO(docx_bytes))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "0/0" not in text
    assert "chưa có nhiệm vụ KH&CN nào trong danh mục" in text
    kpi_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    row = next(r for r in kpi_table.rows if r.cells[0].text.startswith("Tỷ lệ nhiệm vụ KH&CN"))
    assert [c.text for c in row.cells[2:]] == ["-", "không có số liệu"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes))["Chỉ tiêu"]
    cells = next(
        r for r in sheet.iter_rows(min_row=2) if str(r[0].value).startswith("Tỷ lệ nhiệm vụ")
    )
    assert cells[2].value is None and cells[4].value == "không có số liệu"
    assert cells[4].fill.fgColor.rgb in (None, "00000000")


def test_the_criteria_table_writes_percentages_like_the_kpi_table(province: Province) -> None:
    """«60%» and «0%» as in the KPI table above it, not «60 %»; other units keep their space."""
    import io

    from docx import Document

    from publisher.services.insight import reports

    with session_scope() as s:
        content, _ = reports.generate(
            s, province.actor("so-khcn", "coordinator"), "2026-H2", "docx"
        )
    table = next(
        t for t in Document(io.BytesIO(content)).tables if t.rows[0].cells[0].text == "Tiêu chí"
    )
    rows = {r.cells[0].text: [c.text for c in r.cells[1:3]] for r in table.rows[1:]}
    assert rows["Nhiệm vụ KH&CN sử dụng ngân sách nhà nước được truyền thông"][0] == "60%"
    assert rows["Tin, bài về KH&CN, ĐMST, CĐS đăng trên kênh của đơn vị"][0] == "96 bài"

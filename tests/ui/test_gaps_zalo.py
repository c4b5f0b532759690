"""Zalo OA follow-ups in the pages: the broadcast of an article is shown on its delivery
(sent, or why not) — not only as an alert."""

from __future__ import annotations

from datetime import date, timedelta

from publisher.db import session_scope
from publisher.models import Delivery, Post, ZaloBroadcast
from publisher.services.accounts import alerts
from publisher.services.publishing import zalo_broadcast
from publisher.services.statuses import PostStatus
from publisher.timeutil import utcnow
from tests.factories import make_office, telegram_channel
from tests.ui.conftest import texts


def _sent(office, n: int) -> list[int]:
    channel = office.channels["Zalo"]
    ids = []
    with session_scope() as s:
        for i in range(n):
            due = utcnow() - timedelta(hours=i + 1)
            post = Post(org_id=office.org.id, status=PostStatus.PUBLISHED, text=f"Bài {i}")
            post.due_at = due
            s.add(post)
            s.flush()
            d = Delivery(
                post_id=post.id,
                channel_id=channel.id,
                due_at=due,
                next_attempt_at=due,
                status="sent",
                sent_at=due,
                idempotency_key=f"z-{i}",
            )
            s.add(d)
            s.flush()
            ids.append(d.id)
    return ids


def test_the_deliveries_page_shows_each_broadcast_and_why_one_was_not_sent(office, app_as):
    sent, refused = _sent(office, 2)
    with session_scope() as s:
        s.add(
            ZaloBroadcast(
                channel_id=office.channels["Zalo"].id,
                delivery_id=sent,
                day=date(2026, 9, 30),
                status="sent",
                message_id="m-1",
            )
        )
        alerts.raise_alert(
            s,
            "broadcast",
            "zalo.broadcast.night",
            org_id=office.org.id,
            object_type="delivery",
            object_id=refused,
            channel="Zalo",
        )
    at = app_as(office, "editor", "views/deliveries.py")
    assert not at.exception
    shown = texts(at)
    assert "Broadcast tới người quan tâm: đã gửi" in shown
    assert "Broadcast tới người quan tâm: Không gửi broadcast: Zalo chặn tin quảng bá" in shown


def test_broadcast_outcomes_leave_other_organisations_out(office):
    (sent,) = _sent(office, 1)
    with session_scope() as s:
        s.add(
            ZaloBroadcast(
                channel_id=office.channels["Zalo"].id,
                delivery_id=sent,
                day=date(2026, 9, 30),
                status="unknown",
            )
        )
    other = make_office("so-khac", channels={"tg": telegram_channel()})
    with session_scope(readonly=True) as s:
        assert zalo_broadcast.outcomes(s, office.actor("editor"), [sent]) == {
            sent: ("unknown", "zalo.broadcast.result.unknown")
        }
        assert zalo_broadcast.outcomes(s, other.actor("editor"), [sent]) == {}


def _history(office, points: list[tuple[str, int]]) -> None:
    from publisher.models import KeyValue

    with session_scope() as s:
        s.add(
            KeyValue(
                key=f"audience.{office.channels['Zalo'].id}",
                value={
                    "count": points[-1][1],
                    "at": points[-1][0],
                    "history": [list(p) for p in points],
                },
            )
        )


def test_the_report_gives_each_oas_followers_at_the_start_and_end_of_the_period(office):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from publisher.services.insight import reports
    from tests.factories import ADMIN

    _history(
        office,
        [
            ("2026-06-20T01:00:00+00:00", 1000),  # before the period: its start
            ("2026-08-01T01:00:00+00:00", 1100),
            ("2026-09-30T01:00:00+00:00", 1250),  # the last before "now" (01/10)
        ],
    )
    with session_scope() as s:
        xlsx, _ = reports.generate(s, ADMIN, "2026-H2", "xlsx")
        docx, _ = reports.generate(s, ADMIN, "2026-H2", "docx")
    sheet = load_workbook(io.BytesIO(xlsx))["Người quan tâm"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Kênh", rows[0][1], "Đầu kỳ", "Cuối kỳ", "Thay đổi")
    assert rows[1][0] == "Zalo" and rows[1][2:] == (1000, 1250, 250)
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx)).tables
        for r in table.rows
        for cell in r.cells
    )
    assert "Đầu kỳ" in text and "+250" in text

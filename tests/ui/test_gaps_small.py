"""Small things QA noticed: an alert names its half-year and its kind in words, the deliveries
page counts every delivery (not only the 100 posts listed), managers find the review queue
first, JSON output writes times in ISO 8601, and a command-line usage error is one
Vietnamese line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher.cli import app
from publisher.cli.common import emit
from publisher.db import session_scope
from publisher.models import Delivery, Post
from publisher.services.accounts import alerts
from publisher.services.publishing import deliveries
from publisher.services.statuses import PostStatus
from publisher.timeutil import utcnow
from tests.factories import make_office, telegram_channel
from tests.ui.conftest import compose, texts

ROOT = Path(__file__).resolve().parents[2]


def test_the_alerts_tab_names_the_half_year_and_the_kind_in_words(office, app_as):
    with session_scope() as s:
        alerts.raise_alert(
            s,
            "report_due",
            "alert.report_due",
            org_id=office.org.id,
            object_type="report",
            object_id=20262,
            period="2026-H2",
            deadline="15/12/2026",
            days_left=9,
        )
    at = app_as(office, "editor", "views/deliveries.py")
    assert not at.exception
    shown = texts(at)
    assert "6 tháng cuối năm 2026" in shown
    assert "2026-H2" not in shown
    assert "Báo cáo đến hạn" in shown
    assert "report_due" not in shown


def _many_sent(office, n: int) -> None:
    """``n`` published posts with one sent delivery each, written directly (fast)."""
    channel = next(iter(office.channels.values()))
    now = utcnow()
    with session_scope() as s:
        for i in range(n):
            post = Post(
                org_id=office.org.id,
                status=PostStatus.PUBLISHED,
                text=f"Tin {i}",
                due_at=now - timedelta(minutes=i + 1),
            )
            s.add(post)
            s.flush()
            s.add(
                Delivery(
                    post_id=post.id,
                    channel_id=channel.id,
                    due_at=post.due_at,
                    next_attempt_at=post.due_at,
                    status="sent",
                    sent_at=post.due_at,
                    idempotency_key=f"k-{i}",
                )
            )


def test_the_deliveries_counters_count_every_post_not_only_the_listed_hundred(office, app_as):
    _many_sent(office, 130)
    at = app_as(office, "editor", "views/deliveries.py")
    assert not at.exception
    sent = next(m for m in at.metric if m.label == "Đã đăng")
    assert str(sent.value) == "130"


def test_delivery_counts_leave_other_organisations_out(office):
    _many_sent(office, 3)
    other = make_office("so-khac", channels={"tg": telegram_channel()})
    with session_scope(readonly=True) as s:
        mine = deliveries.status_counts(s, office.actor("editor"), [PostStatus.PUBLISHED])
        theirs = deliveries.status_counts(s, other.actor("editor"), [PostStatus.PUBLISHED])
    assert mine == {"sent": 3}
    assert theirs == {}


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_managers_see_the_review_queue_first_and_read_only(office, app_as, role):
    compose(office, submit=True)
    at = app_as(office, role, "views/review.py")
    assert not at.exception
    labels = [tab.label for tab in at.tabs]
    assert labels[0].startswith("Chờ duyệt"), labels
    assert not any("Bài của tôi" in label for label in labels), labels
    assert "Chào mừng Ngày Chuyển đổi số" in texts(at)
    at.button(key=next(b.key for b in at.button if str(b.key).startswith("rv_open_"))).click()
    at.run()
    assert not at.exception
    assert not [b for b in at.button if "Duyệt" == b.label or str(b.key).startswith("rv_ok_")]


def test_officers_still_see_their_own_posts_first(office, app_as):
    at = app_as(office, "officer", "views/review.py")
    assert next(tab.label for tab in at.tabs) == "Bài của tôi"


def test_json_output_writes_times_in_iso_8601(capsys):
    emit({"sent_at": datetime(2026, 10, 1, 8, 30, tzinfo=UTC)}, True)
    out = json.loads(capsys.readouterr().out)
    assert out["sent_at"] == "2026-10-01T08:30:00+00:00"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["post", "create", "--foo"], "không có tùy chọn --foo"),
        (["post", "create"], "thiếu --text"),
        (["post", "list", "--limit", "x"], "cần một số nguyên"),
        (["nosuch"], "không có lệnh «nosuch»"),
        (["post", "list", "extra"], "thừa đối số extra"),
    ],
)
def test_a_usage_error_is_one_vietnamese_line(args, words):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lỗi cú pháp lệnh: ") and words in lines[0], lines[0]
    assert "--help" in lines[0]


def test_the_console_script_prints_the_same_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "publisher.cli", "post", "create", "--foo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip().splitlines() == [done.stderr.strip()]
        and "không có tùy chọn --foo" in done.stderr
    )


def test_help_is_still_help():
    result = CliRunner().invoke(app, ["post"])
    assert "Usage" in result.output and "Lỗi cú pháp" not in result.output

"""Organisation isolation for every service function that takes an ``actor``.

The functions are enumerated from ``publisher/services`` at test time: a new public function
with an ``actor`` parameter and no row in ``CALLS`` (or ``EXEMPT``) fails
``test_every_actor_function_has_an_isolation_case``. Each call is made by a user of
organisation B against organisation A's objects; A's objects all carry the marker
``zqxa``. A write must be refused (PermissionDenied or NotFound) and change nothing; a read
must be refused or return nothing that carries the marker.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pkgutil
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import SQLModel

import publisher.services as services_pkg
from publisher.db import session_scope
from publisher.errors import InvalidInput, NotFound, PermissionDenied
from publisher.models import Delivery
from publisher.services.accounts import alerts, audit_log, orgs, users
from publisher.services.insight import (
    activities,
    audience,
    collection,
    criteria,
    faq_stats,
    kpi,
    public_links,
    reach,
    results,
    stats,
    tasks,
)
from publisher.services.insight.periods import parse_period
from publisher.services.insight.reports import data as report_data
from publisher.services.insight.reports import generate as report_generate
from publisher.services.operations import sandbox
from publisher.services.publishing import (
    bulletins,
    calendar,
    campaigns,
    channels,
    deliveries,
    faq,
    faq_import,
    faq_inbox,
    faq_search,
    imports,
    plans,
    posting_hours,
    posts,
    remote,
    review,
    zalo_broadcast,
    zalo_connect,
)
from publisher.services.publishing import drafts as composer
from publisher.services.studio import brandkit
from publisher.services.studio import library as media
from publisher.services.studio import render_jobs as renders
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel

MARK = "zqxa"
REFUSED = (PermissionDenied, NotFound)
#: Rows whose refusal is "no such image" (InvalidInput), the same answer as for a missing id.
REFUSED_AS_MISSING = {
    "studio.render_jobs.enqueue_video",
    # A line naming another organisation's media is a bad line, as for a missing id.
    "publishing.imports.run",
    # Another organisation's plan: "nothing of this plan waits", as for a plan never made.
    "publishing.review.decide_plan",
    # A line naming another organisation is a bad line (ImportRefused names it).
    "publishing.faq_import.import_table",
}


def service_functions() -> dict[str, Callable[..., Any]]:
    """``module.function`` -> function, for every public function taking ``actor``."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(services_pkg.__path__, "publisher.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(fn).parameters:
                found[f"{info.name.removeprefix('publisher.services.')}.{name}"] = fn
    return found


@dataclasses.dataclass
class World:
    s: Any
    a: Any  # office A (the victim)
    b: Any  # office B (the actor's)
    post_a: int
    delivery_a: int
    asset_a: int
    asset_b: Any
    alert_a: int
    job_a: int
    campaign_a: str
    tmp: Path
    #: Organisation A's report request (its coordinator asked A's units).
    request_a: int = 0

    def actor(self, role: str = "editor") -> Any:
        return self.b.actor(role)


def _png(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 40 + seed).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def world(db: Any, clock: Any, tmp_path: Path) -> Any:
    a = make_office(
        f"{MARK}-so",
        channels={f"tg-{MARK}": telegram_channel("@zqxa_so"), f"hook-{MARK}": webhook_channel()},
    )
    b = make_office("xa-an-phuoc", channels={"tg-b": telegram_channel("@an_phuoc")})
    with session_scope() as s:
        post = posts.compose(
            s,
            a.actor("officer"),
            posts.PostInput(
                text=f"Bài nội bộ {MARK}",
                title=f"Tiêu đề {MARK}",
                channels=[f"tg-{MARK}"],
                due_at=clock.now() + timedelta(days=3),
            ),
        )
        assert post.id is not None
        posts.submit(s, a.actor("officer"), post.id)
        posts.approve(s, a.actor("editor"), post.id)
        d = s.exec(Delivery.__table__.select().where(Delivery.post_id == post.id)).first()
        asset = media.add_file(s, a.actor("editor"), _png(1), filename="a.png", title=f"Ảnh {MARK}")
        asset_b = media.add_file(s, b.actor("editor"), _png(1), filename="b.png", title="Ảnh B")
        alert = alerts.raise_alert(
            s,
            "delivery_failed",
            "alert.delivery_failed",
            org_id=a.org.id,
            object_type="delivery",
            object_id=d.id,
            channel=f"tg-{MARK}",
            post_id=post.id,
            delivery_id=d.id,
            detail=f"lỗi {MARK}",
        )
        job = renders.enqueue_video(s, a.actor("editor"), [asset.id], title=f"Video {MARK}")
        campaign = campaigns.create_campaign(
            s,
            a.actor("editor"),
            f"Chiến dịch {MARK}",
            on=date(2026, 11, 20),
            org_id=a.org.id,
            slug=f"{MARK}-cd",
        )
        s.add(
            __import__("publisher.models", fromlist=["STTask"]).STTask(
                org_id=a.org.id, code=f"{MARK}-01", title=f"Nhiệm vụ {MARK}"
            )
        )
        s.flush()
        request = collection.open_request(
            s, a.actor("coordinator"), date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15),
            title=f"Báo cáo {MARK}",
        )  # fmt: skip
        activities.add(
            s, a.actor("manager"), org=a.org.slug, kind="training", on_date=date(2026, 9, 1),
            title=f"Tập huấn {MARK}",
        )  # fmt: skip
        ids = (post.id, d.id, asset.id, alert.id, job.id, campaign.slug, request.id)
    from publisher.models import MediaAsset

    # One session per test, rolled back at the end: a refused call must not need cleaning.
    with session_scope() as s:
        asset_b_row = s.get(MediaAsset, asset_b.id)
        try:
            yield World(
                s, a, b, ids[0], ids[1], ids[2], asset_b_row, ids[3], ids[4], ids[5], tmp_path,
                ids[6],
            )  # fmt: skip
        finally:
            s.rollback()


def period() -> Any:
    return parse_period("2026-H2")


def _task_file(w: World) -> str:
    path = w.tmp / "insight.tasks.csv"
    path.write_text(f"Mã nhiệm vụ,Tên nhiệm vụ,Đơn vị\n{MARK}-99,Chen vào,{MARK}-so\n")
    return str(path)


def _later(w: World) -> Any:
    from publisher.timeutil import utcnow

    return utcnow() + timedelta(days=5)


def _handover_a(w: World) -> int:
    """A citizen's question in A's FAQ bot inbox (inside the row's savepoint)."""
    row = faq_inbox.hand_over(
        w.s,
        channel_id=w.a.channels[f"tg-{MARK}"].id,
        chat_id="501",
        display_name=f"Dân {MARK}",
        question=f"Câu hỏi {MARK}",
        now=_later(w),
    )
    assert row.id is not None
    return row.id


def _faq_a(w: World, status: str = "in_review") -> int:
    """An answer of A's knowledge base (inside the row's savepoint)."""
    from publisher.models import FaqAnswer

    row = FaqAnswer(
        org_id=w.a.org.id, status=status, question=f"Câu hỏi {MARK}?", answer=f"Đáp {MARK}",
        source_url="https://a.gov.vn", variants=[f"biến thể {MARK}"],
    )  # fmt: skip
    w.s.add(row)
    w.s.flush()
    return int(row.id or 0)


def _faq_query_a(w: World) -> int:
    from publisher.models import FaqQuery

    row = FaqQuery(org_id=w.a.org.id, text=f"hỏi {MARK}", outcome="unanswered")
    w.s.add(row)
    w.s.flush()
    return int(row.id or 0)


def _faq_table(w: World) -> bytes:
    """A table naming A in its org column, imported by a user of B."""
    return f"question,answer,source_url,org\nChen {MARK}?,B,https://b.vn,{w.a.org.slug}\n".encode()


def _faq_input() -> Any:
    return faq.AnswerInput("Câu hỏi của B?", "Trả lời.", "https://b.gov.vn")


def _a_waits(w: World) -> bool:
    """A plan post of A waiting for review (inside the row's savepoint): what the review
    desk's reads must not show to B."""
    post = posts.compose(
        w.s,
        w.a.actor("officer"),
        posts.PostInput(
            text=f"Kế hoạch {MARK}",
            channels=[f"tg-{MARK}"],
            due_at=_later(w),
            campaign=w.campaign_a,
            campaign_year=2026,
            plan_key=f"plan:{MARK}:2026",
        ),
    )
    posts.submit(w.s, w.a.actor("officer"), post.id or 0)
    return True


def _a_signs(w: World) -> int:
    """A requires a manager's sign-off and one of its posts waits for it (inside the row's
    savepoint): what B's manager must neither see nor sign off."""
    from publisher.services.publishing import signoff

    _a_waits(w)
    signoff.set_required(w.s, w.a.actor("manager"), w.a.org.id, True)
    waiting = review.queue(w.s, w.a.actor("editor"))[0].post.id or 0
    posts.approve(w.s, w.a.actor("editor"), waiting)
    return waiting


def _a_notified(w: World) -> bool:
    """A's editor takes email notifications and one about A's post is queued."""
    from publisher.services.accounts import notifications

    notifications.set_preferences(w.s, w.a.actor("editor"), email="a@zqxa.gov.vn", events={})
    _a_waits(w)
    return True


def _a_sandbox_mail(w: W) -> list[dict[str, Any]]:
    """The sandbox's records of an email and a private Telegram message to A's editor."""
    from publisher.models import NotifyContact

    _a_notified(w)
    contact = w.s.get(NotifyContact, w.a.users["editor"].id)
    contact.telegram_chat_id = "7001"
    w.s.add(contact)
    w.s.flush()
    said = {"received_at": 0, "accepted": True, "text": "Bài «zqxa» đang chờ duyệt"}
    return [
        {**said, "platform": "email", "method": "sendmail", "account": "a@zqxa.gov.vn"},
        {**said, "platform": "telegram", "method": "sendMessage", "account": "7001"}
        | {"chat_type": "private"},
    ]


def _signoff() -> Any:
    return importlib.import_module("publisher.services.publishing.signoff")


def _leaks_a_channel(w: World, ids: Any) -> str:
    """Channel ids that include one of A's would show as the marker."""
    return MARK if set(ids) & {c.id for c in w.a.channels.values()} else ""


def _a_has_followers(w: World) -> bool:
    """A's channel has a follower history inside the period (what ``in_period`` reads)."""
    from publisher.models import KeyValue

    at = period().start_utc.isoformat()
    cid = w.a.channels[f"tg-{MARK}"].id
    w.s.add(KeyValue(key=f"audience.{cid}", value={"count": 5, "at": at, "history": [[at, 5]]}))
    w.s.flush()
    return True


def _zero(count: int) -> str:
    """A count of A's posts would show as the marker (B has no post waiting)."""
    return MARK if count else ""


def _campaign_id(w: World) -> int:
    return int(campaigns.get_campaign(w.s, ADMIN, w.campaign_a).id or 0)


def _table_with_a_media(w: World) -> bytes:
    """B's own channel, A's picture: the line must be refused."""
    return f"time,channels,text,media\n15/10/2026 08:00,tg-b,Chen,#{w.asset_a}\n".encode()


W = World
#: name -> (call as a user of B against A, is_write)
CALLS: dict[str, tuple[Callable[[W], Any], bool]] = {
    "accounts.alerts.list_alerts": (lambda w: alerts.list_alerts(w.s, w.actor()), False),
    "accounts.alerts.resolve": (lambda w: alerts.resolve(w.s, w.actor(), w.alert_a), True),
    "publishing.calendar.period": (
        lambda w: calendar.period(w.s, w.actor(), date(2026, 10, 1), date(2026, 11, 30)),
        False,
    ),
    "publishing.calendar.markers": (
        lambda w: calendar.markers(w.s, w.actor(), date(2026, 10, 1), date(2026, 12, 31)),
        False,
    ),
    "publishing.campaigns.create_campaign": (
        lambda w: campaigns.create_campaign(
            w.s, w.actor(), "Chen", on=date(2026, 12, 1), org_id=w.a.org.id
        ),
        True,
    ),
    "publishing.campaigns.list_campaigns": (
        lambda w: campaigns.list_campaigns(w.s, w.actor(), 2026),
        False,
    ),
    "publishing.campaigns.upcoming": (
        lambda w: campaigns.upcoming(w.s, w.actor(), date(2026, 10, 2)),
        False,
    ),
    "publishing.campaigns.get_campaign": (
        lambda w: campaigns.get_campaign(w.s, w.actor(), w.campaign_a),
        False,
    ),
    "publishing.channels.add_channel": (
        lambda w: channels.add_channel(
            w.s,
            w.actor(),
            kind="telegram",
            name="chen",
            org=w.a.org.slug,
            settings={"chat_id": "@chen_news"},
            credentials={"bot_token": "1:x"},
        ),
        True,
    ),
    "publishing.channels.update_channel": (
        lambda w: channels.update_channel(
            w.s, w.actor(), w.a.channels[f"tg-{MARK}"].id, enabled=False
        ),
        True,
    ),
    "publishing.channels.get_channel": (
        lambda w: channels.get_channel(w.s, w.actor(), f"tg-{MARK}"),
        False,
    ),
    "insight.audience.current": (lambda w: audience.current(w.s, w.actor("manager")), False),
    "insight.audience.in_period": (
        lambda w: audience.in_period(w.s, w.actor("manager"), period().start_utc, period().end_utc),
        False,
    ),
    "publishing.zalo_connect.start": (
        lambda w: zalo_connect.start(w.s, w.actor(), w.a.channels[f"tg-{MARK}"].id),
        True,
    ),
    "publishing.channels.list_channels": (lambda w: channels.list_channels(w.s, w.actor()), False),
    "publishing.faq_inbox.list_handovers": (
        lambda w: (_handover_a(w), faq_inbox.list_handovers(w.s, w.actor()))[1],
        False,
    ),
    "publishing.faq_inbox.reply": (
        lambda w: faq_inbox.reply(w.s, w.actor(), _handover_a(w), "Trả lời", now=_later(w)),
        True,
    ),
    "publishing.channels.test_channel": (
        lambda w: channels.test_channel(w.s, w.actor(), w.a.channels[f"tg-{MARK}"].id),
        True,
    ),
    "publishing.drafts.check_draft": (
        lambda w: composer.check_draft(w.s, w.actor(), [w.a.channels[f"tg-{MARK}"].id], "Tin"),
        False,
    ),
    "publishing.drafts.channel_choices": (
        lambda w: composer.channel_choices(w.s, w.actor()),
        False,
    ),
    "publishing.drafts.task_choices": (lambda w: composer.task_choices(w.s, w.actor()), False),
    "publishing.deliveries.get_delivery": (
        lambda w: deliveries.get_delivery(w.s, w.actor(), w.delivery_a),
        False,
    ),
    # Counts carry no marker: tests/ui/test_gaps_small.py checks B's totals leave A's out.
    "publishing.deliveries.status_counts": (
        lambda w: deliveries.status_counts(w.s, w.actor(), ["scheduled", "published"]),
        False,
    ),
    "publishing.posting_hours.check_time": (
        lambda w: posting_hours.check_time(w.s, w.actor(), [w.a.channels[f"tg-{MARK}"].id], None),
        False,
    ),
    "publishing.posting_hours.set_hours": (
        lambda w: posting_hours.set_hours(
            w.s, w.actor(), w.a.channels[f"tg-{MARK}"].id, start="07:00", end="21:00"
        ),
        True,
    ),
    "publishing.drafts.hours_warnings": (
        lambda w: composer.hours_warnings(w.s, w.actor(), w.post_a),
        False,
    ),
    # A dict of ids: tests/ui/test_gaps_zalo.py checks another organisation's are left out.
    "publishing.zalo_broadcast.outcomes": (
        lambda w: zalo_broadcast.outcomes(w.s, w.actor(), [w.delivery_a]),
        False,
    ),
    "publishing.deliveries.retry": (lambda w: deliveries.retry(w.s, w.actor(), w.delivery_a), True),
    "publishing.deliveries.mark_verified": (
        lambda w: deliveries.mark_verified(w.s, w.actor(), w.delivery_a, url="https://x"),
        True,
    ),
    "publishing.deliveries.mark_not_published": (
        lambda w: deliveries.mark_not_published(w.s, w.actor(), w.delivery_a),
        True,
    ),
    "insight.kpi.all_kpis": (
        lambda w: kpi.all_kpis(w.s, w.actor("manager"), period(), org_id=w.a.org.id),
        False,
    ),
    "studio.library.add_file": (
        lambda w: media.add_file(w.s, w.actor(), _png(7), org_id=w.a.org.id, filename="x.png"),
        True,
    ),
    "studio.library.render_infographic_asset": (
        lambda w: media.render_infographic_asset(
            w.s, w.actor(), "quote", {"title": "Chen"}, org_id=w.a.org.id
        ),
        True,
    ),
    "studio.library.get_asset": (lambda w: media.get_asset(w.s, w.actor(), w.asset_a), False),
    "studio.library.list_assets": (
        lambda w: media.list_assets(w.s, w.actor(), org_id=w.a.org.id),
        False,
    ),
    "studio.library.set_tags": (
        lambda w: media.set_tags(w.s, w.actor(), w.asset_a, ["chen"]),
        True,
    ),
    "studio.library.library_page": (lambda w: media.library_page(w.s, w.actor()), False),
    "studio.library.near_duplicates": (
        lambda w: media.near_duplicates(w.s, w.actor(), w.asset_b, 64),
        False,
    ),
    "accounts.orgs.create_org": (
        lambda w: orgs.create_org(w.s, w.actor(), "Chen", slug="chen"),
        True,
    ),
    "accounts.orgs.list_orgs": (lambda w: orgs.list_orgs(w.s, w.actor()), False),
    "accounts.orgs.readable_org_ids": (
        lambda w: orgs.readable_org_ids(w.s, w.actor("coordinator")),
        False,
    ),
    "accounts.orgs.require_readable": (
        lambda w: orgs.require_readable(w.s, w.actor("coordinator"), w.a.org.id),
        False,
    ),
    "insight.results.publish": (
        lambda w: results.publish(w.s, w.actor("coordinator"), w.campaign_a, 2026),
        True,
    ),
    "insight.results.withdraw": (
        lambda w: results.withdraw(w.s, w.actor("coordinator"), w.campaign_a, 2026),
        True,
    ),
    "insight.public_links.results_state": (
        lambda w: public_links.results_state(w.s, w.actor("coordinator"), w.campaign_a, 2026),
        False,
    ),
    "insight.public_links.links_for_unit": (
        lambda w: public_links.links_for_unit(w.s, w.actor("manager"), w.a.org.id),
        False,
    ),
    "insight.public_links.links_for_campaign": (
        lambda w: public_links.links_for_campaign(w.s, w.actor(), w.campaign_a, 2026),
        False,
    ),
    "insight.collection.open_request": (
        lambda w: collection.open_request(
            w.s,
            w.actor("coordinator"),
            date(2026, 7, 1),
            date(2026, 9, 30),
            date(2026, 10, 15),
            [w.a.org.slug],
        ),
        True,
    ),
    "insight.collection.get_request": (
        lambda w: collection.get_request(w.s, w.actor("coordinator"), w.request_a),
        False,
    ),
    "insight.collection.submit": (
        lambda w: collection.submit(w.s, w.actor("manager"), w.request_a, w.a.org.slug),
        True,
    ),
    "insight.collection.status": (
        lambda w: collection.status(w.s, w.actor("coordinator"), w.request_a),
        False,
    ),
    "insight.collection.remind": (
        lambda w: collection.remind(w.s, w.actor("coordinator"), w.request_a),
        True,
    ),
    "insight.collection.close": (
        lambda w: collection.close(w.s, w.actor("coordinator"), w.request_a),
        True,
    ),
    "insight.collection.list_requests": (
        lambda w: collection.list_requests(w.s, w.actor("coordinator")),
        False,
    ),
    "insight.collection.compile_report": (
        lambda w: collection.compile_report(w.s, w.actor("coordinator"), w.request_a, "docx"),
        False,
    ),
    "insight.activities.add": (
        lambda w: activities.add(
            w.s,
            w.actor("manager"),
            org=w.a.org.slug,
            kind="award",
            on_date=date(2026, 9, 2),
            title="Chen",
        ),
        True,
    ),
    "insight.activities.query": (
        lambda w: activities.query(w.s, w.actor("coordinator"), period(), [w.a.org.id]),
        False,
    ),
    "insight.activities.in_period": (
        lambda w: activities.in_period(w.s, w.actor("coordinator"), parse_period("2026")),
        False,
    ),
    "insight.criteria.list_criteria": (
        lambda w: criteria.list_criteria(w.s, w.actor("coordinator")),
        False,
    ),
    "insight.criteria.set_target": (
        lambda w: criteria.set_target(w.s, w.actor("manager"), "posts", 2027, 1),
        True,
    ),
    "insight.criteria.evaluate": (
        lambda w: criteria.evaluate(w.s, w.actor("coordinator"), period(), [w.a.org.id]),
        False,
    ),
    "publishing.campaign_media.scaffold_with_media": (
        lambda w: importlib.import_module(
            "publisher.services.publishing.campaign_media"
        ).scaffold_with_media(w.s, w.actor(), "ngay-chuyen-doi-so", 2026, [f"tg-{MARK}"]),
        True,
    ),
    "publishing.campaign_media.plan_occurrence": (
        lambda w: importlib.import_module(
            "publisher.services.publishing.campaign_media"
        ).plan_occurrence(
            w.s,
            w.actor(),
            "ngay-chuyen-doi-so",
            2026,
            [f"tg-{MARK}"],
            with_media=True,
            submit=True,
        ),
        True,
    ),
    "publishing.plans.scaffold": (
        lambda w: plans.scaffold(w.s, w.actor(), "ngay-chuyen-doi-so", 2026, [f"tg-{MARK}"]),
        True,
    ),
    "publishing.plans.submit_plan": (
        lambda w: plans.submit_plan(
            w.s, w.actor(), plans.PlanResult(existing=[posts.get_post(w.s, ADMIN, w.post_a)])
        ),
        True,
    ),
    "publishing.posts.compose": (
        lambda w: posts.compose(
            w.s,
            w.actor("officer"),
            posts.PostInput(text="Chen", channels=[f"tg-{MARK}"], due_at=None),
        ),
        True,
    ),
    "publishing.posts.get_post": (lambda w: posts.get_post(w.s, w.actor(), w.post_a), False),
    "publishing.posts.update": (
        lambda w: posts.update(
            w.s, w.actor(), w.post_a, posts.PostInput(text="Chen", channels=[f"tg-{MARK}"])
        ),
        True,
    ),
    "publishing.posts.save": (
        lambda w: posts.save(
            w.s,
            w.actor(),
            w.post_a,
            posts.PostInput(text="Chen", channels=[f"tg-{MARK}"]),
            for_review=True,
        ),
        True,
    ),
    "publishing.posts.submit": (lambda w: posts.submit(w.s, w.actor(), w.post_a), True),
    "publishing.posts.approve": (lambda w: posts.approve(w.s, w.actor(), w.post_a), True),
    "publishing.posts.reject": (lambda w: posts.reject(w.s, w.actor(), w.post_a, "không"), True),
    "publishing.posts.cancel": (lambda w: posts.cancel(w.s, w.actor(), w.post_a), True),
    "publishing.posts.list_posts": (lambda w: posts.list_posts(w.s, w.actor()), False),
    "publishing.posts.detail": (lambda w: posts.detail(w.s, w.actor(), w.post_a), False),
    "studio.render_jobs.enqueue": (
        lambda w: renders.enqueue(w.s, w.actor(), "video", {"images": []}, org_id=w.a.org.id),
        True,
    ),
    "studio.render_jobs.enqueue_video": (
        lambda w: renders.enqueue_video(w.s, w.actor(), [w.asset_a], title="Chen"),
        True,
    ),
    "studio.render_jobs.queue_board": (
        lambda w: renders.queue_board(w.s, w.actor(), ["queued", "rendering", "done"]),
        False,
    ),
    "studio.render_jobs.post_board": (
        lambda w: renders.post_board(w.s, w.actor(), w.post_a),
        False,
    ),
    "studio.render_jobs.jobs_board": (
        lambda w: renders.jobs_board(w.s, w.actor(), [w.job_a], with_fits=True),
        False,
    ),
    "studio.render_jobs.get_job": (lambda w: renders.get_job(w.s, w.actor(), w.job_a), False),
    "studio.render_jobs.cancel": (lambda w: renders.cancel(w.s, w.actor(), w.job_a), True),
    "studio.render_jobs.retry": (lambda w: renders.retry(w.s, w.actor(), w.job_a), True),
    "studio.render_jobs.list_jobs": (
        lambda w: renders.list_jobs(w.s, w.actor(), org_id=w.a.org.id),
        False,
    ),
    "studio.render_jobs.post_renders": (
        lambda w: renders.post_renders(w.s, w.actor(), w.post_a),
        False,
    ),
    "insight.reports.generate": (
        lambda w: report_generate(w.s, w.actor("manager"), "2026-H2", "xlsx", None),
        False,
    ),
    "insight.reports.data.gather": (
        lambda w: report_data.gather(w.s, w.actor("manager"), period(), w.a.org.slug),
        False,
    ),
    "insight.faq_stats.learning": (
        lambda w: (
            _faq_query_a(w),
            faq_stats.learning(w.s, w.actor(), start=_later(w) - timedelta(days=30), end=_later(w)),
        )[1],
        False,
    ),
    "publishing.faq.get_answer": (lambda w: faq.get_answer(w.s, w.actor(), _faq_a(w)), False),
    "publishing.faq.list_answers": (
        lambda w: (_faq_a(w), faq.list_answers(w.s, w.actor()))[1],
        False,
    ),
    "publishing.faq.create": (
        lambda w: faq.create(w.s, w.actor(), _faq_input(), org_id=w.a.org.id),
        True,
    ),
    "publishing.faq.update": (
        lambda w: faq.update(w.s, w.actor(), _faq_a(w), _faq_input()),
        True,
    ),
    "publishing.faq.submit": (
        lambda w: faq.submit(w.s, w.actor(), _faq_a(w, "draft")),
        True,
    ),
    "publishing.faq.approve": (lambda w: faq.approve(w.s, w.actor(), _faq_a(w)), True),
    "publishing.faq.reject": (lambda w: faq.reject(w.s, w.actor(), _faq_a(w), "Sai"), True),
    "publishing.faq.archive": (lambda w: faq.archive(w.s, w.actor(), _faq_a(w)), True),
    "publishing.faq.from_post": (
        lambda w: faq.from_post(w.s, w.actor(), w.post_a, "Câu hỏi?"),
        True,
    ),
    "publishing.faq.from_campaign": (
        lambda w: faq.from_campaign(w.s, w.actor(), w.campaign_a, "https://b.gov.vn"),
        True,
    ),
    "publishing.faq.from_query": (
        lambda w: faq.from_query(w.s, w.actor(), _faq_query_a(w), _faq_input()),
        True,
    ),
    "publishing.faq_import.import_table": (
        lambda w: faq_import.import_table(w.s, w.actor(), "a.csv", _faq_table(w)),
        True,
    ),
    "publishing.review.queue": (lambda w: review.queue(w.s, w.actor()), False),
    "publishing.review.my_posts": (lambda w: review.my_posts(w.s, w.actor()), False),
    "publishing.review.approve": (lambda w: review.approve(w.s, w.actor(), w.post_a), True),
    "publishing.review.approve_at": (
        lambda w: review.approve_at(w.s, w.actor(), w.post_a, _later(w)),
        True,
    ),
    "publishing.review.queue_choices": (
        lambda w: _a_waits(w) and review.queue_choices(w.s, w.actor()),
        False,
    ),
    "publishing.review.waiting_count": (
        lambda w: _a_waits(w) and _zero(review.waiting_count(w.s, w.actor())),
        False,
    ),
    "publishing.review.plans_waiting": (
        lambda w: _a_waits(w) and review.plans_waiting(w.s, w.actor()),
        False,
    ),
    "publishing.review.history": (lambda w: review.history(w.s, w.actor()), False),
    "publishing.signoff.is_required": (
        lambda w: _signoff().is_required(w.s, w.actor("manager"), w.a.org.id),
        False,
    ),
    "publishing.signoff.set_required": (
        lambda w: _signoff().set_required(w.s, w.actor("manager"), w.a.org.id, True),
        True,
    ),
    "publishing.signoff.queue": (
        lambda w: _a_signs(w) and _signoff().queue(w.s, w.actor("manager")),
        False,
    ),
    "publishing.signoff.waiting_count": (
        lambda w: _a_signs(w) and _zero(_signoff().waiting_count(w.s, w.actor("manager"))),
        False,
    ),
    "publishing.signoff.approve": (
        lambda w: _signoff().approve(w.s, w.actor("manager"), _a_signs(w)),
        True,
    ),
    "publishing.signoff.reject": (
        lambda w: _signoff().reject(w.s, w.actor("manager"), _a_signs(w), "Chen"),
        True,
    ),
    "publishing.review.decide_plan": (
        lambda w: (
            _a_waits(w) and review.decide_plan(w.s, w.actor(), _campaign_id(w), 2026, approve=True)
        ),
        True,
    ),
    "publishing.posts.reschedule": (
        lambda w: posts.reschedule(w.s, w.actor(), w.post_a, _later(w)),
        True,
    ),
    "publishing.posts.edit": (
        lambda w: posts.edit(w.s, w.actor(), w.post_a, posts.PostChanges(text="Chen")),
        True,
    ),
    "publishing.imports.run": (
        lambda w: imports.run(w.s, w.actor(), "a.csv", _table_with_a_media(w)),
        True,
    ),
    "publishing.imports.check": (
        lambda w: imports.check(w.s, w.actor(), "a.csv", _table_with_a_media(w)),
        False,
    ),
    "publishing.remote.copies": (lambda w: remote.copies(w.s, w.actor(), w.post_a), False),
    "publishing.remote.copy_of": (lambda w: remote.copy_of(w.s, w.actor(), w.delivery_a), False),
    "publishing.remote.edit_on_platform": (
        lambda w: remote.edit_on_platform(w.actor(), w.delivery_a, "Chen"),
        True,
    ),
    "publishing.remote.delete_on_platform": (
        lambda w: remote.delete_on_platform(w.actor(), w.delivery_a),
        True,
    ),
    "insight.stats.scoped": (
        lambda w: stats.scoped(w.s, w.actor("manager"), stats.StatsFilter(org_id=w.a.org.id)),
        False,
    ),
    "insight.stats.totals": (
        lambda w: stats.totals(w.s, w.actor("manager"), stats.StatsFilter(org_id=w.a.org.id)),
        False,
    ),
    "insight.stats.breakdown": (
        lambda w: stats.breakdown(w.s, w.actor("manager"), stats.StatsFilter(), "channel"),
        False,
    ),
    "insight.stats.top_posts": (
        lambda w: stats.top_posts(w.s, w.actor("manager"), stats.StatsFilter()),
        False,
    ),
    "insight.stats.year_over_year": (
        lambda w: stats.year_over_year(
            w.s, w.actor("manager"), None, [2025, 2026], stats.StatsFilter()
        ),
        False,
    ),
    "insight.stats.per_delivery": (
        lambda w: stats.per_delivery(w.s, w.actor("manager"), stats.StatsFilter()),
        False,
    ),
    "insight.stats.campaign_choices": (
        lambda w: stats.campaign_choices(w.s, w.actor("manager")),
        False,
    ),
    "insight.stats.growth": (
        lambda w: stats.growth(w.s, w.actor("manager"), stats.StatsFilter()),
        False,
    ),
    "insight.tasks.import_tasks": (
        lambda w: tasks.import_tasks(w.s, w.actor(), _task_file(w)),
        True,
    ),
    "insight.tasks.list_tasks": (
        lambda w: tasks.list_tasks(w.s, w.actor(), org_id=w.a.org.id),
        False,
    ),
    "accounts.users.create_user": (
        lambda w: users.create_user(
            w.s, w.actor(), "chen", "editor", w.a.org.slug, password="correct horse battery"
        ),
        True,
    ),
    "accounts.users.list_users": (lambda w: users.list_users(w.s, w.actor()), False),
    "accounts.audit_log.search": (lambda w: audit_log.search(w.s, w.actor("manager")), False),
    "accounts.audit_log.choices": (lambda w: audit_log.choices(w.s, w.actor("manager")), False),
    "accounts.orgs.require_all_readable": (
        lambda w: orgs.require_all_readable(w.s, w.actor("coordinator"), [w.a.org.id]),
        False,
    ),
    "accounts.users.change_role": (
        lambda w: users.change_role(w.s, w.actor(), f"{MARK}-so-officer", "editor"),
        True,
    ),
    "insight.activities.count": (
        lambda w: activities.count(w.s, w.actor("coordinator"), period(), [w.a.org.id]),
        False,
    ),
    "accounts.notifications.outbox": (
        lambda w: (
            _a_notified(w)
            and importlib.import_module("publisher.services.accounts.notifications").outbox(
                w.s, w.actor()
            )
        ),
        False,
    ),
    "insight.activities.count_by_kind": (
        lambda w: activities.count_by_kind(w.s, w.actor("coordinator"), period(), [w.a.org.id]),
        False,
    ),
    "operations.sandbox.messages_from": (
        lambda w: sandbox.messages_from(w.s, w.actor(), _a_sandbox_mail(w)),
        False,
    ),
    "operations.sandbox.sandbox_channels": (
        lambda w: _leaks_a_channel(w, sandbox.sandbox_channels(w.s, w.actor())),
        False,
    ),
    "publishing.channels.last_sent": (
        lambda w: _leaks_a_channel(w, channels.last_sent(w.s, w.actor())),
        False,
    ),
    "studio.brandkit.describe": (lambda w: brandkit.describe(w.s, w.actor(), w.a.org.id), False),
    "studio.brandkit.update": (
        lambda w: brandkit.update(w.s, w.actor("editor"), w.a.org.id, primary="#000000"),
        True,
    ),
    "studio.library.set_alt_text": (
        lambda w: media.set_alt_text(w.s, w.actor(), w.asset_a, "Chen"),
        True,
    ),
    "studio.library.set_details": (
        lambda w: media.set_details(w.s, w.actor(), w.asset_a, "Chen", ["chen"]),
        True,
    ),
    "studio.library.upload": (
        lambda w: media.upload(w.s, w.actor(), "x.png", _png(9), org_id=w.a.org.id),
        True,
    ),
    "accounts.users.set_password": (
        lambda w: users.set_password(w.s, w.actor(), f"{MARK}-so-officer", "new pass 12345"),
        True,
    ),
    "accounts.users.set_active": (
        lambda w: users.set_active(w.s, w.actor(), f"{MARK}-so-officer", False),
        True,
    ),
    "publishing.bulletins.source_posts": (
        lambda w: bulletins.source_posts(w.s, w.actor(), post_ids=[w.post_a]),
        False,
    ),
    "publishing.bulletins.week_posts": (
        # A's approved post is due in this week: it must not be offered to B.
        lambda w: bulletins.week_posts(w.s, w.actor(), date(2026, 10, 1)),
        False,
    ),
    "publishing.bulletins.draft_script": (
        lambda w: bulletins.draft_script(
            w.s, w.actor(), [posts.get_post(w.s, ADMIN, w.post_a)], date(2026, 10, 1)
        ),
        False,
    ),
    "publishing.bulletins.make": (
        lambda w: bulletins.make(w.s, w.actor(), "Chen vào", org_id=w.a.org.id),
        True,
    ),
    "publishing.bulletins.get_bulletin": (
        lambda w: bulletins.get_bulletin(w.s, w.actor(), w.asset_a),
        False,
    ),
    "publishing.bulletins.schedule": (
        lambda w: bulletins.schedule(w.s, w.actor(), w.asset_a, ["tg-b"], _later(w)),
        True,
    ),
    "insight.reach.bulletin_deliveries": (
        lambda w: reach.bulletin_deliveries(w.s, w.actor()),
        False,
    ),
    "insight.reach.confirm_played": (
        lambda w: reach.confirm_played(w.s, w.actor("officer"), w.delivery_a, "xa-an-phuoc"),
        True,
    ),
}

#: Functions with an ``actor`` that are not entry points for a person, and why.
EXEMPT: dict[str, str] = {
    "accounts.audit.record": (
        "records what its caller already checked; never called with user input"
    ),
    "accounts.audit.record_many": (
        "audit.record for the engine's batches; never called with user input"
    ),
    "accounts.alerts.resolve_open": (
        "the FAQ bot resolving its own channel's polling alert (a system actor, no user input)"
    ),
    "publishing.channel_health.flag_channel": "called by the engine with a channel it loaded",
    "publishing.deliveries.transition": (
        "the state machine, called by services that checked the actor"
    ),
    "publishing.deliveries.transition_many": (
        "the state machine, called by services that checked the actor"
    ),
    "operations.keys.rotate_key": "server-side key rotation (CLI, whole database, admin only)",
    "publishing.campaign_media.media_for_post": (
        "called by scaffold_with_media with a post it created"
    ),
    "publishing.faq.approval_refusal": (
        "a pure check of an answer its caller already loaded for the actor (faq.approve)"
    ),
    # faq_search.ask / feedback take no actor (the public asks through a bot):
    # test_the_public_asking_one_unit_never_gets_another_units_answers covers them.
    "publishing.posts.approval_refusal": (
        "a pure check of a post its caller already loaded for the actor "
        "(posts.approve, review.approve, the review page); reads nothing"
    ),
    "accounts.notifications.preferences": (
        "acts only on the caller's own notification contact (actor.user_id); "
        "takes no object to name another user's"
    ),
    "accounts.notifications.set_preferences": (
        "acts only on the caller's own notification contact (actor.user_id); "
        "takes no object to name another user's"
    ),
    "accounts.notifications.new_link_code": (
        "acts only on the caller's own notification contact (actor.user_id); "
        "takes no object to name another user's"
    ),
    "accounts.notifications.unlink_telegram": (
        "acts only on the caller's own notification contact (actor.user_id); "
        "takes no object to name another user's"
    ),
    "publishing.signoff.refusal": (
        "a pure check of a post its caller already loaded for the actor "
        "(signoff.approve, the review page); reads nothing"
    ),
    "studio.preview.preview_infographic": "renders the caller's own brand; takes no object id",
    "studio.render_jobs.enqueue_motion": (
        "queues a clip of the caller's own organisation from typed fields; takes no object id"
    ),
    "operations.sandbox.received": "demo emulator only: its records are not organisation data",
    "operations.sandbox.sent_messages": (
        "reads the demo emulator's records and keeps what messages_from keeps (its row above)"
    ),
    "accounts.users.change_own_password": (
        "acts only on the caller's own account (actor.user_id); "
        "takes no object to name another organisation's"
    ),
    "insight.engagement.collect_now": (
        "opens its own sessions (the worker's path) on the channels of "
        "orgs.readable_org_ids: tests/province/test_live_stats.py"
    ),
    "insight.kpi.set_target": (
        "province-wide targets, admin only: see "
        "test_kpi_targets_can_only_be_changed_by_an_administrator"
    ),
}

#: Known gaps (a failing row would be a false claim): kept visible, strict xfail.
GAPS: dict[str, str] = {}


def test_every_actor_function_has_an_isolation_case() -> None:
    missing = set(service_functions()) - set(CALLS) - set(EXEMPT) - set(GAPS)
    assert missing == set(), f"service functions without an isolation case: {sorted(missing)}"
    stale = (set(CALLS) | set(EXEMPT) | set(GAPS)) - set(service_functions())
    assert stale == set(), f"rows for functions that no longer exist: {sorted(stale)}"


def dump(value: Any, depth: int = 0) -> str:
    """Every text reachable from a service result (rows, dataclasses, dicts, XLSX/DOCX)."""
    if depth > 6:
        return ""
    if isinstance(value, SQLModel):
        return repr(value.model_dump())
    if isinstance(value, bytes):
        if value[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(value)) as zf:
                return " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
        return value.decode("latin-1")
    if isinstance(value, dict):
        return " ".join(dump(k, depth + 1) + dump(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(dump(v, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(dump(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    if hasattr(value, "__dict__") and not callable(value):
        return dump({k: v for k, v in vars(value).items() if not k.startswith("_")}, depth + 1)
    return str(value)


def _state(s: Any) -> str:
    """Every row of every table (after a flush): nothing may change on a refused write."""
    s.flush()
    out = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name in ("auditevent",):
            continue
        out.append(repr(sorted(map(repr, s.execute(table.select()).all()))))
    return "\n".join(out)


def _attempt(world: World, name: str) -> str | None:
    """Run one row inside a savepoint (rolled back); returns what went wrong, if anything."""
    call, is_write = CALLS[name]
    before = _state(world.s)
    savepoint = world.s.begin_nested()
    try:
        result = call(world)
    except REFUSED:
        savepoint.rollback()
        return None if _state(world.s) == before else "refused, yet something changed"
    except InvalidInput as exc:
        savepoint.rollback()
        if name in REFUSED_AS_MISSING and _state(world.s) == before:
            return None
        return f"unexpected {exc!r}"
    except Exception as exc:  # any other error is a bug in the row or in the service
        savepoint.rollback()
        return f"unexpected {exc!r}"
    text = dump(result).lower()
    savepoint.rollback()
    if is_write:
        return "a user of B wrote to organisation A"
    if MARK in text:
        return "returned organisation A's data to a user of B"
    return None


def test_no_user_of_another_organisation_reaches_anything(world: World) -> None:
    """Every row of CALLS, as a user of B against A (one world, a savepoint per row)."""
    problems = {name: _attempt(world, name) for name in sorted(CALLS)}
    bad = {k: v for k, v in problems.items() if v}
    assert bad == {}, "\n".join(f"{k}: {v}" for k, v in bad.items())
    assert len(problems) == len(CALLS) >= 60


def test_the_detector_sees_a_leak_and_a_foreign_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The province administrator does see A: the same harness must report it."""
    monkeypatch.setitem(CALLS, "leak", (lambda w: posts.get_post(w.s, ADMIN, w.post_a), False))
    monkeypatch.setitem(CALLS, "write", (lambda w: posts.cancel(w.s, ADMIN, w.post_a), True))
    assert _attempt(world, "leak") == "returned organisation A's data to a user of B"
    assert _attempt(world, "write") == "a user of B wrote to organisation A"


def test_kpi_targets_can_only_be_changed_by_an_administrator(world: World) -> None:
    name = next(iter(kpi.DEFAULT_TARGETS))
    with pytest.raises(PermissionDenied):
        kpi.set_target(world.s, world.actor("manager"), name, 0.5)


def test_the_public_asking_one_unit_never_gets_another_units_answers(world: World) -> None:
    """``faq_search.ask`` has no actor (EXEMPT above): scoped by the asking unit instead."""
    _faq_a(world, "approved")
    faq_search.invalidate()
    for text in (f"câu hỏi {MARK}", f"bien the {MARK}", MARK):
        reply = faq_search.ask(world.s, text, org_id=world.b.org.id, now=_later(world))
        assert MARK not in dump(reply).lower()
    mine = faq_search.ask(world.s, f"câu hỏi {MARK}", org_id=world.a.org.id, now=_later(world))
    assert mine.answered  # the same question to A's own bot is answered

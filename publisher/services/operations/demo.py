"""Demo data: an office with one user per role, sandbox channels of every kind, the
lead-up plan of the next national day with its media queued for the worker (countdown cards,
the day's clip, the recap card) and sent for review, a sample post with an infographic, and
this week's approved posts for an audio bulletin to the sandbox loudspeaker system.

Idempotent: every object is looked up before it is created, so seeding twice changes
nothing except pointing the sandbox channels at the emulator's current address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from publisher.models import (
    Campaign,
    CampaignKind,
    Channel,
    MediaAsset,
    Post,
    Role,
    User,
)
from publisher.services.accounts import users
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import get_org
from publisher.services.operations import sandbox
from publisher.services.publishing import campaign_media as plan_media
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import plans, posts
from publisher.services.publishing.campaigns import upcoming
from publisher.services.studio import library as media_svc
from publisher.timeutil import fmt_date, local_datetime, to_local, utcnow

SYSTEM = Actor.system("demo:seed")
DEMO_TAG = "demo"

#: username, role, full name
USERS: tuple[tuple[str, str, str], ...] = (
    ("canbo", Role.OFFICER, "Nguyễn Thị Lan"),
    ("bientap", Role.EDITOR, "Trần Minh Quân"),
    ("lanhdao", Role.MANAGER, "Lê Hoàng Nam"),
)


def channel_specs(url: str) -> dict[str, dict[str, Any]]:
    """The sandbox channels, pointed at the emulator at ``url``."""
    url = url.rstrip("/")
    return {
        "Fanpage Sở KH&CN (hộp cát)": {
            "kind": "facebook",
            "settings": {"page_id": "1000001", "graph_url": url},
            "credentials": {"access_token": "sandbox-fb-1000001"},
        },
        "Kênh Telegram KH&CN (hộp cát)": {
            "kind": "telegram",
            # faq_bot: the worker runs the unit's FAQ bot (docs/faq-bot.md).
            "settings": {"chat_id": "@sandbox_khcn", "api_base_url": url, "faq_bot": True},
            "credentials": {"bot_token": "100001:sandbox-demo"},
        },
        # A native Zalo Official Account (the emulator's demo OA 1000001, verified).
        "Zalo OA KH&CN (hộp cát)": {
            "kind": "zalo_oa",
            "settings": {
                "oa_id": "1000001",
                "app_id": "demo-app",
                "broadcast": True,
                "package": "premium",
                "author": "Sở KH&CN",
                "oauth_url": f"{url}/zalo/oauth",
                "openapi_url": f"{url}/zalo/openapi",
            },
            "credentials": {
                "app_secret": "sandbox-zalo-secret",
                "access_token": "sandbox-zalo-1000001",
                "refresh_token": "sandbox-zalo-refresh-1000001",
            },
        },
        # A portal receiving signed events (the Zalo-style webhook scheme).
        "Cổng thông tin KH&CN (hộp cát)": {
            "kind": "webhook",
            "settings": {
                "url": f"{url}/hooks/cong-khcn",
                "signature": "zalo",
                "app_id": "demo-app",
            },
            "credentials": {"secret": "sandbox-secret"},
        },
        # A commune's loudspeaker system taking bulletins by signed upload (docs/bulletins.md).
        "Loa truyền thanh xã (hộp cát)": {
            "kind": "grassroots",
            "settings": {"url": f"{url}/grassroots/loa-xa"},
            "credentials": {"secret": "sandbox-secret"},
        },
    }


#: Approved posts of this week for the bulletin page (plan key, title, text), placed in the
#: next publishing slots (:func:`week_slots`).
WEEK_POSTS: tuple[tuple[str, str, str], ...] = (
    (
        "demo:bulletin-1",
        "Hướng dẫn người dân dùng dịch vụ công trực tuyến",
        "Từ ngày 10/10/2026, UBND xã hướng dẫn bà con nộp hồ sơ trực tuyến toàn trình tại "
        "bộ phận một cửa, từ 7h30 đến 11h30 các ngày trong tuần. Tỷ lệ hồ sơ trực tuyến "
        "của xã đã đạt 65%.",
    ),
    (
        "demo:bulletin-2",
        "Tập huấn chuyển đổi số cho hộ kinh doanh",
        "Sở KH&CN phối hợp với Hội Nông dân tổ chức lớp tập huấn CĐS cho 120 hộ kinh doanh: "
        "bán hàng trên sàn thương mại điện tử và thanh toán không dùng tiền mặt.",
    ),
    (
        "demo:bulletin-3",
        "Cuộc thi ý tưởng đổi mới sáng tạo",
        "Cuộc thi ý tưởng ĐMST năm 2026 nhận hồ sơ đến hết ngày 30/11/2026, tổng giải thưởng "
        "150 triệu đồng. Thông tin chi tiết tại https://sokhcn.dongnai.gov.vn #ĐMST",
    ),
)


@dataclass
class DemoResult:
    org_slug: str
    #: (username, role, password) — the password only when the user was created now.
    credentials: list[tuple[str, str, str | None]] = field(default_factory=list)
    channels_created: int = 0
    plan_created: int = 0
    renders_queued: int = 0
    campaign: str = ""
    campaign_date: str = ""
    #: Publications of the seeded past (0 when it was already there).
    history_posts: int = 0
    #: Approved answers of the office's knowledge base (what its bots answer from).
    faq_answers: int = 0


#: The demo people whose notifications come by Telegram: their private chat with the
#: sandbox's notification bot (the demo command opens these chats on the sandbox).
NOTIFY_CHATS = {"bientap": "9001001", "canbo": "9001002", "lanhdao": "9001003"}
#: ... and by email: the sandbox's mail catcher receives it (nothing leaves the machine).
NOTIFY_EMAILS = {
    "bientap": "bientap@sokhcn.example.gov.vn",
    "canbo": "canbo@sokhcn.example.gov.vn",
    "lanhdao": "lanhdao@sokhcn.example.gov.vn",
}
#: The sender of the demo's notification emails.
MAIL_FROM = "thongbao@sokhcn.example.gov.vn"


def smtp_environment(host: str, port: int) -> dict[str, str]:
    """The SMTP settings (environment variables) pointing the product at the sandbox's
    mail catcher on ``host:port``: no TLS, no login, so no credential exists to leak."""
    return {
        "PUBLISHER_SMTP_HOST": host,
        "PUBLISHER_SMTP_PORT": str(port),
        "PUBLISHER_SMTP_SECURITY": "none",
        "PUBLISHER_SMTP_USER": "",
        "PUBLISHER_SMTP_PASSWORD": "",
        "PUBLISHER_SMTP_FROM": MAIL_FROM,
    }


#: Set once the demo people's contacts were filled in: later seeds leave them to their users.
CONTACTS_KEY = "demo.notify_contacts"


def _notify_contacts(session: Session) -> None:
    """Give the demo people an email address and link their Telegram (as if they had sent
    the bot their code), every event on both (the default), so a post sent for review
    notifies the editor both ways; the sandbox page shows what was sent. Done once per
    database (a demo made before emails existed gets its missing addresses then); what
    people change afterwards on «Thông báo» is theirs."""
    from publisher.models import KeyValue, NotifyContact

    if session.get(KeyValue, CONTACTS_KEY) is not None:
        return
    for username, chat in NOTIFY_CHATS.items():
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or user.id is None:
            continue
        row = session.get(NotifyContact, user.id) or NotifyContact(user_id=user.id)
        row.email = row.email or NOTIFY_EMAILS.get(username, "")
        if not row.telegram_chat_id:
            row.telegram_chat_id, row.telegram_name = chat, user.full_name
        session.add(row)
    session.add(KeyValue(key=CONTACTS_KEY, value={"emails": True}))
    session.flush()


def seed(
    session: Session, org_slug: str, sandbox_url: str, reset_passwords: bool = False
) -> DemoResult:
    """Seed (or top up) the demo office ``org_slug``; see the module docstring.

    ``reset_passwords`` gives the demo users new passwords (returned). Raises PublisherError
    if the organisation does not exist (run
    :func:`publisher.services.operations.setup.initialise`)."""
    org = get_org(session, org_slug)
    assert org.id is not None
    result = DemoResult(org.slug)
    sandbox.set_url(session, sandbox_url)
    result.credentials = _users(session, org.id, reset_passwords)
    if reset_passwords:
        result.credentials.insert(0, ("admin", str(Role.ADMIN), _reset_admin(session)))
    chans = _channels(session, org.id, sandbox_url, result)
    _notify_contacts(session)
    officer = Actor.of(session.exec(select(User).where(User.username == "canbo")).one())
    asset = _infographic(session, org.id)
    # Loudspeakers play audio bulletins only: the plan and the samples go to the others.
    social = [c for c in chans if c.kind != "grassroots"]
    _plan(session, officer, social, result)
    _samples(session, officer, social, asset)
    _week_posts(session, officer, social)
    result.faq_answers = _faq(session, org.id)
    # The province's past: units, a year of publications with engagement, a report round.
    from publisher.services.operations import history

    past = history.seed_history(session, org.id, sandbox_url, reset_passwords)
    result.history_posts = past.posts
    known = {name for name, _, _ in result.credentials}
    result.credentials += [c for c in past.credentials if c[0] not in known]
    return result


def _faq(session: Session, org_id: int) -> int:
    """The demo knowledge base, approved (imported again: updated in place, nothing added)."""
    import csv
    import io

    from publisher.services.operations.demo_faq import ANSWERS
    from publisher.services.publishing import faq_import

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["question", "answer", "source_url", "variants", "theme"])
    writer.writerows(ANSWERS)
    result = faq_import.import_table(
        session, SYSTEM, "demo-faq.csv", buf.getvalue().encode(), org_id=org_id
    )
    return len(result.answer_ids)


def _users(session: Session, org_id: int, reset: bool) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    for username, role, full_name in USERS:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            _, password = users.create_user(
                session, SYSTEM, username, role, org_id, full_name=full_name
            )
            out.append((username, str(role), password))
        elif reset:
            from publisher.security import generate_password

            password = generate_password()
            users.set_password(session, SYSTEM, username, password)
            out.append((username, str(role), password))
        else:
            out.append((username, str(role), None))
    return out


def _reset_admin(session: Session) -> str | None:
    from publisher.security import generate_password

    admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
    if admin is None:
        return None
    password = generate_password()
    users.set_password(session, SYSTEM, admin.username, password)
    return password


def _channels(session: Session, org_id: int, url: str, result: DemoResult) -> list[Channel]:
    out = []
    for name, spec in channel_specs(url).items():
        channel = session.exec(select(Channel).where(Channel.name == name)).first()
        if channel is None:
            channel = channels_svc.add_channel(
                session,
                SYSTEM,
                kind=spec["kind"],
                name=name,
                org=org_id,
                settings=spec["settings"],
                credentials=spec["credentials"],
            )
            result.channels_created += 1
        elif channel.kind == spec["kind"] and any(
            channel.settings.get(k) != v for k, v in spec["settings"].items()
        ):
            assert channel.id is not None
            channel = channels_svc.update_channel(
                session, SYSTEM, channel.id, settings=spec["settings"]
            )
        out.append(channel)
    return out


def _next_national(session: Session, today: date) -> tuple[Campaign, date] | None:
    for occ in upcoming(session, SYSTEM, today):
        if occ.campaign.kind == CampaignKind.NATIONAL and (occ.on - today).days >= 2:
            return occ.campaign, occ.on
    return None


#: The sample post's picture: the registration call's own card (an event card with the
#: deadline), not a national day's countdown.
SAMPLE_CARD_TAG = "demo-sample-card"


def _infographic(session: Session, org_id: int) -> MediaAsset | None:
    existing = session.exec(
        select(MediaAsset).where(MediaAsset.org_id == org_id, MediaAsset.source == "generated")
    ).all()
    for asset in existing:
        if SAMPLE_CARD_TAG in asset.tags:
            return asset
    fields = {
        "title": "Mời đăng ký Chương trình hỗ trợ chuyển đổi số năm 2027",
        "subtitle": "Dành cho doanh nghiệp nhỏ và vừa, hợp tác xã, hộ kinh doanh trên địa bàn tỉnh",
        "time": "Nhận hồ sơ trước ngày 15/12",
        "place": "Bộ phận một cửa Sở KH&CN hoặc dịch vụ công trực tuyến",
        "organiser": "Sở Khoa học và Công nghệ",
    }
    return media_svc.render_infographic_asset(
        session,
        SYSTEM,
        "event",
        fields,
        org_id=org_id,
        hashtag="#ChuyenDoiSo",
        title="Infographic Mời đăng ký Chương trình hỗ trợ chuyển đổi số",
        tags=("infographic", DEMO_TAG, SAMPLE_CARD_TAG),
    )


def _plan(session: Session, officer: Actor, chans: list[Channel], result: DemoResult) -> None:
    """The next national day's lead-up plan with its media queued (countdown cards, the
    day's clip, the recap card: the worker renders them), sent to the editor for review."""
    today = to_local(utcnow()).date()
    nxt = _next_national(session, today)
    if nxt is None:
        return
    campaign, on = nxt
    result.campaign, result.campaign_date = campaign.name, fmt_date(on)
    plan, media = plan_media.scaffold_with_media(
        session, officer, campaign.slug, on.year, [c.id for c in chans if c.id is not None]
    )
    result.plan_created = len(plan.created)
    result.renders_queued = media.queued
    plans.submit_plan(session, officer, plan)
    session.flush()


def _samples(
    session: Session, officer: Actor, chans: list[Channel], asset: MediaAsset | None
) -> None:
    """A post waiting for review tomorrow morning, so every page has something to show."""
    key = "demo:sample-review"
    if session.exec(select(Post).where(Post.plan_key == key)).first() is not None:
        return
    tomorrow = to_local(utcnow()).date() + timedelta(days=1)
    post = posts.compose(
        session,
        officer,
        posts.PostInput(
            text=(
                "Sở Khoa học và Công nghệ mời các doanh nghiệp đăng ký tham gia Chương trình hỗ "
                "trợ chuyển đổi số năm 2027. Hồ sơ gửi trước ngày 15/12."
            ),
            channels=[c.id for c in chans if c.id is not None],
            due_at=local_datetime(tomorrow, 9),
            title="Mời đăng ký Chương trình hỗ trợ chuyển đổi số",
            media_ids=[asset.id] if asset is not None and asset.id is not None else [],
            plan_key=key,
        ),
        strict=False,
    )
    assert post.id is not None
    if not posts.problems_for(session, post, posts.variant_texts(session, post)):
        posts.submit(session, officer, post.id)


#: Local times of day an office publishes at (within 07:30–20:00).
WEEK_SLOTS = (time(7, 30), time(9, 30), time(14, 0), time(16, 30), time(19, 30))


def week_slots(now: datetime, chans: list[Channel], count: int) -> list[datetime]:
    """The next ``count`` office publishing slots (:data:`WEEK_SLOTS`, Asia/Ho_Chi_Minh) at
    least an hour after ``now`` that every channel's posting hours allow, one post per slot."""
    from publisher.services.publishing import posting_hours

    rules = [posting_hours.of(c) for c in chans]
    day = to_local(now).date()
    out: list[datetime] = []
    for _ in range(14):
        for slot in WEEK_SLOTS:
            at = local_datetime(day, slot.hour, slot.minute)
            if at >= now + timedelta(hours=1) and all(r.allows(at) for r in rules):
                out.append(at)
                if len(out) == count:
                    return out
        day += timedelta(days=1)
    return out


def _week_posts(session: Session, officer: Actor, chans: list[Channel]) -> None:
    """Approved posts of this week: what the bulletin page offers the commune officer."""
    chosen = [c for c in chans if c.id is not None and c.kind in ("telegram", "webhook")]
    ids = [c.id for c in chosen if c.id is not None]
    slots = week_slots(utcnow(), chosen, len(WEEK_POSTS))
    for (key, title, text), due in zip(WEEK_POSTS, slots, strict=False):
        if session.exec(select(Post).where(Post.plan_key == key)).first() is not None:
            continue
        post = posts.compose(
            session,
            officer,
            posts.PostInput(text=text, title=title, channels=ids, due_at=due, plan_key=key),
            strict=False,
        )
        assert post.id is not None
        if posts.problems_for(session, post, posts.variant_texts(session, post)):
            continue
        posts.submit(session, officer, post.id)
        posts.approve(session, SYSTEM, post.id)  # the demo's editor already agreed


def demo_posts(session: Session) -> int:
    """How many posts the demo created (for the idempotency test)."""
    return len(session.exec(select(Post).where(col(Post.plan_key).is_not(None))).all())

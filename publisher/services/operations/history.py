"""A realistic past for the demo: the units of a province, a year of publications on the
sandbox with engagement growing over days, S&T tasks partly covered, activities entered by
hand, and last half-year's report collection (one unit on time, one late, the rest missing).

Each publication is really posted to the sandbox's Graph emulator (so the worker's later
collections find it and keep its figures), then recorded as a sent delivery with snapshots
taken 1, 2, 4, 7 and 14 days after it went out. Runs once per database (``KeyValue``
marker); everything is deterministic (a fixed random seed).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from publisher.models import (
    Campaign,
    CampaignKind,
    Channel,
    Delivery,
    DeliveryStatus,
    EngagementLatest,
    EngagementSnapshot,
    KeyValue,
    Organisation,
    Post,
    PostStatus,
    PostTag,
    PostVariant,
    ReportRequest,
    ReportSubmission,
    Role,
    STTask,
    User,
)
from publisher.services.accounts import orgs, users
from publisher.services.accounts.actor import Actor
from publisher.services.insight import activities, collection, engagement
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing.campaigns import occurrence_in
from publisher.services.publishing.deliveries import new_idempotency_key
from publisher.timeutil import local_datetime, to_local, utcnow

log = logging.getLogger(__name__)
SYSTEM = Actor.system("demo:history")
MARKER = "demo.history"
PROVINCE = ("ubnd-tinh-dong-nai", "UBND tỉnh Đồng Nai")
#: slug, name, kind, Graph page id, posts per month
UNITS: tuple[tuple[str, str, str, str, int], ...] = (
    ("so-cong-thuong", "Sở Công Thương", "department", "1000011", 2),
    ("so-giao-duc", "Sở Giáo dục và Đào tạo", "department", "1000012", 2),
    ("phuong-tran-bien", "Phường Trấn Biên", "commune", "1000013", 2),
    ("xa-long-thanh", "Xã Long Thành", "commune", "1000014", 1),
    ("bao-dong-nai", "Báo và Phát thanh, Truyền hình Đồng Nai", "press", "1000015", 3),
)
#: username, role, full name, unit slug (None: the demo office)
PEOPLE: tuple[tuple[str, str, str, str | None], ...] = (
    ("dieuphoi", Role.COORDINATOR, "Phạm Thu Hà", None),
    ("lanhdao.phuong", Role.MANAGER, "Võ Văn Tùng", "phuong-tran-bien"),
    ("lanhdao.congthuong", Role.MANAGER, "Đặng Thị Mai", "so-cong-thuong"),
)
THEME_OF_DAY = {"ngay-khcn": "khcn", "ngay-dmst": "dmst", "ngay-cds": "cds"}
TOPICS = (
    ("khcn", "Nghiệm thu nhiệm vụ KH&CN cấp tỉnh", ("scientists", "officials")),
    ("dmst", "Hỗ trợ doanh nghiệp khởi nghiệp đổi mới sáng tạo", ("business",)),
    ("cds", "Hướng dẫn người dân dùng dịch vụ công trực tuyến", ("citizens",)),
    ("cds", "Chuyển đổi số trong trường học", ("students",)),
    ("khcn", "Ứng dụng tiến bộ kỹ thuật vào sản xuất nông nghiệp", ("citizens", "business")),
    ("dmst", "Cuộc thi ý tưởng sáng tạo dành cho học sinh, sinh viên", ("students",)),
)
SNAPSHOT_DAYS = (1, 2, 4, 7, 14)


@dataclass
class HistoryResult:
    created: bool = False
    units: int = 0
    posts: int = 0
    snapshots: int = 0
    credentials: list[tuple[str, str, str | None]] = field(default_factory=list)


def seed_history(
    session: Session, office_org_id: int, sandbox_url: str, reset_passwords: bool = False
) -> HistoryResult:
    """Seed the province's past once; returns what was made (``created`` False when it was
    already there) and its accounts (a password only when made or reset now). Raises only
    database errors (a sandbox that refuses a post leaves that publication with a local id)."""
    result = HistoryResult()
    if session.get(KeyValue, MARKER) is not None:
        result.credentials = _people(session, office_org_id, reset_passwords)
        return result
    result.created = True
    rng = random.Random(57)
    now = utcnow()
    today = to_local(now).date()
    province = _org(session, PROVINCE[0], PROVINCE[1], "province", None)
    office = session.get(Organisation, office_org_id)
    assert office is not None and province.id is not None
    office.parent_id = province.id
    session.add(office)
    units = [office]
    channels: dict[int, Channel] = {}
    for slug, name, kind, page, _ in UNITS:
        unit = _org(session, slug, name, kind, province.id)
        units.append(unit)
        channels[unit.id or 0] = _channel(session, unit, page, sandbox_url)
    office_channel = session.exec(
        select(Channel).where(Channel.org_id == office_org_id, Channel.kind == "facebook")
    ).first()
    channels[office_org_id] = office_channel or _channel(session, office, "1000010", sandbox_url)
    result.units = len(units)
    result.credentials = _people(session, office_org_id, reset_passwords)
    tasks = _tasks(session, office_org_id, today.year)
    rates = {office_org_id: 3, **{_id(session, u[0]): u[4] for u in UNITS}}
    published: list[tuple[Delivery, datetime, dict[str, int]]] = []
    sandbox = _Sandbox()
    try:
        published = _publish_year(session, rng, units, channels, tasks, rates, sandbox, today)
    finally:
        sandbox.close()
    result.posts = len(published)
    result.snapshots = _snapshots(session, rng, published, now)
    _activities(session, rng, units, today)
    _report_round(session, units, today)
    session.add(KeyValue(key=MARKER, value={"at": now.isoformat(), "posts": result.posts}))
    session.flush()
    return result


def _publish_year(
    session: Session,
    rng: random.Random,
    units: list[Organisation],
    channels: dict[int, Channel],
    tasks: list[STTask],
    rates: dict[int, int],
    sandbox: _Sandbox,
    today: date,
) -> list[tuple[Delivery, datetime, dict[str, int]]]:
    office_org_id = units[0].id
    published: list[tuple[Delivery, datetime, dict[str, int]]] = []
    for unit in units:
        channel = channels.get(unit.id or 0)
        if channel is None:
            continue
        plan = _dates(session, rng, today, rates.get(unit.id or 0, 3))
        for when, campaign, theme, title, audiences in plan:
            task = (
                tasks.pop() if tasks and unit.id == office_org_id and rng.random() < 0.5 else None
            )
            delivery, final = _publish(
                session, rng, sandbox, unit, channel, when, campaign, theme, title, audiences, task
            )
            published.append((delivery, when, final))
    return published


def _org(session: Session, slug: str, name: str, kind: str, parent: int | None) -> Organisation:
    found = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if found is not None:
        return found
    return orgs.create_org(session, SYSTEM, name, slug=slug, kind=kind, parent=parent)


def _id(session: Session, slug: str) -> int:
    return orgs.get_org(session, slug).id or 0


def _channel(session: Session, unit: Organisation, page: str, url: str) -> Channel:
    name = f"Fanpage {unit.name} (hộp cát)"
    found = session.exec(select(Channel).where(Channel.name == name)).first()
    if found is not None:
        return found
    return channels_svc.add_channel(
        session,
        SYSTEM,
        kind="facebook",
        name=name,
        org=unit.id or 0,
        settings={"page_id": page, "graph_url": url.rstrip("/")},
        credentials={"access_token": f"sandbox-fb-{page}"},
    )


def _people(session: Session, office_id: int, reset: bool) -> list[tuple[str, str, str | None]]:
    from publisher.security import generate_password

    out: list[tuple[str, str, str | None]] = []
    for username, role, full_name, unit in PEOPLE:
        if session.exec(select(User).where(User.username == username)).first() is not None:
            password = generate_password() if reset else None
            if password:
                users.set_password(session, SYSTEM, username, password)
            out.append((username, str(role), password))
            continue
        org = _id(session, unit) if unit else office_id
        _, password = users.create_user(session, SYSTEM, username, role, org, full_name=full_name)
        out.append((username, str(role), password))
    return out


def _tasks(session: Session, org_id: int, year: int) -> list[STTask]:
    titles = (
        "Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven sông Đồng Nai",
        "Ứng dụng IoT giám sát chất lượng nước nuôi trồng thủy sản",
        "Xây dựng nền tảng dữ liệu số ngành công thương tỉnh",
        "Phát triển sản phẩm OCOP từ cây điều",
        "Mô hình trường học số tại các trường THCS",
        "Hệ thống cảnh báo sạt lở bờ sông",
        "Công nghệ xử lý chất thải chăn nuôi quy mô hộ",
        "Bản đồ số di tích lịch sử - văn hóa tỉnh",
    )
    out = []
    for n, title in enumerate(titles, start=1):
        code = f"DTKHCN-{year - 1}-{n:02d}"
        task = session.exec(select(STTask).where(STTask.code == code)).first()
        if task is None:
            task = STTask(
                org_id=org_id, code=code, title=title, lead_org="Sở Khoa học và Công nghệ",
                year=year - 1, classified=(n == 8),
            )  # fmt: skip
            session.add(task)
    session.flush()
    out = list(
        session.exec(
            select(STTask).where(col(STTask.org_id) == org_id, col(STTask.classified).is_(False))
        )
    )
    return out[:5]  # five of seven communicated: the coverage KPI has something to show


def _dates(
    session: Session, rng: random.Random, today: date, per_month: int
) -> list[tuple[datetime, Campaign | None, str, str, tuple[str, ...]]]:
    """A year of publication times: the previous year's three national days (lead-up, day,
    recap) and ordinary posts spread over the last twelve months."""
    out: list[tuple[datetime, Campaign | None, str, str, tuple[str, ...]]] = []
    start = today - timedelta(days=365)
    for campaign in session.exec(
        select(Campaign).where(col(Campaign.kind) == CampaignKind.NATIONAL)
    ):
        theme = THEME_OF_DAY.get(campaign.slug)
        if theme is None:
            continue
        for year in (today.year - 1, today.year):
            on = occurrence_in(campaign, year)
            if on is None or not start <= on < today - timedelta(days=1):
                continue
            for offset, label in ((-3, "Sắp đến"), (0, "Hưởng ứng"), (2, "Nhìn lại")):
                day = on + timedelta(days=offset)
                if start <= day < today:
                    when = local_datetime(day, rng.choice((8, 9, 14, 16)), rng.choice((0, 30)))
                    title = f"{label} {campaign.name} {year}"
                    out.append((when, campaign, theme, title, ("citizens", "business")))
    for month in range(12):
        for _ in range(per_month):
            day = start + timedelta(days=month * 30 + rng.randrange(30))
            if day >= today:
                continue
            theme, title, audiences = rng.choice(TOPICS)
            when = local_datetime(day, rng.choice((7, 9, 10, 15, 19)), rng.choice((0, 15, 45)))
            out.append((when, None, theme, title, audiences))
    out.sort(key=lambda x: x[0])
    return out


def _publish(
    session: Session,
    rng: random.Random,
    sandbox: _Sandbox,
    unit: Organisation,
    channel: Channel,
    when: datetime,
    campaign: Campaign | None,
    theme: str,
    title: str,
    audiences: tuple[str, ...],
    task: STTask | None,
) -> tuple[Delivery, dict[str, int]]:
    text = f"{title}. {unit.name} thông tin tới bạn đọc. #NQ57 #DongNai"
    post = Post(
        org_id=unit.id or 0,
        status=PostStatus.PUBLISHED,
        title=title,
        text=text,
        due_at=when,
        campaign_id=campaign.id if campaign else None,
        campaign_year=to_local(when).year if campaign else None,
        task_id=task.id if task else None,
        content_label="demo:history",
        content_at=when - timedelta(days=1),
        reviewed_at=when - timedelta(hours=20),
        review_comment="",
        created_at=when - timedelta(days=2),
        updated_at=when,
    )
    session.add(post)
    session.flush()
    assert post.id is not None and channel.id is not None
    session.add(PostVariant(post_id=post.id, channel_id=channel.id))
    session.add(PostTag(post_id=post.id, kind="theme", value=theme))
    for audience in audiences:
        session.add(PostTag(post_id=post.id, kind="audience", value=audience))
    scale = 3.0 if campaign else 1.0
    final = {
        "reactions": int(rng.randint(20, 160) * scale),
        "comments": int(rng.randint(2, 25) * scale),
        "shares": int(rng.randint(1, 30) * scale),
        "views": int(rng.randint(400, 3000) * scale),
    }
    collected = when > utcnow() - engagement.DEFAULT_MAX_AGE
    external_id, url = sandbox.post(channel, text, final, collected)
    delivery = Delivery(
        post_id=post.id,
        channel_id=channel.id,
        due_at=when,
        next_attempt_at=when,
        status=DeliveryStatus.SENT,
        attempts=1,
        idempotency_key=new_idempotency_key(),
        external_id=external_id,
        url=url,
        first_attempt_at=when,
        sent_at=when,
        created_at=when - timedelta(days=1),
        updated_at=when,
    )
    session.add(delivery)
    session.flush()
    return delivery, final


class _Sandbox:
    """Publishing on the sandbox while seeding: one connector per channel and one HTTP
    client for the sandbox's control API (a client per post costs a TLS context each)."""

    def __init__(self) -> None:
        import httpx

        self.http = httpx.Client(timeout=10)
        self.connectors: dict[int, Any] = {}

    def close(self) -> None:
        self.http.close()

    def post(
        self, channel: Channel, text: str, final: dict[str, int], collected: bool
    ) -> tuple[str, str | None]:
        """Publish on the Graph emulator and, for a post the worker still collects
        (``collected``), fix its final counters there so that later collections agree with
        the history. A local id when the sandbox refuses."""
        import httpx

        from connectors.base import OutgoingPost
        from connectors.errors import ConnectorError

        try:
            connector = self.connectors.get(channel.id or 0)
            if connector is None:
                connector = channels_svc.make_connector(channel, timeout=10)
                self.connectors[channel.id or 0] = connector
            published = connector.publish(OutgoingPost(text=text))
            if collected:
                base = str(channel.settings.get("graph_url", "")).rstrip("/")
                self.http.post(
                    f"{base}/_sandbox/metrics/{published.external_id}", json=final
                ).raise_for_status()
            return published.external_id, published.url
        except (ConnectorError, httpx.HTTPError, OSError) as exc:
            log.warning("demo history: the sandbox refused a post (%s)", type(exc).__name__)
            return f"history-{new_idempotency_key()[:12]}", None


def _snapshots(
    session: Session,
    rng: random.Random,
    published: list[tuple[Delivery, datetime, dict[str, int]]],
    now: datetime,
) -> int:
    """Figures that grow over the days after each publication (most of it in two days)."""
    ids = [d.id for d, _, _ in published if d.id is not None]
    engagement.sync_facts(session, ids)
    count = 0
    for delivery, when, final in published:
        newest: tuple[datetime, dict[str, int]] | None = None
        for days in SNAPSHOT_DAYS:
            at = when + timedelta(days=days)
            if at > now:
                break
            share = min(1.0, 0.45 + 0.55 * (days / SNAPSHOT_DAYS[-1]) ** 0.5)
            values = {k: int(v * share) for k, v in final.items()}
            session.add(
                EngagementSnapshot(
                    delivery_id=delivery.id or 0,
                    collected_at=at,
                    reactions=values["reactions"],
                    comments=values["comments"],
                    shares=values["shares"],
                    views=values["views"],
                )
            )
            newest = (at, values)
            count += 1
        latest = session.get(EngagementLatest, delivery.id)
        if latest is not None and newest is not None:
            latest.collected_at = newest[0]
            for key, value in newest[1].items():
                setattr(latest, key, value)
            session.add(latest)
    session.flush()
    engagement.refresh_posts(session, [d.post_id for d, _, _ in published])
    return count


def _activities(
    session: Session, rng: random.Random, units: list[Organisation], today: date
) -> None:
    rows = (
        ("training", "Tập huấn kỹ năng truyền thông số cho cán bộ", ("cds",), ("officials",)),
        ("conference", "Hội nghị sơ kết thực hiện Nghị quyết 57", ("khcn", "dmst", "cds"), ()),
        ("workshop", "Hội thảo kết nối doanh nghiệp đổi mới sáng tạo", ("dmst",), ("business",)),
        ("press", "Phóng sự: Nông dân ứng dụng công nghệ cao", ("khcn",), ("citizens",)),
        ("award", "Giải thưởng sáng tạo kỹ thuật tỉnh", ("dmst",), ("scientists",)),
    )
    for n, (kind, title, themes, audiences) in enumerate(rows * 2):
        unit = units[n % len(units)]
        day = today - timedelta(days=20 + 33 * n + rng.randrange(10))
        activities.add(
            session, SYSTEM, org=unit.id, kind=kind, on_date=day, title=title,
            themes=themes, audiences=audiences,
            link=f"https://dongnai.gov.vn/hoat-dong/{n + 1}",
        )  # fmt: skip


def _report_round(session: Session, units: list[Organisation], today: date) -> None:
    """The last half-year whose deadline (15/6 or 15/12) has passed: one unit sent its
    report on time, one late, the others not yet."""
    if today >= date(today.year, 12, 16):
        start, end, deadline = (
            date(today.year, 7, 1),
            date(today.year, 12, 31),
            date(today.year, 12, 15),
        )
    elif today >= date(today.year, 6, 16):
        start, end, deadline = (
            date(today.year, 1, 1),
            date(today.year, 6, 30),
            date(today.year, 6, 15),
        )
    else:
        y = today.year - 1
        start, end, deadline = date(y, 7, 1), date(y, 12, 31), date(y, 12, 15)
    province_id = units[0].parent_id or units[0].id or 0
    request = ReportRequest(
        province_id=province_id,
        title="Báo cáo định kỳ 6 tháng",
        start=start,
        end=end,
        deadline=deadline,
        created_by="demo:history",
        created_at=local_datetime(deadline - timedelta(days=30), 9),
    )
    session.add(request)
    session.flush()
    on_time = {"phuong-tran-bien": deadline - timedelta(days=3)}
    late = {"so-cong-thuong": deadline + timedelta(days=4)}
    for unit in units:
        sub = ReportSubmission(request_id=request.id or 0, org_id=unit.id or 0)
        day = on_time.get(unit.slug) or late.get(unit.slug)
        if day is not None and day <= today:
            sub.figures = collection._figures(session, SYSTEM, request, unit.id or 0)
            sub.submitted_at = local_datetime(day, 10)
            sub.submitted_by = "demo:history"
        session.add(sub)
    session.flush()


def summary(session: Session) -> dict[str, Any] | None:
    row = session.get(KeyValue, MARKER)
    return dict(row.value) if row else None

"""The campaign calendar: recurring national days, custom campaigns, lead-up plans."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from publisher.errors import Conflict, InvalidInput, NotFound
from publisher.models import Campaign, CampaignKind, Post, Recurrence
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import slugify
from publisher.textcheck import has_hidden_chars
from publisher.timeutil import fmt_date, local_datetime, to_local, utcnow

#: The three national days of Resolution 57's communications plan.
NATIONAL_DAYS: tuple[dict[str, Any], ...] = (
    {
        "slug": "ngay-khcn",
        "name": "Ngày Khoa học và Công nghệ Việt Nam",
        "name_en": "Vietnam Science and Technology Day",
        "month": 5,
        "day": 18,
        "hashtag": "#NgayKHCNVietNam",
    },
    {
        "slug": "ngay-dmst",
        "name": "Ngày hội Đổi mới sáng tạo quốc gia",
        "name_en": "National Innovation Day",
        "month": 10,
        "day": 1,
        "hashtag": "#DoiMoiSangTao",
    },
    {
        "slug": "ngay-cds",
        "name": "Ngày Chuyển đổi số quốc gia",
        "name_en": "National Digital Transformation Day",
        "month": 10,
        "day": 10,
        "hashtag": "#ChuyenDoiSo",
    },
)

#: Longest campaign name and hashtag (the columns' sizes).
NAME_MAX = 255
HASHTAG_MAX = 120


@dataclass(frozen=True)
class PlanStep:
    key: str  # D-14 ... D+1
    offset_days: int
    hour: int
    minute: int = 0


#: The default lead-up plan: countdown posts, the day itself and a recap.
LEAD_UP: tuple[PlanStep, ...] = (
    PlanStep("D-14", -14, 8),
    PlanStep("D-7", -7, 8),
    PlanStep("D-3", -3, 8),
    PlanStep("D-1", -1, 8),
    PlanStep("D0", 0, 7, 30),
    PlanStep("D+1", 1, 9),
)


@dataclass(frozen=True)
class Occurrence:
    campaign: Campaign
    on: date

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        today = today or to_local(utcnow()).date()
        return {
            "id": self.campaign.id,
            "slug": self.campaign.slug,
            "name": self.campaign.name,
            "name_en": self.campaign.name_en,
            "kind": self.campaign.kind,
            "recurrence": self.campaign.recurrence,
            "date": self.on.isoformat(),
            "date_display": fmt_date(self.on),
            "days_left": (self.on - today).days,
            "hashtag": self.campaign.hashtag,
            "org_id": self.campaign.org_id,
        }


def seed_national_days(session: Session) -> int:
    """Create the national-day campaigns that are missing; returns how many were added."""
    added = 0
    for spec in NATIONAL_DAYS:
        if session.exec(select(Campaign).where(Campaign.slug == spec["slug"])).first():
            continue
        session.add(Campaign(kind=CampaignKind.NATIONAL, recurrence=Recurrence.YEARLY, **spec))
        added += 1
    session.flush()
    return added


def create_campaign(
    session: Session,
    actor: Actor,
    name: str,
    *,
    on: date,
    yearly: bool = False,
    slug: str | None = None,
    hashtag: str = "",
    description: str = "",
    org_id: int | None = None,
) -> Campaign:
    actor.require("campaign.manage")
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise InvalidInput("error.campaign_name_required")
    hashtag = unicodedata.normalize("NFC", (hashtag or "").strip())
    if has_hidden_chars(name) or has_hidden_chars(hashtag):
        raise InvalidInput("error.name_control_chars")
    if len(name) > NAME_MAX:
        raise InvalidInput("error.campaign_name_too_long", limit=NAME_MAX)
    if len(hashtag) > HASHTAG_MAX:
        raise InvalidInput("error.tag_too_long", limit=HASHTAG_MAX)
    org_id = org_id if org_id is not None else actor.org_id
    actor.require_org(org_id) if org_id is not None else None
    slug = slugify(slug or name)
    existing = session.exec(select(Campaign).where(Campaign.slug == slug)).first()
    if existing is not None:
        raise Conflict("error.campaign_exists", slug=slug, name=existing.name)
    campaign = Campaign(
        slug=slug,
        name=name,
        kind=CampaignKind.CUSTOM,
        recurrence=Recurrence.YEARLY if yearly else Recurrence.NONE,
        month=on.month if yearly else None,
        day=on.day if yearly else None,
        on_date=None if yearly else on,
        org_id=org_id,
        hashtag=hashtag,
        description=description,
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        actor,
        "campaign.create",
        "campaign",
        campaign.id,
        org_id=org_id,
        after={"slug": slug, "name": name, "date": on.isoformat(), "yearly": yearly},
    )
    return campaign


#: The years the calendar answers for: a campaign year outside them is a typing mistake
#: (and Python's dates end at 9999).
YEAR_MIN, YEAR_MAX = 1900, 2100


def check_year(year: int) -> int:
    """``year`` itself; raises InvalidInput outside YEAR_MIN .. YEAR_MAX."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidInput("error.year_out_of_range", year=year, low=YEAR_MIN, high=YEAR_MAX)
    return year


def occurrence_in(campaign: Campaign, year: int) -> date | None:
    """The campaign's date in ``year`` (None when it does not happen that year)."""
    if campaign.recurrence == Recurrence.YEARLY and campaign.month and campaign.day:
        try:
            return date(year, campaign.month, campaign.day)
        except ValueError:  # 29/2 in a common year: the day before
            return date(year, campaign.month, campaign.day - 1)
    if campaign.on_date and campaign.on_date.year == year:
        return campaign.on_date
    return None


def _visible(session: Session, actor: Actor) -> list[Campaign]:
    stmt = select(Campaign).order_by(col(Campaign.id))
    campaigns = list(session.exec(stmt))
    return [c for c in campaigns if c.org_id is None or actor.sees(c.org_id)]


def list_campaigns(session: Session, actor: Actor, year: int) -> list[Occurrence]:
    """The campaigns happening in ``year``, by date."""
    actor.require("campaign.view")
    check_year(year)
    out = []
    for campaign in _visible(session, actor):
        on = occurrence_in(campaign, year)
        if on is not None:
            out.append(Occurrence(campaign, on))
    return sorted(out, key=lambda o: (o.on, o.campaign.slug))


def upcoming(session: Session, actor: Actor, today: date | None = None) -> list[Occurrence]:
    """Each campaign's next occurrence from ``today`` (local), soonest first."""
    today = today or to_local(utcnow()).date()
    out: list[Occurrence] = []
    for year in (today.year, today.year + 1):
        for occ in list_campaigns(session, actor, year):
            if occ.on >= today and all(o.campaign.id != occ.campaign.id for o in out):
                out.append(occ)
    return sorted(out, key=lambda o: o.on)


def get_campaign(session: Session, actor: Actor, slug: str) -> Campaign:
    campaign = session.exec(select(Campaign).where(Campaign.slug == slug)).first()
    if campaign is None or not (campaign.org_id is None or actor.sees(campaign.org_id)):
        raise NotFound("error.campaign_not_found", slug=slug)
    return campaign


def step_text(campaign: Campaign, step: PlanStep, on: date) -> str:
    """Drafted post text for one plan step, in Vietnamese (officers edit it before review)."""
    day = fmt_date(on)
    tag = f"\n\n{campaign.hashtag} #NghiQuyet57" if campaign.hashtag else "\n\n#NghiQuyet57"
    if step.offset_days < 0:
        n = -step.offset_days
        body = (
            f"Còn {n} ngày nữa đến {campaign.name} ({day}). "
            "Cùng lan tỏa tinh thần khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
            "theo Nghị quyết 57-NQ/TW của Bộ Chính trị."
        )
    elif step.offset_days == 0:
        body = (
            f"Hôm nay, {day}, là {campaign.name}. "
            "Hưởng ứng Nghị quyết 57-NQ/TW, mỗi cán bộ, người dân và doanh nghiệp hãy cùng "
            "chung tay đưa khoa học, công nghệ và chuyển đổi số vào từng công việc."
        )
    else:
        body = (
            f"Nhìn lại {campaign.name} ({day}): cảm ơn các cơ quan, đơn vị, doanh nghiệp và "
            "người dân đã tích cực hưởng ứng. Hành trình thực hiện Nghị quyết 57-NQ/TW vẫn "
            "tiếp tục."
        )
    return body + tag


def plan_key(campaign: Campaign, year: int, org_id: int, step: PlanStep) -> str:
    return f"plan:{campaign.slug}:{year}:{org_id}:{step.key}"


def plan_schedule(campaign: Campaign, year: int) -> list[tuple[PlanStep, datetime]]:
    """The lead-up steps with their aware UTC times (local wall-clock times in the office)."""
    on = occurrence_in(campaign, check_year(year))
    if on is None:
        raise InvalidInput("error.campaign_not_in_year", slug=campaign.slug, year=year)
    return [
        (step, local_datetime(on + timedelta(days=step.offset_days), step.hour, step.minute))
        for step in LEAD_UP
    ]


def existing_plan_posts(session: Session, keys: list[str]) -> dict[str, Post]:
    if not keys:
        return {}
    posts = session.exec(select(Post).where(col(Post.plan_key).in_(keys)))
    return {p.plan_key: p for p in posts if p.plan_key}

"""Publishing a campaign's results on its public page («định kỳ đo lường và công bố»).

Nothing is shown publicly until the coordinator publishes it: :func:`publish` freezes the
campaign year's figures (public posts, units taking part, publications, engagement and clicks,
from the statistics table ``EngagementLatest``) into a ``KeyValue`` row with who and when;
the public page shows that frozen snapshot, never live internal figures. Publishing again
refreshes the snapshot; :func:`withdraw` removes it. Both are audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from publisher.models import Campaign, EngagementLatest, KeyValue
from publisher.services.accounts import audit, orgs
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import feeds
from publisher.services.publishing.campaigns import check_year, get_campaign
from publisher.timeutil import utcnow

#: The coordinator's permission to publish (the one that runs report collection).
PERMISSION = "report.request"


def _key(slug: str, year: int) -> str:
    return f"results.public:{slug}:{year}"


def _campaign(session: Session, actor: Actor, slug: str) -> Campaign:
    """The campaign as the actor sees it (a unit's own campaign only for its province)."""
    return get_campaign(session, actor, slug)


def figures(
    session: Session, campaign: Campaign, year: int, org_ids: Sequence[int] | None
) -> dict[str, Any]:
    """The campaign year's figures as they stand, over the units ``org_ids`` (the public
    post count is the campaign year's feed count); None: every unit."""
    scope = feeds.Scope("campaign", campaign.slug, year)
    resolved = feeds.Resolved(scope, campaign.name, "", campaign=campaign)
    public = feeds.stamp(session, resolved)
    row = session.execute(
        sa_select(
            func.count(),
            func.count(func.distinct(EngagementLatest.org_id)),
            func.coalesce(func.sum(EngagementLatest.reactions), 0),
            func.coalesce(func.sum(EngagementLatest.comments), 0),
            func.coalesce(func.sum(EngagementLatest.shares), 0),
            func.coalesce(func.sum(EngagementLatest.views), 0),
            func.coalesce(func.sum(EngagementLatest.clicks), 0),
        ).where(
            col(EngagementLatest.campaign_id) == campaign.id,
            col(EngagementLatest.campaign_year) == year,
            *([col(EngagementLatest.org_id).in_(list(org_ids))] if org_ids is not None else []),
        )
    ).one()
    return {
        "posts": public.count,
        "publications": int(row[0]),
        "units": int(row[1]),
        "reactions": int(row[2]),
        "comments": int(row[3]),
        "shares": int(row[4]),
        "views": int(row[5]),
        "clicks": int(row[6]),
    }


def publish(session: Session, actor: Actor, slug: str, year: int) -> dict[str, Any]:
    """Freeze and publish the campaign year's results. Raises PermissionDenied (not the
    coordinator), NotFound (unknown campaign), InvalidInput (a year out of range)."""
    actor.require(PERMISSION)
    year = check_year(year)
    campaign = _campaign(session, actor, slug)
    value = {
        "campaign": slug,
        "year": year,
        "figures": figures(session, campaign, year, orgs.readable_org_ids(session, actor)),
        "published_at": utcnow().isoformat(),
        "published_by": actor.username or actor.label,
    }
    row = session.get(KeyValue, _key(slug, year))
    before = dict(row.value) if row is not None else {}
    if row is None:
        row = KeyValue(key=_key(slug, year), value=value)
    else:
        row.value = value
    session.add(row)
    audit.record(
        session, actor, "results.publish", "campaign", campaign.id, before=before, after=value
    )
    session.flush()
    return value


def withdraw(session: Session, actor: Actor, slug: str, year: int) -> bool:
    """Take the results off the public page; False when none were published. Raises
    PermissionDenied, NotFound, InvalidInput like :func:`publish`."""
    actor.require(PERMISSION)
    year = check_year(year)
    campaign = _campaign(session, actor, slug)
    row = session.get(KeyValue, _key(slug, year))
    if row is None:
        return False
    audit.record(
        session, actor, "results.withdraw", "campaign", campaign.id, before=dict(row.value)
    )
    session.delete(row)
    session.flush()
    return True


def published(session: Session, slug: str, year: int) -> dict[str, Any] | None:
    """The published snapshot (public: no actor), or None. Raises nothing."""
    row = session.get(KeyValue, _key(slug, year))
    return dict(row.value) if row is not None else None


def published_for_campaign(session: Session, slug: str) -> list[dict[str, Any]]:
    """Every published year of a campaign, newest first. Raises nothing."""
    rows = session.exec(
        select(KeyValue).where(col(KeyValue.key).startswith(f"results.public:{slug}:"))
    ).all()
    return sorted((dict(r.value) for r in rows), key=lambda v: -int(v.get("year", 0)))

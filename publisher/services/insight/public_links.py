"""Where the public feeds, pages and embeds are: every unit's and campaign year's URLs
(``publisher feeds --json``) and one unit's, with its embed snippet (the officer's page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from publisher.errors import NotFound
from publisher.models import Campaign, Organisation, Post
from publisher.services.accounts import orgs
from publisher.services.accounts.actor import Actor
from publisher.services.insight.public_pages import embed_snippet, vi
from publisher.services.publishing import feeds
from publisher.services.publishing.campaigns import occurrence_in
from publisher.services.publishing.topics import THEMES
from publisher.timeutil import to_local, utcnow


def catalogue(session: Session, base: str | None = None) -> dict[str, Any]:
    """Every unit's and campaign year's feed and page URLs (``publisher feeds --json``), plus
    the themes and the whole province. A campaign is listed for each year it has public posts
    and for its current year. Public information only. Raises nothing."""
    base = (base or feeds.base_url()).rstrip("/")
    this_year = to_local(utcnow()).year

    def entry(scope: feeds.Scope, title: str, **extra: Any) -> dict[str, Any]:
        urls = feeds.feed_urls(base, scope)
        return {**extra, "title": title, **urls, "embed": f"{base}/embed/{scope.path}"}

    units = [
        entry(feeds.Scope("unit", org.slug), org.name, slug=org.slug, kind=org.kind)
        for org in session.exec(select(Organisation).order_by(col(Organisation.slug)))
    ]
    years: dict[int, set[int]] = {}
    rows = session.execute(
        sa_select(col(Post.campaign_id), col(Post.campaign_year))
        .where(col(Post.campaign_id).is_not(None), col(Post.campaign_year).is_not(None))
        .group_by(col(Post.campaign_id), col(Post.campaign_year))
    ).all()
    for cid, year in rows:
        years.setdefault(int(cid), set()).add(int(year))
    campaigns = []
    for c in session.exec(select(Campaign).order_by(col(Campaign.slug))):
        assert c.id is not None
        wanted = set(years.get(c.id, set()))
        if occurrence_in(c, this_year) is not None:
            wanted.add(this_year)
        for year in sorted(wanted):
            scope = feeds.Scope("campaign", c.slug, year)
            campaigns.append(entry(scope, f"{c.name} {year}", slug=c.slug, year=year))
    themes = [entry(feeds.Scope("theme", th), vi(f"topic.theme.{th}"), theme=th) for th in THEMES]
    province = entry(feeds.Scope("province"), vi("feeds.page.kicker"))
    return {
        "base_url": base,
        "units": units,
        "campaigns": campaigns,
        "themes": themes,
        "province": province,
    }


def links_for_unit(session: Session, actor: Actor, org_id: int | None = None) -> dict[str, Any]:
    """The feed, page and embed URLs of the actor's unit (or ``org_id`` when the actor may
    read it), with the iframe snippet to paste. Raises PermissionDenied, NotFound."""
    actor.require("post.view")
    target = org_id if org_id is not None else actor.org_id
    if target is None:
        raise NotFound("feeds.error.unknown")
    orgs.require_readable(session, actor, target)
    org = session.get(Organisation, target)
    if org is None:
        raise NotFound("feeds.error.unknown")
    base = feeds.base_url()
    scope = feeds.Scope("unit", org.slug)
    return {
        "title": org.name,
        **feeds.feed_urls(base, scope),
        "embed": f"{base}/embed/{scope.path}",
        "snippet": embed_snippet(base, scope, org.name),
    }


def links_for_campaign(session: Session, actor: Actor, slug: str, year: int) -> dict[str, Any]:
    """A campaign year's feed, page and embed URLs with its iframe snippet. Raises
    PermissionDenied, NotFound (unknown campaign), InvalidInput (a year out of range)."""
    from publisher.services.publishing.campaigns import check_year, get_campaign

    actor.require("campaign.view")
    campaign = get_campaign(session, actor, slug)
    scope = feeds.Scope("campaign", campaign.slug, check_year(year))
    base = feeds.base_url()
    title = f"{campaign.name} {year}"
    return {
        "title": title,
        **feeds.feed_urls(base, scope),
        "embed": f"{base}/embed/{scope.path}",
        "snippet": embed_snippet(base, scope, title),
    }


def results_state(session: Session, actor: Actor, slug: str, year: int) -> dict[str, Any] | None:
    """The published results of a campaign year (None when not published), for the
    coordinator's control. Raises PermissionDenied, NotFound (a campaign it cannot see)."""
    from publisher.services.insight import results
    from publisher.services.publishing.campaigns import get_campaign

    actor.require(results.PERMISSION)
    return results.published(session, get_campaign(session, actor, slug).slug, year)

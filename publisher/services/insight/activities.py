"""Activities made outside the product (hội nghị, hội thảo, tập huấn, giải thưởng, bài báo
và phóng sự): entered by hand by a unit, counted in the criteria, listed in the reports."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput
from publisher.models import Activity, Organisation
from publisher.services.accounts import audit, orgs
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period
from publisher.services.publishing import links, topics
from publisher.timeutil import fmt_date, to_local, utcnow

KINDS = ("conference", "workshop", "training", "award", "press")


def add(
    session: Session,
    actor: Actor,
    *,
    org: str | int | None,
    kind: str,
    on_date: date,
    title: str,
    themes: Sequence[str] = (),
    audiences: Sequence[str] = (),
    link: str | None = None,
) -> Activity:
    """Record an activity of unit ``org`` (the actor's own; an administrator any unit).
    Raises InvalidInput (no unit, kind, a date in the future, no title, tags, link),
    NotFound (unit), PermissionDenied."""
    actor.require("activity.manage")
    if org in (None, ""):
        raise InvalidInput("error.activity_unit_required")
    assert org is not None
    unit = orgs.get_org(session, org)
    actor.require_org(unit.id)
    if kind not in KINDS:
        raise InvalidInput("error.activity_kind", value=kind, allowed=", ".join(KINDS))
    if on_date > to_local(utcnow()).date():
        raise InvalidInput("error.activity_future", day=fmt_date(on_date))
    clean = unicodedata.normalize("NFC", title or "").strip()
    if not clean:
        raise InvalidInput("error.activity_title_required")
    activity = Activity(
        org_id=unit.id or 0,
        kind=kind,
        on_date=on_date,
        title=clean[:500],
        themes=topics.parse_themes(themes),
        audiences=topics.parse_audiences(audiences),
        link=links.checked_link(link),
        created_by=actor.label or actor.username,
    )
    session.add(activity)
    session.flush()
    audit.record(
        session,
        actor,
        "activity.add",
        "activity",
        activity.id,
        org_id=unit.id,
        after={"kind": kind, "date": on_date, "title": activity.title},
    )
    return activity


def query(
    session: Session,
    actor: Actor,
    period: Period,
    org_ids: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
    theme: str | None = None,
) -> list[tuple[Activity, Organisation]]:
    """Activities in ``period`` of ``org_ids`` (default: every unit the actor reads)."""
    stmt = _scoped(
        session,
        actor,
        select(Activity, Organisation)
        .join(Organisation, col(Organisation.id) == Activity.org_id)
        .order_by(col(Activity.on_date), col(Activity.id)),
        period,
        org_ids,
        kinds,
        theme,
    )
    return list(session.exec(stmt).all())


def count(
    session: Session,
    actor: Actor,
    period: Period,
    org_ids: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
    theme: str | None = None,
) -> int:
    """How many activities :func:`query` would return (one SQL count)."""
    stmt = _scoped(
        session, actor, select(func.count()).select_from(Activity), period, org_ids, kinds, theme
    )
    return int(session.exec(stmt).one())


def count_by_kind(
    session: Session,
    actor: Actor,
    period: Period,
    org_ids: Sequence[int] | None = None,
    theme: str | None = None,
) -> dict[str, int]:
    """:func:`count` for every kind at once (one grouped SQL count): kind -> number; kinds
    without an activity are absent. Raises PermissionDenied like :func:`count`."""
    stmt = _scoped(
        session,
        actor,
        select(col(Activity.kind), func.count()).group_by(col(Activity.kind)),
        period,
        org_ids,
        None,
        theme,
    )
    return {str(kind): int(n) for kind, n in session.exec(stmt).all()}


def _scoped(
    session: Session,
    actor: Actor,
    stmt: Any,
    period: Period,
    org_ids: Sequence[int] | None,
    kinds: Sequence[str] | None,
    theme: str | None,
) -> Any:
    actor.require("stats.view")
    if org_ids is not None:
        orgs.require_all_readable(session, actor, org_ids)
        chosen: list[int] | None = list(org_ids)
    else:
        chosen = orgs.readable_org_ids(session, actor)
    stmt = stmt.where(Activity.on_date >= period.start, Activity.on_date <= period.end)
    if chosen is not None:
        stmt = stmt.where(col(Activity.org_id).in_(chosen))
    if kinds:
        stmt = stmt.where(col(Activity.kind).in_(list(kinds)))
    if theme:
        # The JSON list as text holds the quoted code: portable across SQLite and PostgreSQL.
        stmt = stmt.where(cast(col(Activity.themes), String).like(f'%"{theme}"%'))
    return stmt


def in_period(
    session: Session, actor: Actor, period: Period, org_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """The activities of the period as plain rows (the reports' list). Plain columns, not
    ORM objects: a province records thousands a year."""
    stmt = _scoped(
        session,
        actor,
        sa_select(
            col(Activity.id),
            col(Activity.on_date),
            col(Organisation.name),
            col(Activity.kind),
            col(Activity.title),
            col(Activity.themes),
            col(Activity.audiences),
            col(Activity.link),
        )
        .join(Organisation, col(Organisation.id) == Activity.org_id)
        .order_by(col(Activity.on_date), col(Activity.id)),
        period,
        org_ids,
        None,
        None,
    )
    return [
        {
            "id": r[0],
            "date": r[1],
            "org": r[2],
            "kind": r[3],
            "title": r[4],
            "themes": list(r[5] or []),
            "audiences": list(r[6] or []),
            "link": r[7],
        }
        for r in session.execute(stmt).all()
    ]

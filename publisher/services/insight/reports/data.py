"""The figures of a semi-annual report, gathered once and rendered as DOCX or XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from publisher.errors import InvalidInput
from publisher.models import Organisation
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import (
    get_org,
    province_root,
    readable_org_ids,
    require_readable,
)
from publisher.services.insight import audience, faq_stats, stats
from publisher.services.insight import kpi as kpi_svc
from publisher.services.insight.periods import Period
from publisher.timeutil import to_local, utcnow

#: Name of the province when no organisation is chosen and the database holds no single
#: province (as a name is stored; the header writes it in capitals).
DEFAULT_PROVINCE = "UBND tỉnh Đồng Nai"
DEFAULT_ISSUER = DEFAULT_PROVINCE.upper()


@dataclass
class ReportData:
    period: Period
    org: Organisation | None
    generated_at: datetime
    totals: dict[str, Any]
    by_kind: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_org: list[dict[str, Any]]
    by_campaign: list[dict[str, Any]]
    by_content_type: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    top_posts: list[dict[str, Any]]
    kpis: list[kpi_svc.Kpi]
    notes: list[str] = field(default_factory=list)
    #: The province whose units a coordinator's report covers (None: one unit, or all).
    province: Organisation | None = None
    #: The collection behind a compiled provincial report: one row per unit asked
    #: (``collection.status_rows``); empty for an ordinary report.
    collection: list[dict[str, Any]] = field(default_factory=list)
    #: Activities entered by hand in the period (``activities.in_period``).
    activities: list[dict[str, Any]] = field(default_factory=list)
    #: Criteria with their target for the period's year and the value reached.
    criteria: list[dict[str, Any]] = field(default_factory=list)
    #: Breakdowns by theme and by target group.
    by_theme: list[dict[str, Any]] = field(default_factory=list)
    by_audience: list[dict[str, Any]] = field(default_factory=list)
    #: The question-answering bots' figures of the period (``insight.faq_stats``).
    faq: faq_stats.FaqFigures | None = None
    #: Followers of each channel that has them (a Zalo OA), at the period's start and end
    #: (``audience.in_period``).
    followers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def author(self) -> str:
        """The issuing unit's name as stored (the file's author property)."""
        if self.org:
            return self.org.name
        return self.province.name if self.province else DEFAULT_PROVINCE

    @property
    def issuer(self) -> str:
        """The issuing unit in the header, in capitals."""
        return self.author.upper()

    def kpi(self, key: str) -> kpi_svc.Kpi:
        return next(k for k in self.kpis if k.key == key)


def gather(
    session: Session,
    actor: Actor,
    period: Period,
    org: str | int | None = None,
    units: Sequence[int] | None = None,
) -> ReportData:
    """Everything the report shows for ``period`` (and one organisation, if given).

    Raises PermissionDenied (role, other organisation), NotFound (organisation), and
    InvalidInput when the period has not begun yet (``error.report_period_future``).
    """
    actor.require("report.export")
    today = to_local(utcnow()).date()
    if period.start > today:
        raise InvalidInput("error.report_period_future", period=period.code)
    organisation = get_org(session, org) if org is not None else None
    province: Organisation | None = None
    if organisation is not None:
        require_readable(session, actor, organisation.id)
    elif actor.is_coordinator:
        # The province's report: every unit the coordinator reads, issued by its province.
        province = get_org(session, province_root(session, actor.org_id or 0))
    elif not actor.all_orgs:
        organisation = get_org(session, actor.org_id or 0)
    else:
        # Every unit (the administrator, the CLI): issued by the province when there is one.
        provinces = list(
            session.exec(select(Organisation).where(Organisation.kind == "province").limit(2))
        )
        province = provinces[0] if len(provinces) == 1 else None
    flt = stats.StatsFilter(
        start=period.start_utc,
        end=period.end_utc,
        org_id=organisation.id if organisation else None,
        org_ids=tuple(units) if units is not None and organisation is None else None,
    )
    if organisation is not None:
        faq_orgs: Sequence[int] | None = [organisation.id or 0]
    else:
        faq_orgs = list(units) if units is not None else readable_org_ids(session, actor)
    return ReportData(
        faq=faq_stats.figures(session, faq_orgs, period.start_utc, period.end_utc),
        period=period,
        org=organisation,
        province=province,
        generated_at=utcnow(),
        totals=stats.totals(session, actor, flt),
        by_kind=stats.breakdown(session, actor, flt, "kind"),
        by_channel=stats.breakdown(session, actor, flt, "channel"),
        by_org=stats.breakdown(session, actor, flt, "org") if organisation is None else [],
        by_campaign=stats.breakdown(session, actor, flt, "campaign"),
        by_content_type=stats.breakdown(session, actor, flt, "content_type"),
        by_month=stats.breakdown(session, actor, flt, "month"),
        top_posts=stats.top_posts(session, actor, flt, limit=10),
        by_theme=stats.breakdown(session, actor, flt, "theme"),
        by_audience=stats.breakdown(session, actor, flt, "audience"),
        followers=audience.in_period(
            session,
            actor,
            period.start_utc,
            min(period.end_utc, utcnow()),
            org_id=organisation.id if organisation else None,
            org_ids=flt.org_ids,
        ),
        kpis=kpi_svc.all_kpis(
            session,
            actor,
            period,
            organisation.id if organisation else None,
            today=today,
            units=units if organisation is None else None,
        ),
    )

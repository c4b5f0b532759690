"""Report collection: the coordinator asks the units of its province for a report over any
local date range (the semi-annual ones, or «đột xuất»), with a deadline; each unit submits
its own once; the coordinator sees who has submitted and who is late, reminds the others
(an alert to the unit, which reaches its people through the alert path), and compiles the
provincial report from the submitted units.

Dates are local (Asia/Ho_Chi_Minh). A submission is late when its local date is after the
deadline; an unsubmitted unit is late once the deadline has passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from publisher.db import is_row_id
from publisher.errors import Conflict, InvalidInput, NotFound
from publisher.models import Organisation, ReportRequest, ReportSubmission
from publisher.services.accounts import alerts, audit, orgs
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period, date_range
from publisher.timeutil import fmt_date, to_local, utcnow

#: Units a request goes to by default: every unit of the province but the province itself.
REPORTING_KINDS = ("department", "commune", "press", "other")


@dataclass(frozen=True)
class UnitStatus:
    org_id: int
    slug: str
    name: str
    kind: str
    submitted: bool
    submitted_at: str | None
    late: bool
    reminded_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _today() -> date:
    return to_local(utcnow()).date()


def period_of(request: ReportRequest) -> Period:
    return date_range(request.start, request.end)


def open_request(
    session: Session,
    actor: Actor,
    start: date,
    end: date,
    deadline: date,
    units: Sequence[str | int] | None = None,
    title: str = "",
) -> ReportRequest:
    """Ask ``units`` (default: every reporting unit of the actor's province) for a report
    over ``start``..``end`` due by ``deadline``; alerts each unit. Raises PermissionDenied
    (role; a unit outside the province), NotFound (unit), InvalidInput (dates)."""
    actor.require("report.request")
    date_range(start, end)  # refuses a reversed range
    today = _today()
    if start > today:
        raise InvalidInput("error.report_period_future", period=f"{fmt_date(start)}")
    if deadline < today:
        raise InvalidInput("error.report_deadline_past", deadline=fmt_date(deadline))
    if actor.all_orgs and actor.org_id is None:
        province_id = None
    else:
        province_id = orgs.province_root(session, actor.org_id or 0)
    if units:
        chosen = [orgs.get_org(session, ref) for ref in units]
        for org in chosen:
            orgs.require_readable(session, actor, org.id)
    else:
        readable = orgs.readable_org_ids(session, actor)
        stmt = select(Organisation).where(col(Organisation.kind).in_(REPORTING_KINDS))
        if readable is not None:
            stmt = stmt.where(col(Organisation.id).in_(readable))
        chosen = list(session.exec(stmt.order_by(col(Organisation.name))))
    if not chosen:
        raise InvalidInput("error.report_request_no_units")
    if province_id is None:
        province_id = orgs.province_root(session, chosen[0].id or 0)
    request = ReportRequest(
        province_id=province_id,
        title=(title or "").strip()[:255],
        start=start,
        end=end,
        deadline=deadline,
        created_by=actor.label or actor.username,
    )
    session.add(request)
    session.flush()
    assert request.id is not None
    seen: set[int] = set()
    for org in chosen:
        assert org.id is not None
        if org.id in seen:
            continue
        seen.add(org.id)
        submission = ReportSubmission(request_id=request.id, org_id=org.id)
        session.add(submission)
        session.flush()
        alerts.raise_alert(
            session,
            "report_requested",
            "alert.report_requested",
            org_id=org.id,
            severity="info",
            object_type="report_submission",
            object_id=submission.id,
            start=fmt_date(start),
            end=fmt_date(end),
            deadline=fmt_date(deadline),
            request=request.id,
        )
    audit.record(
        session,
        actor,
        "report.request",
        "reportrequest",
        request.id,
        org_id=province_id,
        after={"start": start, "end": end, "deadline": deadline, "units": sorted(seen)},
    )
    return request


def get_request(session: Session, actor: Actor, request_id: int) -> ReportRequest:
    """A request the actor may see (its province's, or one its unit was asked for);
    raises NotFound."""
    request = session.get(ReportRequest, request_id) if is_row_id(request_id) else None
    if request is None:
        raise NotFound("error.report_request_not_found", id=request_id)
    readable = orgs.readable_org_ids(session, actor)
    if readable is None or request.province_id in readable:
        return request
    asked = session.exec(
        select(ReportSubmission).where(
            ReportSubmission.request_id == request_id, ReportSubmission.org_id == actor.org_id
        )
    ).first()
    if asked is None:
        raise NotFound("error.report_request_not_found", id=request_id)
    return request


def _figures(session: Session, actor: Actor, request: ReportRequest, org_id: int) -> dict[str, Any]:
    """The unit's figures for the request's period, frozen at submission."""
    from publisher.services.insight.reports.data import gather

    data = gather(session, actor, period_of(request), org_id)
    totals = {k: v for k, v in data.totals.items() if k != "collected_at"}
    return {
        "totals": totals,
        "kpis": {k.key: {"value": k.value, "target": k.target, "unit": k.unit} for k in data.kpis},
    }


def submit(session: Session, actor: Actor, request_id: int, org: str | int) -> ReportSubmission:
    """Unit ``org`` sends its report for the request (its own unit only; an administrator
    any). Raises PermissionDenied, NotFound (request, unit, a unit not asked), Conflict
    (already submitted, request closed)."""
    actor.require("report.submit")
    request = get_request(session, actor, request_id)
    unit = orgs.get_org(session, org)
    actor.require_org(unit.id)
    submission = session.exec(
        select(ReportSubmission)
        .where(ReportSubmission.request_id == request.id, ReportSubmission.org_id == unit.id)
        .with_for_update()
    ).first()
    if submission is None:
        raise NotFound("error.report_unit_not_asked", org=unit.slug, id=request_id)
    if request.closed_at is not None:
        raise Conflict("error.report_request_closed", id=request_id)
    if submission.submitted_at is not None:
        raise Conflict(
            "error.report_already_submitted",
            org=unit.name,
            at=fmt_date(to_local(submission.submitted_at).date()),
        )
    submission.figures = _figures(session, actor, request, unit.id or 0)
    submission.submitted_at = utcnow()
    submission.submitted_by = actor.label or actor.username
    session.add(submission)
    for alert in alerts_for(session, submission.id):
        alert.resolved_at = utcnow()
        session.add(alert)
    audit.record(
        session,
        actor,
        "report.submit",
        "reportsubmission",
        submission.id,
        org_id=unit.id,
        after={"request": request.id, "late": _late(request, submission, _today())},
    )
    return submission


def alerts_for(session: Session, submission_id: int | None) -> list[Any]:
    from publisher.models import Alert

    return list(
        session.exec(
            select(Alert).where(
                Alert.object_type == "report_submission",
                Alert.object_id == submission_id,
                col(Alert.resolved_at).is_(None),
            )
        )
    )


def _late(request: ReportRequest, sub: ReportSubmission, today: date) -> bool:
    if sub.submitted_at is not None:
        return to_local(sub.submitted_at).date() > request.deadline
    return today > request.deadline


def status(session: Session, actor: Actor, request_id: int) -> list[UnitStatus]:
    """Per unit asked: submitted or not, when, late or not (the units the actor reads)."""
    request = get_request(session, actor, request_id)
    readable = orgs.readable_org_ids(session, actor)
    today = _today()
    rows = session.exec(
        select(ReportSubmission, Organisation)
        .join(Organisation, col(Organisation.id) == ReportSubmission.org_id)
        .where(ReportSubmission.request_id == request.id)
        .order_by(col(Organisation.name))
    ).all()
    out = []
    for sub, org in rows:
        if readable is not None and org.id not in readable:
            continue
        out.append(
            UnitStatus(
                org_id=org.id or 0,
                slug=org.slug,
                name=org.name,
                kind=org.kind,
                submitted=sub.submitted_at is not None,
                submitted_at=sub.submitted_at.isoformat() if sub.submitted_at else None,
                late=_late(request, sub, today),
                reminded_at=sub.reminded_at.isoformat() if sub.reminded_at else None,
            )
        )
    return out


def remind(session: Session, actor: Actor, request_id: int) -> list[str]:
    """Remind every unit that has not submitted (an alert to the unit, "late" once the
    deadline has passed); returns their slugs. Raises PermissionDenied, NotFound,
    Conflict (request closed)."""
    actor.require("report.request")
    request = get_request(session, actor, request_id)
    if request.closed_at is not None:
        raise Conflict("error.report_request_closed", id=request_id)
    today = _today()
    reminded = []
    for row in status(session, actor, request_id):
        if row.submitted:
            continue
        sub = session.exec(
            select(ReportSubmission).where(
                ReportSubmission.request_id == request.id, ReportSubmission.org_id == row.org_id
            )
        ).one()
        late = today > request.deadline
        alerts.raise_alert(
            session,
            "report_late" if late else "report_reminder",
            "alert.report_late" if late else "alert.report_reminder",
            org_id=row.org_id,
            severity="warning",
            object_type="report_submission",
            object_id=sub.id,
            dedupe=False,
            start=fmt_date(request.start),
            end=fmt_date(request.end),
            deadline=fmt_date(request.deadline),
            days=abs((request.deadline - today).days),
            request=request.id,
        )
        sub.reminded_at = utcnow()
        session.add(sub)
        reminded.append(row.slug)
    audit.record(
        session,
        actor,
        "report.remind",
        "reportrequest",
        request.id,
        org_id=request.province_id,
        after={"units": reminded},
    )
    return reminded


def close(session: Session, actor: Actor, request_id: int) -> ReportRequest:
    """Close a request: nothing more may be submitted. Raises PermissionDenied, NotFound."""
    actor.require("report.request")
    request = get_request(session, actor, request_id)
    orgs.require_readable(session, actor, request.province_id)
    if request.closed_at is None:
        request.closed_at = utcnow()
        session.add(request)
        audit.record(
            session, actor, "report.close", "reportrequest", request.id, org_id=request.province_id
        )
    return request


def list_requests(session: Session, actor: Actor) -> list[ReportRequest]:
    """The requests of the actor's province (a unit: those it was asked for), newest first."""
    readable = orgs.readable_org_ids(session, actor)
    stmt = select(ReportRequest).order_by(col(ReportRequest.id).desc())
    if readable is not None:
        asked = select(ReportSubmission.request_id).where(
            col(ReportSubmission.org_id).in_(readable)
        )
        stmt = stmt.where(
            col(ReportRequest.province_id).in_(readable) | col(ReportRequest.id).in_(asked)
        )
    return list(session.exec(stmt))


def compile_report(
    session: Session, actor: Actor, request_id: int, fmt: str, lang: str = "vi"
) -> tuple[bytes, str]:
    """The provincial report (DOCX or XLSX) over the request's period from the units that
    have submitted, with the collection table (who submitted, when, late). Raises
    PermissionDenied, NotFound, InvalidInput (format; nothing submitted yet)."""
    from publisher.services.insight import reports

    actor.require("report.request")
    request = get_request(session, actor, request_id)
    rows = status(session, actor, request_id)
    submitted = [r.org_id for r in rows if r.submitted]
    if not submitted:
        raise InvalidInput("error.report_nothing_submitted", id=request_id)
    content, _ = reports.generate(
        session,
        actor,
        period_of(request),
        fmt,
        None,
        lang,
        units=submitted,
        collection=[r.as_dict() for r in rows],
    )
    name = f"bao-cao-tinh-{request.start.isoformat()}-{request.end.isoformat()}.{fmt}"
    return content, name


#: Automatic reminders start this many days before a request's deadline.
REMIND_BEFORE = 3


def remind_due(session: Session, today: date | None = None) -> int:
    """The scheduler's daily pass: for each open request whose deadline is at most
    :data:`REMIND_BEFORE` days away (or past), remind the units that have not submitted and
    were not reminded today. Returns how many units were reminded. Raises only database
    errors."""
    from publisher.services.accounts.actor import Actor as _Actor

    today = today or _today()
    system = _Actor.system("worker:report-reminder")
    count = 0
    for request in session.exec(
        select(ReportRequest).where(col(ReportRequest.closed_at).is_(None))
    ).all():
        if (request.deadline - today).days > REMIND_BEFORE:
            continue
        waiting = session.exec(
            select(ReportSubmission).where(
                ReportSubmission.request_id == request.id,
                col(ReportSubmission.submitted_at).is_(None),
            )
        ).all()
        if all(
            s.reminded_at is not None and to_local(s.reminded_at).date() == today for s in waiting
        ):
            continue
        count += len(remind(session, system, request.id or 0))
    return count

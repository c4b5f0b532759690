"""The province: reports (one-off, and collected from the units), activities, criteria.

``publisher report --period|--from --to ...`` writes a report (unchanged invocation);
``publisher report request|submit|status|remind|close|compile`` runs a report collection;
``publisher activity add|list``; ``publisher criteria list|set``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, check_out_file, emit, fail, handle_errors
from publisher.i18n import t

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day, DD/MM/YYYY.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day, DD/MM/YYYY.")]

report_app = typer.Typer(
    help="Reports: write one (--period or --from/--to), or collect them from the units.",
    invoke_without_command=True,
)
activity_app = typer.Typer(help="Activities made outside the product.", no_args_is_help=True)
criteria_app = typer.Typer(help="The plan's criteria and yearly targets.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.add_typer(activity_app, name="activity")
    app.add_typer(criteria_app, name="criteria")


def _day(text: str) -> Any:
    from publisher.timeutil import parse_local_date

    return parse_local_date(text)


@report_app.callback()
@handle_errors
def report(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option(help="YYYY-H1, YYYY-H2 or YYYY.")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    out: Annotated[Path | None, typer.Option(help="File to write.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="docx or xlsx.")] = "docx",
    org: Annotated[str | None, typer.Option(help="Organisation slug (default: all).")] = None,
    lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
) -> None:
    """Write the communications report (DOCX) or its figures (XLSX) for a half-year, a year
    or any date range («đột xuất»)."""
    if ctx.invoked_subcommand is not None:
        return
    from publisher.services.insight import reports
    from publisher.services.insight.periods import date_range

    if period and not (start or end):
        chosen: Any = period
    elif start and end and not period:
        chosen = date_range(_day(start), _day(end))
    else:
        fail(t("error.report_range_or_period"))
    if out is None:
        fail(t("error.bad_option", detail="--out"))
    check_out_file(out)
    with admin_session() as (session, actor):
        content, _name = reports.generate(session, actor, chosen, fmt.lower(), org, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    typer.echo(t("report.written", path=str(out)))


def _request_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "deadline": r.deadline.isoformat(),
        "closed": r.closed_at is not None,
    }


@report_app.command("request")
@handle_errors
def report_request(
    start: Annotated[str, typer.Option("--from", help="First day, DD/MM/YYYY.")],
    end: Annotated[str, typer.Option("--to", help="Last day, DD/MM/YYYY.")],
    deadline: Annotated[str, typer.Option("--deadline", help="Due date, DD/MM/YYYY.")],
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Unit slug (repeatable; default: all).")
    ] = None,
    title: Annotated[str, typer.Option("--title")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Ask the units for a report over a date range, due by a deadline (they are alerted)."""
    from publisher.services.insight import collection

    first, last, due = _day(start), _day(end), _day(deadline)
    with admin_session() as (session, actor):
        request = collection.open_request(session, actor, first, last, due, org or None, title)
        units = len(collection.status(session, actor, request.id or 0))
        data = _request_dict(request) | {"units": units}
    emit(
        data,
        as_json,
        lambda: t("report.request.opened", id=data["id"], units=units, deadline=deadline),
    )


@report_app.command("submit")
@handle_errors
def report_submit(
    request: Annotated[int, typer.Option("--request", help="Request id.")],
    org: Annotated[str, typer.Option("--org", help="Unit slug.")],
    as_json: JsonOpt = False,
) -> None:
    """Submit a unit's report for a request (its figures are frozen now)."""
    from publisher.services.accounts.orgs import get_org
    from publisher.services.insight import collection

    with admin_session() as (session, actor):
        sub = collection.submit(session, actor, request, org)
        name = get_org(session, sub.org_id).name
        data = {"request": request, "org": org, "submitted_at": sub.submitted_at}
    emit(data, as_json, lambda: t("report.submitted", org=name))


@report_app.command("status")
@handle_errors
def report_status(
    request: Annotated[int, typer.Option("--request", help="Request id.")],
    as_json: JsonOpt = False,
) -> None:
    """Per unit: submitted or not, when, late or not."""
    from publisher.services.insight import collection
    from publisher.timeutil import fmt_local

    with admin_session() as (session, actor):
        rows = [r.as_dict() for r in collection.status(session, actor, request)]

    def human() -> str:
        from datetime import datetime

        lines = []
        for r in rows:
            state = t("report.status.submitted" if r["submitted"] else "report.status.missing")
            when = fmt_local(datetime.fromisoformat(r["submitted_at"])) if r["submitted_at"] else ""
            late = f" ({t('report.status.late')})" if r["late"] else ""
            lines.append(f"{r['slug']}\t{state}{late}\t{when}".rstrip())
        return "\n".join(lines)

    emit(rows, as_json, human)


@report_app.command("remind")
@handle_errors
def report_remind(
    request: Annotated[int, typer.Option("--request", help="Request id.")],
    as_json: JsonOpt = False,
) -> None:
    """Remind every unit that has not submitted (late ones are told they are late)."""
    from publisher.services.insight import collection

    with admin_session() as (session, actor):
        slugs = collection.remind(session, actor, request)
    emit(slugs, as_json, lambda: t("report.reminded", count=len(slugs)))


@report_app.command("close")
@handle_errors
def report_close(request: Annotated[int, typer.Option("--request")]) -> None:
    """Close a request: no more submissions."""
    from publisher.services.insight import collection

    with admin_session() as (session, actor):
        collection.close(session, actor, request)
    typer.echo(t("report.closed", id=request))


@report_app.command("compile")
@handle_errors
def report_compile(
    request: Annotated[int, typer.Option("--request", help="Request id.")],
    out: Annotated[Path, typer.Option(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="docx or xlsx.")] = "docx",
    lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
) -> None:
    """The provincial report from the units that have submitted."""
    from publisher.services.insight import collection

    check_out_file(out)
    with admin_session() as (session, actor):
        content, _ = collection.compile_report(session, actor, request, fmt.lower(), lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    typer.echo(t("report.written", path=str(out)))


@activity_app.command("add")
@handle_errors
def activity_add(
    org: Annotated[str | None, typer.Option("--org", help="Unit slug.")] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="conference|workshop|training|award|press")
    ] = "",
    day: Annotated[str, typer.Option("--date", help="DD/MM/YYYY.")] = "",
    title: Annotated[str, typer.Option("--title")] = "",
    theme: Annotated[list[str] | None, typer.Option("--theme", help="khcn|dmst|cds")] = None,
    audience: Annotated[list[str] | None, typer.Option("--audience")] = None,
    link: Annotated[str | None, typer.Option("--link", help="Evidence URL.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a conference, workshop, training, award or press article of a unit."""
    from publisher.services.insight import activities

    on = _day(day)
    with admin_session() as (session, actor):
        a = activities.add(
            session,
            actor,
            org=org,
            kind=kind,
            on_date=on,
            title=title,
            themes=theme or [],
            audiences=audience or [],
            link=link,
        )
        data = {"id": a.id, "org_id": a.org_id, "kind": a.kind, "date": a.on_date.isoformat()}
    emit(data, as_json, lambda: t("activity.added", id=data["id"]))


@activity_app.command("list")
@handle_errors
def activity_list(
    period: Annotated[str | None, typer.Option(help="YYYY-H1, YYYY-H2 or YYYY.")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Activities of a period (default: this year)."""
    from publisher.services.accounts.orgs import get_org
    from publisher.services.insight import activities
    from publisher.services.insight.periods import parse_period
    from publisher.timeutil import fmt_date, to_local, utcnow

    chosen = parse_period(period or str(to_local(utcnow()).year))
    with admin_session() as (session, actor):
        ids = [get_org(session, org).id or 0] if org else None
        rows = activities.in_period(session, actor, chosen, ids)
    emit(
        rows,
        as_json,
        lambda: "\n".join(
            f"{fmt_date(r['date'])}\t{r['org']}\t{t('activity.kind.' + r['kind'])}\t{r['title']}"
            for r in rows
        ),
    )


@criteria_app.command("list")
@handle_errors
def criteria_list(as_json: JsonOpt = False) -> None:
    """Each criterion with its yearly targets."""
    from publisher.services.insight import criteria

    with admin_session() as (session, actor):
        rows = [criteria.as_dict(c) for c in criteria.list_criteria(session, actor)]

    def human() -> str:
        return "\n".join(
            f"{r['key']}\t{r['name']} ({r['unit']})\t"
            + ", ".join(f"{y}: {v:g}" for y, v in r["targets"].items())
            for r in rows
        )

    emit(rows, as_json, human)


@criteria_app.command("set")
@handle_errors
def criteria_set(
    key: Annotated[str, typer.Argument(help="Criterion key (criteria list).")],
    year: Annotated[int, typer.Option("--year", help="2025-2030.")],
    target: Annotated[str, typer.Option("--target", help="A number of 0 or more.")],
    name: Annotated[str | None, typer.Option("--name", help="For a new criterion.")] = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    measure: Annotated[
        str | None, typer.Option("--measure", help="posts|engagement|tasks|activities|grassroots")
    ] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="unit|province")] = None,
    activity_kind: Annotated[str | None, typer.Option("--activity-kind")] = None,
    theme: Annotated[str | None, typer.Option("--theme")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a criterion's target for a year (a new key adds a criterion)."""
    from publisher.services.insight import criteria

    with admin_session() as (session, actor):
        c = criteria.set_target(
            session,
            actor,
            key,
            year,
            target,
            name=name,
            unit=unit,
            measure=measure,
            scope=scope,
            activity_kind=activity_kind,
            theme=theme,
        )
        data = criteria.as_dict(c)
    emit(data, as_json)

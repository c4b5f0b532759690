"""Statistics, reports, the S&T task register and the API service.

``publisher stats collect|show``, ``publisher task import``,
``publisher kpi show|set``, ``publisher api``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.i18n import t

# The services (and through them SQLAlchemy and the models) are imported inside the commands
# that use them: ``publisher --help`` builds this module's command tree without them.

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

stats_app = typer.Typer(help="Engagement statistics.", no_args_is_help=True)
task_app = typer.Typer(help="The S&T task register.", no_args_is_help=True)
kpi_app = typer.Typer(help="KPIs against the plan and their targets.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
    app.add_typer(task_app, name="task")
    app.add_typer(kpi_app, name="kpi")
    app.command("api")(api)


@stats_app.command("collect")
@handle_errors
def collect(as_json: JsonOpt = False) -> None:
    """Collect engagement of every recent published delivery now (one snapshot each)."""
    from publisher.services.insight import engagement

    result = engagement.collect_all()
    failed = result.failed_channels

    def human() -> str:
        lines = [
            t(
                "stats.collect.done",
                snapshots=result.snapshots,
                channels=len(result.channels),
                failed=len(failed),
            )
        ]
        lines += [
            t("stats.collect.failed_channel", channel=c.channel, error=c.error) for c in failed
        ]
        return "\n".join(lines)

    emit(result.as_dict(), as_json, human)


def _show_value(value: Any) -> str:
    return t("stats.not_available") if value is None else str(value)


@stats_app.command("show")
@handle_errors
def show(
    period: Annotated[str | None, typer.Option(help="YYYY-H1, YYYY-H2 or YYYY.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation slug.")] = None,
    limit: Annotated[int, typer.Option(help="Deliveries to list.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Per delivery: reactions, comments, shares, views (null where the platform does not
    give them), clicks and when they were collected; then the totals."""
    from publisher.services.accounts.orgs import get_org
    from publisher.services.insight import stats
    from publisher.services.insight.periods import parse_period
    from publisher.services.publishing import channels as channels_svc
    from publisher.timeutil import fmt_local

    with admin_session() as (session, actor):
        flt = stats.StatsFilter()
        if period:
            p = parse_period(period)
            flt = stats.StatsFilter(start=p.start_utc, end=p.end_utc)
        if org:
            flt = stats.StatsFilter(start=flt.start, end=flt.end, org_id=get_org(session, org).id)
        rows = stats.per_delivery(session, actor, flt, limit=limit)
        totals = stats.totals(session, actor, flt)
    data = {"deliveries": rows, "totals": totals}

    def human() -> str:
        cols = ("reactions", "comments", "shares", "views", "clicks")
        head = [
            t("stats.col.delivery"),
            t("stats.col.channel"),
            t("stats.col.sent_at"),
            *[t(f"stats.col.{c}") for c in cols],
            t("stats.col.collected_at"),
        ]
        lines = [" | ".join(head)]
        for r in rows:
            lines.append(
                " | ".join(
                    [
                        f"#{r['delivery_id']}",
                        r["channel"],
                        fmt_local(r["sent_at"]),
                        *[_show_value(r[c]) for c in cols],
                        fmt_local(r["collected_at"]) or "-",
                    ]
                )
            )
        lines.append(
            t("stats.totals")
            + ": "
            + ", ".join(
                f"{t(f'stats.col.{c}')} {_show_value(totals.get(c))}"
                for c in ("posts", "deliveries", *cols, "engagement")
            )
        )
        if any(channels_svc.lacks_counts(r["kind"]) for r in rows):
            lines.append(t("stats.note.telegram_views"))
        return "\n".join(lines)

    emit(data, as_json, human)


@task_app.command("import")
@handle_errors
def task_import(
    path: Annotated[Path, typer.Argument(help="CSV (UTF-8) or XLSX file.")],
    as_json: JsonOpt = False,
) -> None:
    """Import the S&T task register (all or nothing; existing codes are updated)."""
    from publisher.services.insight import tasks

    with admin_session() as (session, actor):
        result = tasks.import_tasks(session, actor, path)
    emit(result.as_dict(), as_json, lambda: t("task.imported", **result.as_dict()))


@kpi_app.command("show")
@handle_errors
def kpi_show(
    period: Annotated[str | None, typer.Option(help="YYYY-H1, YYYY-H2 or YYYY.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation slug.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each KPI with its target and traffic light."""
    from publisher.services.accounts.orgs import get_org
    from publisher.services.insight import kpi
    from publisher.services.insight.periods import parse_period
    from publisher.timeutil import to_local, utcnow

    now = to_local(utcnow())
    code = period or f"{now.year}-H{1 if now.month <= 6 else 2}"
    with admin_session() as (session, actor):
        org_id = get_org(session, org).id if org else None
        kpis = kpi.all_kpis(session, actor, parse_period(code), org_id)
    data = [k.as_dict() | {"detail": None} for k in kpis]

    from publisher.i18n import get_language
    from publisher.services.insight.reports.fmt import num

    lang = get_language()

    def human() -> str:
        # the unit and the numbers as the pages and the report write them (2,8 / 8 bài)
        def shown(k: kpi.Kpi) -> str:
            unit = "%" if k.unit == "%" else " " + t("kpi.unit.posts")
            return f"{num(k.value, lang)} / {num(k.target, lang)}{unit}"

        return "\n".join(
            f"{t(f'kpi.{k.key}')}: {shown(k)} — {t(f'kpi.status.{k.status}')}" for k in kpis
        )

    emit(data, as_json, human)


@kpi_app.command("set")
@handle_errors
def kpi_set(
    name: Annotated[
        str,
        typer.Argument(help="task_coverage, national_days, posts_per_org_month or amber_ratio."),
    ],
    value: Annotated[float, typer.Argument()],
    as_json: JsonOpt = False,
) -> None:
    """Change a KPI target."""
    from publisher.services.insight import kpi

    with admin_session() as (session, actor):
        targets = kpi.set_target(session, actor, name, value)
    emit(targets, as_json)


@handle_errors
def api(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8780,
) -> None:
    """Run the API service: inbound events, tracked links, public feeds and pages, health,
    metrics."""
    from publisher.api.server import serve

    typer.echo(t("api.started", url=f"http://{host}:{port}"))
    serve(host, port)

"""``publisher jobs``: the render queue (list, cancel, retry, render in the foreground)."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.i18n import t

jobs_app = typer.Typer(
    help="Render jobs (infographics, clips, channel versions).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
@handle_errors
def jobs_list(
    status: Annotated[
        str | None,
        typer.Option("--status", help="queued, rendering, done, failed or cancelled."),
    ] = None,
    post: Annotated[int | None, typer.Option("--post", help="Only this post's renders.")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List render jobs in queue order (deadline, then priority) with their progress."""
    from publisher.errors import InvalidInput
    from publisher.models import RenderStatus
    from publisher.services.studio import render_jobs as renders_svc

    if status is not None and status not in {s.value for s in RenderStatus}:
        raise InvalidInput("error.bad_option", detail=f"--status {status}")
    with admin_session() as (session, actor):
        rows = [
            renders_svc.describe(j)
            for j in renders_svc.list_jobs(session, actor, status=status, post_id=post, limit=limit)
        ]

    def human() -> str:
        if not rows:
            return t("cli.jobs.none")
        return "\n".join(
            t(
                "cli.jobs.row",
                id=r["id"],
                kind=r["kind_label"],
                status=r["status_label"],
                progress=r["progress"],
                deadline=r["deadline_local"] or "-",
                post=r["post_id"] or "-",
                error=r["error"],
            ).rstrip()
            for r in rows
        )

    emit(rows, as_json, human)


@jobs_app.command("cancel")
@handle_errors
def jobs_cancel(job_id: int, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Cancel a queued or running render."""
    from publisher.services.studio import render_jobs as renders_svc

    with admin_session() as (session, actor):
        data = renders_svc.describe(renders_svc.cancel(session, actor, job_id))
    emit(data, as_json, lambda: t("cli.jobs.cancelled", id=job_id))


@jobs_app.command("retry")
@handle_errors
def jobs_retry(job_id: int, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queue a failed or cancelled render again."""
    from publisher.services.studio import render_jobs as renders_svc

    with admin_session() as (session, actor):
        data = renders_svc.describe(renders_svc.retry(session, actor, job_id))
    emit(data, as_json, lambda: t("cli.jobs.retried", id=job_id))


@jobs_app.command("run")
@handle_errors
def jobs_run(
    max_jobs: Annotated[int | None, typer.Option("--max", help="Stop after this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Render queued jobs here, one by one, until none is left (no worker needed)."""
    from publisher.engine.renders import new_owner, run_pending

    results = run_pending(new_owner("cli"), max_jobs=max_jobs)
    data = dict(results)
    emit(
        data,
        as_json,
        lambda: t("cli.jobs.ran", done=results.get("done", 0), failed=results.get("failed", 0)),
    )

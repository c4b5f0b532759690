"""Operations commands: health, metrics, backup, restore, migrate-db, rotate-key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import check_out_file, emit, handle_errors
from publisher.i18n import t

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def register(app: typer.Typer) -> None:
    app.command("health")(health)
    app.command("metrics")(metrics)
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("migrate-db")(migrate_db)
    app.command("rotate-key")(rotate_key)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


@handle_errors
def health(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run only this check (repeatable): database, migrations, "
            "scheduler, executors, backlog, channels, alerts.",
        ),
    ] = None,
    local_worker: Annotated[
        bool,
        typer.Option(
            "--local-worker",
            help="Only: does a worker on this host beat? (a container's liveness probe)",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the database, migrations, scheduler, executors, backlog, channels and alerts.

    Exit code 0 when nothing fails (warnings included), 1 when a check fails.
    """
    import socket

    from publisher.db import get_engine
    from publisher.services.operations.health import exit_code
    from publisher.services.operations.health import health as run_health

    if local_worker:
        report = run_health(
            get_engine(readonly=True), only=(), local_host=socket.gethostname()[:120]
        )
    else:
        report = run_health(get_engine(readonly=True), only=only or None)

    def human() -> str:
        marks = {"ok": "OK  ", "warn": "WARN", "fail": "FAIL"}
        lines = [t("health.summary", status=t(f"health.status.{report['status']}"))]
        lines += [f"{marks[c['status']]} {c['title']}: {c['detail']}" for c in report["checks"]]
        return "\n".join(lines)

    emit(report, as_json, human)
    raise typer.Exit(exit_code(report))


@handle_errors
def metrics() -> None:
    """Print the Prometheus metrics (for a textfile collector; the api serves /metrics)."""
    from publisher.db import session_scope
    from publisher.services.operations.prometheus import render_metrics

    with session_scope(readonly=True) as session:
        typer.echo(render_metrics(session), nl=False)


@handle_errors
def backup(
    out: Annotated[Path, typer.Option("--out", help="Archive to write (must not exist).")],
    as_json: JsonOpt = False,
) -> None:
    """Back up the database and the media store into one archive (safe while running)."""
    from publisher.services.operations import backup as backup_svc

    result = backup_svc.backup(check_out_file(out))
    size = result.path.stat().st_size
    data = {
        "path": str(result.path),
        "bytes": size,
        "revision": result.manifest["revision"],
        "rows": result.rows,
        "media_files": result.media_files,
        "tables": len(result.manifest["tables"]),
    }
    emit(
        data,
        as_json,
        lambda: t(
            "ops.backup_done",
            path=data["path"],
            tables=data["tables"],
            rows=data["rows"],
            files=data["media_files"],
            size=_size(size),
        ),
    )


@handle_errors
def restore(
    archive: Annotated[Path, typer.Argument(help="A backup archive.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a database holding data.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Restore a backup (stop the worker, ui and api first). Refuses a bad archive."""
    from publisher.services.operations import backup as backup_svc

    result = backup_svc.restore(archive, force=force)
    data: dict[str, Any] = {
        "path": str(archive),
        "revision": result.revision,
        "rows": result.rows,
        "media_files": result.media_files,
        "key_matches": result.key_matches,
    }

    def human() -> str:
        lines = [
            t(
                "ops.restore_done",
                path=data["path"],
                revision=result.revision,
                rows=result.rows,
                files=result.media_files,
            )
        ]
        if result.key_matches is False:
            lines.append(t("ops.restore_key_mismatch"))
        return "\n".join(lines)

    emit(data, as_json, human)


@handle_errors
def migrate_db(
    to: Annotated[str, typer.Option("--to", help="Target URL, e.g. postgresql://u:p@host/db")],
    as_json: JsonOpt = False,
) -> None:
    """Copy this office's database into an empty one (e.g. SQLite -> PostgreSQL), verified."""
    from publisher.db import get_engine
    from publisher.services.operations.dbcopy import copy_database

    result = copy_database(get_engine(), to)
    data = {
        "target": result.target,
        "tables": result.tables,
        "rows": result.rows,
        "checksums": {name: s.sha256 for name, s in result.stats.items()},
    }
    emit(
        data,
        as_json,
        lambda: t("ops.migrate_done", tables=result.tables, rows=result.rows, target=result.target),
    )


@handle_errors
def rotate_key(
    new_key: Annotated[str | None, typer.Option("--new-key", help="Default: generated.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-encrypt every channel's credentials under a new secret key (stop services first)."""
    from publisher.services.operations.keys import rotate_key as rotate

    result = rotate(new_key=new_key)
    data: dict[str, Any] = {
        "channels": result.channels,
        "key_file": str(result.key_file),
        "from_env": result.from_env,
    }
    if result.from_env:
        # The operator must copy it into the env file; the key file alone is not read then.
        data["new_key"] = result.new_key

    def human() -> str:
        lines = [t("ops.key_rotated", channels=result.channels, path=str(result.key_file))]
        if result.from_env:
            lines += [t("ops.key_env_notice"), t("ops.key_new_value", key=result.new_key)]
        return "\n".join(lines)

    emit(data, as_json, human)

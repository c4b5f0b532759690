"""Bulk post commands on the ``post`` group: import a table, reschedule, edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli.common import admin_session, emit, fail, handle_errors, parse_kv
from publisher.errors import PublisherError
from publisher.i18n import t

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
AtHelp = "ISO 8601 with an offset, or dd/mm/yyyy HH:mm local time (Asia/Ho_Chi_Minh)."


def register(app: typer.Typer) -> None:
    from publisher.cli.core import post_app

    post_app.command("import")(post_import)
    post_app.command("reschedule")(post_reschedule)
    post_app.command("edit")(post_edit)


@handle_errors
def post_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (, or ; separated) or XLSX table, header time,channels,text "
            "(or Thời gian,Kênh,Nội dung)."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every line, create nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import posts from a table: every line, or none when one is bad (each sent for review).

    Columns: time, channels (separated by ;), text; optional variant:<channel name>, media
    (library ids or paths relative to the file, separated by ;), link, campaign, task, theme,
    audience. The Vietnamese names work too (Thời gian, Kênh, Nội dung, Nội dung riêng:<tên
    kênh>, Ảnh/video, Liên kết, Chiến dịch, Nhiệm vụ, Chủ đề, Đối tượng), any case, with or
    without diacritics."""
    from publisher.services.publishing import imports

    content = file.read_bytes()
    try:
        with admin_session() as (session, actor):
            result = imports.run(
                session,
                actor,
                file.name,
                content,
                dry_run=dry_run,
                base_dir=file.resolve().parent,
            )
    except imports.ImportRefused as refused:
        if as_json:
            emit(
                {
                    "ok": False,
                    "created": [],
                    "errors": [{"line": e.line, "reason": e.reason} for e in refused.errors],
                },
                True,
            )
        else:
            for error in refused.errors:
                typer.echo(error.text(), err=True)
        fail(refused.message())
    data = result.as_dict()
    if dry_run:
        human = t("cli.import_dry_run", count=len(result.rows))
    else:
        ids = ", ".join(f"#{i}" for i in result.created)
        human = t("cli.import_done", count=len(result.created), ids=ids)
    emit(data, as_json, human)


@handle_errors
def post_reschedule(
    post_id: int,
    at: Annotated[str, typer.Option("--at", help=AtHelp)],
    as_json: JsonOpt = False,
) -> None:
    """Move a post to another time (an approved post keeps its approval: the operator acts as
    an administrator)."""
    from publisher.services.publishing import posts as posts_svc
    from publisher.timeutil import fmt_local, parse_local

    due_at = parse_local(at)
    with admin_session() as (session, actor):
        post = posts_svc.reschedule(session, actor, post_id, due_at)
        data = _summary(session, actor, post.id or 0)
    emit(
        data,
        as_json,
        lambda: t("cli.post_moved", id=post_id, due=fmt_local(due_at), status=data["status"]),
    )


@handle_errors
def post_edit(
    post_id: int,
    text: Annotated[str | None, typer.Option("--text")] = None,
    at: Annotated[str | None, typer.Option("--at", help=AtHelp)] = None,
    link: Annotated[str | None, typer.Option("--link", help="'' removes the link.")] = None,
    channel: Annotated[
        list[str] | None, typer.Option("--channel", help="Channel name (repeatable): replaces.")
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", help="CHANNEL=TEXT: own text for one channel.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Edit a post not yet published; an approved post whose content changes goes back to
    review."""
    from publisher.services.publishing import posts as posts_svc
    from publisher.timeutil import parse_local

    if text is None and at is None and link is None and not channel and not variant:
        raise PublisherError("error.edit_nothing_given")
    changes = posts_svc.PostChanges(
        text=text,
        due_at=parse_local(at) if at is not None else None,
        link=link,
        channels=channel or None,
        variants=parse_kv(variant, "--variant") if variant else None,
    )
    with admin_session() as (session, actor):
        post = posts_svc.edit(session, actor, post_id, changes)
        data = _summary(session, actor, post.id or 0)
    emit(data, as_json, lambda: t("cli.post_edited", id=post_id, status=data["status"]))


def _summary(session: object, actor: object, post_id: int) -> dict[str, object]:
    from publisher.services.publishing import posts as posts_svc

    d = posts_svc.detail(session, actor, post_id)  # type: ignore[arg-type]
    return {
        "id": d["id"],
        "status": d["status"],
        "due_at": d["due_at"],
        "text": d["text"],
        "deliveries": [
            {"id": x["id"], "channel": x["channel"], "status": x["status"], "due_at": x["due_at"]}
            for x in d["deliveries"]
        ],
    }

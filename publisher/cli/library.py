"""``publisher media``: the organisation's media library."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.i18n import t

media_app = typer.Typer(help="Media library (uploads and generated assets).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(media_app, name="media")


@media_app.command("add")
@handle_errors
def media_add(
    path: str,
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation (default: the only one).")
    ] = None,
    title: Annotated[str, typer.Option("--title")] = "",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add a file to the library (stored once per content; near-duplicates are reported)."""
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.studio import library as media_svc  # heavy (imaging): only when used

    with admin_session() as (session, actor):
        org_id = orgs_svc.get_org(session, org).id if org else _only_org(session, actor)
        asset = media_svc.add_file(session, actor, path, org_id=org_id, title=title, tags=tag or [])
        data = media_svc.describe(asset)
        data["near_duplicates"] = [
            {"id": other.id, "distance": dist, "title": other.title}
            for other, dist in media_svc.near_duplicates(session, actor, asset)
        ]

    def human() -> str:
        lines = [t("cli.media_added", id=data["id"], kind=data["kind"])]
        for dup in data["near_duplicates"]:
            lines.append(t("cli.media_near_duplicate", id=dup["id"], title=dup["title"]))
        return "\n".join(lines)

    emit(data, as_json, human)


def _only_org(session: object, actor: object) -> int | None:
    from sqlmodel import Session

    from publisher.services.publishing.channels import _default_org

    assert isinstance(session, Session)
    org = _default_org(session, actor)  # type: ignore[arg-type]
    return int(org.id)


@media_app.command("list")
@handle_errors
def media_list(
    search: Annotated[str, typer.Option("--search")] = "",
    kind: Annotated[str | None, typer.Option("--kind", help="image|video|audio")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the library, newest first."""
    from publisher.services.studio import library as media_svc

    with admin_session() as (session, actor):
        rows = [
            media_svc.describe(a)
            for a in media_svc.list_assets(session, actor, search=search, kind=kind)
        ]
    emit(
        rows,
        as_json,
        lambda: "\n".join(
            f"#{r['id']}\t{r['kind']}\t{r['width']}x{r['height']}\t{r['title']}" for r in rows
        ),
    )

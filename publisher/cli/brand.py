"""``publisher brand``: the organisation's brand kit (colours, logo, header, source line)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.i18n import t

brand_app = typer.Typer(help="The organisation's brand kit.", no_args_is_help=True)

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation slug (default: the only one).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(brand_app, name="brand")


def _org_id(session: Any, actor: Any, org: str | None) -> int:
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.publishing.channels import _default_org

    found = orgs_svc.get_org(session, org) if org else _default_org(session, actor)
    assert found.id is not None
    return int(found.id)


def _human(data: dict[str, Any]) -> str:
    lines = [
        t("brand.cli.header", org=data["org_name"], preset=data["preset"] or "-"),
        t("brand.cli.colours", primary=data["primary"], accent=data["accent"]),
    ]
    for key in ("header_line1", "header_line2", "website", "hashtag", "source"):
        if data[key]:
            lines.append(f"  {t(f'brand.cli.{key}')}: {data[key]}")
    for check in data["contrast"]:
        line = t(
            "brand.cli.check",
            pair=t(f"brand.pair.{check['pair']}"),
            ratio=f"{check['ratio']:.1f}",
            required=f"{check['required']:.1f}",
            px=check["smallest_px"],
        )
        if check["adjusted"]:
            line += " — " + t(
                "brand.cli.adjusted", colour=check["adjusted"], reason=check["reason"]
            )
        lines.append(line)
    return "\n".join(lines)


@brand_app.command("show")
@handle_errors
def brand_show(
    org: OrgOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the kit, the colours actually used and every WCAG contrast check."""
    from publisher.services.studio import brandkit

    with admin_session() as (session, actor):
        data = brandkit.describe(session, actor, _org_id(session, actor, org))
    emit(data, as_json, lambda: _human(data))


@brand_app.command("set")
@handle_errors
def brand_set(
    org: OrgOption = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="government-red or default.")
    ] = None,
    primary: Annotated[str | None, typer.Option("--primary", help="#RRGGBB")] = None,
    accent: Annotated[str | None, typer.Option("--accent", help="#RRGGBB")] = None,
    logo: Annotated[Path | None, typer.Option("--logo", help="The office's logo image.")] = None,
    emblem: Annotated[
        Path | None, typer.Option("--emblem", help="Emblem image (opens the official header).")
    ] = None,
    header_line1: Annotated[
        str | None, typer.Option("--header-line1", help="Governing body («ỦY BAN NHÂN DÂN…»).")
    ] = None,
    header_line2: Annotated[
        str | None, typer.Option("--header-line2", help="The office («SỞ KHOA HỌC…»).")
    ] = None,
    website: Annotated[str | None, typer.Option("--website")] = None,
    hashtag: Annotated[str | None, typer.Option("--hashtag")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Source line («Nguồn: …»).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Change the kit; every render of the organisation uses it from now on."""
    from publisher.services.studio import brandkit

    with admin_session() as (session, actor):
        data = brandkit.update(
            session,
            actor,
            _org_id(session, actor, org),
            preset=preset,
            primary=primary,
            accent=accent,
            logo=logo,
            emblem=emblem,
            texts={
                "header_line1": header_line1,
                "header_line2": header_line2,
                "website": website,
                "hashtag": hashtag,
                "source": source,
            },
        )
    emit(data, as_json, lambda: _human(data))

"""``publisher channel hours NAME``: show or set a channel's posting hours (the hours and
weekdays it posts in, refuse or warn outside them, best times to suggest)."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.cli.core import JsonOpt, channel_app
from publisher.i18n import t


def register(app: typer.Typer) -> None:
    """Adds ``hours`` to the ``channel`` group (registered by :mod:`publisher.cli.core`)."""
    channel_app.command("hours")(channel_hours)


@handle_errors
def channel_hours(
    name: str,
    start: Annotated[
        str | None, typer.Option("--from", help="Local start, HH:MM (with --until).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Local end, HH:MM.")] = None,
    days: Annotated[
        str | None, typer.Option(help="Weekdays allowed, 0=Monday … 6=Sunday: 0,1,2,3,4.")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="Outside the hours: refuse (default) or warn.")
    ] = None,
    best: Annotated[str | None, typer.Option(help="Best times to suggest: 07:30,19:30.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every rule.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show a channel's posting hours, or set them (any option given replaces them all)."""
    from publisher.errors import InvalidInput
    from publisher.services.publishing import posting_hours
    from publisher.services.publishing.channels import get_channel

    setting = clear or any(v is not None for v in (start, until, days, mode, best))
    with admin_session() as (session, actor):
        if setting:
            try:
                day_list = (
                    [int(d) for d in days.replace(";", ",").split(",") if d.strip()]
                    if days
                    else None
                )
            except ValueError:
                raise InvalidInput("hours.error.days") from None
            channel = posting_hours.set_hours(
                session,
                actor,
                name,
                start=start or "",
                end=until or "",
                days=day_list,
                mode=mode or "refuse",
                best=best or "",
            )
        else:
            channel = get_channel(session, actor, name)
        hours = posting_hours.of(channel)
        data = {"channel": channel.name, "posting_hours": dict(channel.posting_hours or {})}
    emit(
        data,
        as_json,
        lambda: t(
            "cli.hours.show",
            channel=name,
            window=posting_hours.describe(hours) if hours.limited else t("cli.hours.none"),
            mode=t(f"ui.hours.mode.{hours.mode}"),
            best=", ".join(f"{b:%H:%M}" for b in hours.best) or "-",
        ),
    )

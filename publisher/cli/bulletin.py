"""``publisher bulletin``: audio bulletins for the grassroots loudspeaker systems."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, check_out_file, emit, handle_errors
from publisher.i18n import t

bulletin_app = typer.Typer(
    help="Audio bulletins for the grassroots loudspeaker systems.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(bulletin_app, name="bulletin")


def _human(data: dict[str, Any]) -> str:
    return "\n".join(
        [
            t(
                "bulletin.cli.made",
                file=data["file"],
                duration=f"{data['duration_s']:.1f}",
                lufs=f"{data['loudness_lufs']:.1f}",
                bitrate=data["bitrate_kbps"],
            ),
            "",
            data["script"],
        ]
    )


@bulletin_app.command("make")
@handle_errors
def bulletin_make(
    out: Annotated[Path, typer.Option("--out", help="The MP3 file to write.")],
    post: Annotated[
        list[int] | None, typer.Option("--post", help="An approved post's id (repeatable).")
    ] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="A campaign's slug (with --year).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="The campaign's year.")] = None,
    voice: Annotated[str, typer.Option("--voice", help="espeak|provider")] = "espeak",
    recording: Annotated[
        Path | None, typer.Option("--recording", help="A person's reading instead of a voice.")
    ] = None,
    script: Annotated[
        Path | None,
        typer.Option("--script", help="An edited script (UTF-8 text, blank line between items)."),
    ] = None,
    day: Annotated[
        str | None, typer.Option("--day", help="Broadcast date dd/mm/yyyy (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Make an MP3 bulletin from approved posts or a campaign's; reports its duration,
    loudness (LUFS) and script."""
    from publisher.errors import PublisherError
    from publisher.services.publishing import bulletins
    from publisher.timeutil import parse_local_date, to_local, utcnow

    if out.suffix.lower() != ".mp3" or not out.parent.is_dir():
        raise PublisherError("error.bulletin_out", path=str(out))
    check_out_file(out)
    if recording is not None and not recording.is_file():
        raise PublisherError("error.bulletin_recording_file", path=str(recording))
    broadcast = parse_local_date(day) if day else to_local(utcnow()).date()
    with admin_session() as (session, actor):
        rows = bulletins.source_posts(
            session, actor, post_ids=post or (), campaign=campaign, year=year
        )
        text = bulletins.draft_script(session, actor, rows, broadcast)
    if script is not None:
        try:
            text = script.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            raise PublisherError("error.bulletin_recording_file", path=str(script)) from None
    made = bulletins.render(
        text,
        out.resolve(),
        voice=voice,
        recording=recording,
        recording_name=recording.name if recording else None,
    )
    data = made.as_dict()
    data["posts"] = [p.id for p in rows]
    emit(data, as_json, lambda: _human(data))


@bulletin_app.command("played")
@handle_errors
def bulletin_played(
    delivery: Annotated[int, typer.Option("--delivery", help="The bulletin's delivery id.")],
    commune: Annotated[str, typer.Option("--commune", help="The commune unit's slug.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record that a commune's loudspeakers played a delivered bulletin (reach)."""
    from publisher.services.insight import reach

    with admin_session() as (session, actor):
        new = reach.confirm_played(session, actor, delivery, commune)
    data = {"delivery_id": delivery, "commune": commune, "recorded": new}
    key = "bulletin.cli.played" if new else "bulletin.cli.played_again"
    emit(data, as_json, t(key, commune=commune, delivery=delivery))

"""``publisher render motion`` and ``publisher render music``: motion-graphic clips and the
music library, from the command line (thin: options in, :mod:`media.motion` renders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from publisher.cli.common import check_out_file, emit
from publisher.i18n import t


def register(render_app: typer.Typer, media_errors: Any, brand: Any, org_option: Any) -> None:
    """Add ``render motion`` and ``render music`` to the ``render`` group."""

    @render_app.command("motion")
    @media_errors
    def motion(
        out: Path = typer.Option(..., "--out", help="Output .mp4 file."),
        template: str = typer.Option(
            "campaign", "--template", help="campaign, stats, chart, quote, event or task."
        ),
        title: str = typer.Option("", "--title", help="Title."),
        subtitle: str = typer.Option("", "--subtitle", help="Subtitle."),
        stat: list[str] = typer.Option([], "--stat", help="'LABEL=VALUE' (stats), 3 to 6."),
        data: list[str] = typer.Option([], "--data", help="'LABEL=VALUE' (chart)."),
        kind: str = typer.Option("bar", "--kind", help="Chart: bar, line or donut."),
        unit: str = typer.Option("", "--unit", help="Chart: unit after the values (%)."),
        date: str = typer.Option("", "--date", help="Campaign day, dd/mm/yyyy."),
        day_name: str = typer.Option("", "--day-name", help="National day name (campaign)."),
        countdown: int | None = typer.Option(None, "--countdown", help="Days left (checked)."),
        footer: str = typer.Option("", "--footer", help="Footer text."),
        size: str = typer.Option("9:16", "--size", help="9:16, 4:5, 1:1, 16:9 or WxH."),
        seconds: float = typer.Option(10.0, "--seconds", help="Length, 3 to 30 s."),
        audio: str | None = typer.Option(
            None, "--audio", help="Music: a library track (see 'render music'), none, or a file."
        ),
        primary: str = typer.Option("", "--primary", help="Primary colour, #RRGGBB."),
        accent: str = typer.Option("", "--accent", help="Accent colour, #RRGGBB."),
        org: str | None = org_option,
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Render a motion-graphic clip of a template: text reveals, counting numbers,
        growing bars, a ticking countdown (H.264/AAC MP4 and a poster PNG)."""
        from media.motion import MotionSpec, render_motion
        from media.music import resolve
        from media.probe import probe
        from media.sizes import VIDEO_SIZES, parse_size

        check_out_file(out)
        fields: dict[str, Any] = {
            "title": title,
            "subtitle": subtitle,
            "date": date or None,
            "day_name": day_name,
            "countdown": countdown,
            "footer": footer,
        }
        if template == "chart":
            fields.update({"kind": kind, "data": list(data), "unit": unit})
        if stat:
            fields["stats"] = list(stat)
        fields = {k: v for k, v in fields.items() if v not in ("", None)}
        from publisher.services.studio.motion_recipes import music_dir

        music, loop = resolve(audio, music_dir())
        spec = MotionSpec(
            template=template,
            fields=fields,
            size=parse_size(size, VIDEO_SIZES["9:16"]),
            seconds=seconds,
            brand=brand("", primary, accent, None, "", "", org),
            audio=music,
            loop_audio=loop,
        )
        result = render_motion(spec, out)
        info = probe(result.path)
        payload = {
            "path": str(result.path),
            "thumbnail": str(result.thumbnail) if result.thumbnail else None,
            "duration": info.duration,
            "width": result.size[0],
            "height": result.size[1],
            "bytes": result.path.stat().st_size,
            "has_audio": info.has_audio,
            "music": audio if loop else None,
            "alt_text": result.alt,
            "recipe": result.recipe,
        }
        human = t("media.cli.rendered", path=str(result.path))
        human += "\n" + t("media.cli.alt_text", alt=result.alt)
        emit(payload, as_json, human)

    @render_app.command("music")
    @media_errors
    def music(
        as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    ) -> None:
        """List the music library (tracks made by this program, CC0) for --audio."""
        from media.music import TRACKS

        rows = [{"name": "none", "label": t("media.music.none")}] + [
            {"name": name, "label": t(f"media.music.{name}"), "bpm": TRACKS[name].bpm}
            for name in TRACKS
        ]
        emit(rows, as_json, "\n".join(f"{r['name']:<12} {r['label']}" for r in rows))

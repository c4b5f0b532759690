"""``publisher render``: infographics and video clips from the command line.

Thin: parses options into plain inputs for :mod:`media`, prints the result, and turns a
:class:`media.errors.MediaError` into one translated line on stderr (exit 1). The media layer
writes atomically, so a failed render leaves no partial output file.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from publisher.cli.common import check_out_file, emit, fail
from publisher.errors import PublisherError
from publisher.i18n import get_language, set_language, t

F = TypeVar("F", bound=Callable[..., Any])


def _media_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from media.errors import MediaError
        from publisher.config import get_settings

        previous = get_language()
        set_language(get_settings().language)
        try:
            return fn(*args, **kwargs)
        except MediaError as exc:
            fail(t(exc.key, **exc.params))
        except PublisherError as exc:
            fail(exc.message())
        finally:
            # In-process callers (tests, CliRunner) keep their own language afterwards.
            set_language(previous)

    return wrapper  # type: ignore[return-value]


def _brand(
    org_name: str,
    primary: str,
    accent: str,
    logo: Path | None,
    hashtag: str,
    website: str,
    org: str | None = None,
) -> Any:
    """The brand: the organisation's kit with ``--org``, else the default one; explicit
    options win over either."""
    from media.brand import BrandKit

    kit = BrandKit()
    if org:
        from publisher.cli.common import admin_session
        from publisher.services.accounts import orgs as orgs_svc
        from publisher.services.studio import library as media_svc

        with admin_session() as (session, _actor):
            found = orgs_svc.get_org(session, org)
            assert found.id is not None
            kit = media_svc.brand_for(session, found.id)
    changes: dict[str, Any] = {
        "org_name": org_name,
        "primary": primary,
        "accent": accent,
        "logo": logo,
        "hashtag": hashtag,
        "website": website,
    }
    return kit.with_(**{k: v for k, v in changes.items() if v})


OrgOption = typer.Option(
    None, "--org", help="Use this organisation's brand kit (slug); options below override it."
)


def _palette(brand: Any) -> Any:
    from media.brand import palette

    return palette(brand)


def _video_alt(spec: Any) -> str:
    """Alt text of a clip: its title, captions and end card words, in order."""
    from media.alt import clip_alt_text

    return clip_alt_text(spec.title, spec.subtitle, list(spec.captions), spec.brand, spec.campaign)


def register(app: typer.Typer) -> None:
    """Add ``render infographic`` and ``render video`` to ``app``."""
    render_app = typer.Typer(help="Render infographics and short videos.", no_args_is_help=True)
    app.add_typer(render_app, name="render")

    @render_app.command("infographic")
    @_media_errors
    def infographic(
        out: Path = typer.Option(..., "--out", help="Output file (.png, or .jpg)."),
        template: str = typer.Option(
            "campaign", "--template", help="campaign, stats, quote, event or task."
        ),
        title: str = typer.Option("", "--title", help="Title (the quotation for 'quote')."),
        subtitle: str = typer.Option("", "--subtitle", help="Subtitle (author for 'quote')."),
        stat: list[str] = typer.Option([], "--stat", help="'LABEL=VALUE', 3 to 6 times."),
        size: str = typer.Option(
            "1080x1080", "--size", help="WxH or square/portrait/story/link/wide."
        ),
        date: str = typer.Option("", "--date", help="Event or national day, dd/mm/yyyy."),
        day_name: str = typer.Option("", "--day-name", help="National day name (campaign)."),
        countdown: int | None = typer.Option(None, "--countdown", help="Override days left."),
        time: str = typer.Option("", "--time", help="Event time."),
        place: str = typer.Option("", "--place", help="Event place."),
        organiser: str = typer.Option("", "--organiser", help="Event organiser."),
        code: str = typer.Option("", "--code", help="S&T task code."),
        lead: str = typer.Option("", "--lead", help="S&T task lead organisation."),
        manager: str = typer.Option("", "--manager", help="S&T task principal investigator."),
        period: str = typer.Option("", "--period", help="S&T task period."),
        result: str = typer.Option("", "--result", help="S&T task key result."),
        role: str = typer.Option("", "--role", help="Quote author's role."),
        footer: str = typer.Option("", "--footer", help="Footer text (default: hashtag, website)."),
        qr: str = typer.Option("", "--qr", help="Link printed as a QR code (https://...)."),
        photo: Path | None = typer.Option(None, "--photo", help="Photo for the photo slot."),
        org_name: str = typer.Option("", "--org-name", help="Organisation name in the header."),
        primary: str = typer.Option("", "--primary", help="Primary colour, #RRGGBB."),
        accent: str = typer.Option("", "--accent", help="Accent colour, #RRGGBB."),
        logo: Path | None = typer.Option(None, "--logo", help="Logo image (PNG)."),
        hashtag: str = typer.Option("", "--hashtag", help="Hashtag for the footer."),
        website: str = typer.Option("", "--website", help="Website for the footer."),
        org: str | None = OrgOption,
        max_bytes: int | None = typer.Option(None, "--max-bytes", help="Byte budget (JPEG)."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Render an infographic template to PNG or JPEG."""
        from media.infographic import render_infographic, save_infographic
        from media.sizes import DEFAULT_IMAGE_SIZE, parse_size

        check_out_file(out)

        fields: dict[str, Any] = {
            "title": title,
            "subtitle": subtitle,
            "date": date or None,
            "day_name": day_name,
            "countdown": countdown,
            "time": time,
            "place": place,
            "organiser": organiser,
            "code": code,
            "lead": lead,
            "manager": manager,
            "period": period,
            "result": result,
            "role": role,
            "footer": footer,
            "qr": qr,
            "photo": photo,
        }
        if template == "quote" and subtitle:
            fields["author"] = subtitle
        if stat:
            fields["stats"] = list(stat)
        fields = {k: v for k, v in fields.items() if v not in ("", None)}
        brand = _brand(org_name, primary, accent, logo, hashtag, website, org)
        rendered = render_infographic(template, fields, brand, parse_size(size, DEFAULT_IMAGE_SIZE))
        path = save_infographic(rendered, out, max_bytes=max_bytes)
        data = {
            "path": str(path),
            "template": template,
            "width": rendered.size[0],
            "height": rendered.size[1],
            "bytes": path.stat().st_size,
            "duration": None,
            "has_audio": False,
            "alt_text": rendered.alt,
            "extension_corrected": path.suffix.lower() != out.suffix.lower(),
            "contrast_adjusted": [
                {"pair": c.pair, "original": c.original, "used": c.adjusted}
                for c in _palette(brand).adjustments
            ],
            "recipe": rendered.recipe,
        }
        human = t("media.cli.rendered", path=str(path))
        if data["extension_corrected"]:
            human += "\n" + t("media.cli.extension_corrected", asked=out.name, path=path.name)
        human += "\n" + t("media.cli.alt_text", alt=rendered.alt)
        emit(data, as_json, human)

    @render_app.command("chart")
    @_media_errors
    def chart(
        out: Path = typer.Option(..., "--out", help="Output file (.png, or .jpg)."),
        kind: str = typer.Option("bar", "--kind", help="bar, line or donut."),
        data: list[str] = typer.Option([], "--data", help="'LABEL=VALUE', in order."),
        title: str = typer.Option("", "--title", help="Chart title."),
        subtitle: str = typer.Option("", "--subtitle", help="Subtitle."),
        unit: str = typer.Option("", "--unit", help="Unit after the values (%)."),
        size: str = typer.Option(
            "1080x1080", "--size", help="WxH or square/portrait/story/link/wide."
        ),
        footer: str = typer.Option("", "--footer", help="Footer text (default: hashtag, website)."),
        qr: str = typer.Option("", "--qr", help="Link printed as a QR code (https://...)."),
        org: str | None = OrgOption,
        primary: str = typer.Option("", "--primary", help="Primary colour, #RRGGBB."),
        accent: str = typer.Option("", "--accent", help="Accent colour, #RRGGBB."),
        max_bytes: int | None = typer.Option(None, "--max-bytes", help="Byte budget (JPEG)."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Render a bar, line or donut chart of a few numbers, in the brand."""
        from media.infographic import render_infographic, save_infographic
        from media.sizes import DEFAULT_IMAGE_SIZE, parse_size

        check_out_file(out)
        fields: dict[str, Any] = {
            "title": title or "Biểu đồ",
            "subtitle": subtitle,
            "kind": kind,
            "data": list(data),
            "unit": unit,
            "footer": footer,
            "qr": qr,
        }
        fields = {k: v for k, v in fields.items() if v not in ("", None)}
        brand = _brand("", primary, accent, None, "", "", org)
        rendered = render_infographic("chart", fields, brand, parse_size(size, DEFAULT_IMAGE_SIZE))
        path = save_infographic(rendered, out, max_bytes=max_bytes)
        data_out = {
            "path": str(path),
            "template": "chart",
            "kind": kind,
            "width": rendered.size[0],
            "height": rendered.size[1],
            "bytes": path.stat().st_size,
            "duration": None,
            "has_audio": False,
            "alt_text": rendered.alt,
            "extension_corrected": path.suffix.lower() != out.suffix.lower(),
            "recipe": rendered.recipe,
        }
        human = t("media.cli.rendered", path=str(path))
        human += "\n" + t("media.cli.alt_text", alt=rendered.alt)
        emit(data_out, as_json, human)

    @render_app.command("video")
    @_media_errors
    def video(
        out: Path = typer.Option(..., "--out", help="Output .mp4 file."),
        image: list[Path] = typer.Option([], "--image", help="Image or infographic, in order."),
        title: str = typer.Option("", "--title", help="Title card text."),
        subtitle: str = typer.Option("", "--subtitle", help="Title card subtitle."),
        seconds_per_image: float = typer.Option(3.0, "--seconds-per-image"),
        crossfade: float = typer.Option(0.5, "--crossfade", help="Crossfade seconds (0 = cut)."),
        zoom: bool = typer.Option(False, "--zoom", help="Slow zoom on each image."),
        size: str = typer.Option("1080x1080", "--size", help="WxH or 9:16, 1:1, 16:9, 16:9-720."),
        audio: str | None = typer.Option(
            None, "--audio", help="Music: a library track (see 'render music'), none, or a file."
        ),
        motion: bool = typer.Option(False, "--motion", help="Motion-graphic opener (title)."),
        date: str = typer.Option("", "--date", help="Campaign day for the opener, dd/mm/yyyy."),
        caption: list[str] = typer.Option([], "--caption", help="Caption of image N (in order)."),
        end_card: bool = typer.Option(False, "--end-card", help="Add a closing brand card."),
        campaign: str = typer.Option("", "--campaign", help="Campaign line on the end card."),
        org_name: str = typer.Option("", "--org-name"),
        primary: str = typer.Option("", "--primary"),
        accent: str = typer.Option("", "--accent"),
        logo: Path | None = typer.Option(None, "--logo"),
        hashtag: str = typer.Option("", "--hashtag"),
        website: str = typer.Option("", "--website"),
        org: str | None = OrgOption,
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Render a slideshow clip (H.264/AAC MP4) with a progress bar."""
        from media.music import resolve
        from media.sizes import DEFAULT_VIDEO_SIZE, parse_size
        from media.video import VideoSpec, render_video

        check_out_file(out)
        from publisher.services.studio.motion_recipes import music_dir

        music, loop = resolve(audio, music_dir())

        spec = VideoSpec(
            images=list(image),
            size=parse_size(size, DEFAULT_VIDEO_SIZE),
            seconds_per_image=seconds_per_image,
            crossfade=crossfade,
            zoom=zoom,
            title=title,
            subtitle=subtitle,
            end_card=end_card,
            campaign=campaign,
            captions=list(caption),
            audio=music,
            loop_audio=loop,
            motion=motion,
            opener_fields={"date": date} if date else {},
            brand=_brand(org_name, primary, accent, logo, hashtag, website, org),
        )
        # The bar goes to stderr (stdout stays parseable for --json), and only to a terminal:
        # in scripts and logs an error must remain the single line on stderr.
        if not sys.stderr.isatty():
            result = render_video(spec, out)
        else:
            with typer.progressbar(
                length=1000, label=t("media.cli.rendering"), file=sys.stderr
            ) as bar:
                done = [0]

                def progress(fraction: float) -> None:
                    target = int(fraction * 1000)
                    if target > done[0]:
                        bar.update(target - done[0])
                        done[0] = target

                result = render_video(spec, out, on_progress=progress)
        from media.probe import probe

        info = probe(result.path)
        data = {
            "path": str(result.path),
            "thumbnail": str(result.thumbnail) if result.thumbnail else None,
            "duration": result.duration,
            "width": result.size[0],
            "height": result.size[1],
            "bytes": result.path.stat().st_size,
            "has_audio": info.has_audio,
            "alt_text": _video_alt(spec),
            "recipe": result.recipe,
        }
        emit(data, as_json, t("media.cli.rendered", path=str(result.path)))

    from publisher.cli import render_motion

    render_motion.register(render_app, _media_errors, _brand, OrgOption)

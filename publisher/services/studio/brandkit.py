"""The organisation's brand kit: colours, logo, official header, website, hashtag, source line.

Stored on the organisation (colours and logo in their columns, the rest in ``brand_kit``) and
used by every render: the studio's, the render queue's and the campaign plan's (they all go
through :func:`publisher.services.studio.library.brand_for`). Setting a kit checks every
colour pair against WCAG AA (:func:`media.brand.palette`) and renders a probe card at every
size, so a header that cannot fit is refused before anything is stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from media import errors as media_errors
from media.brand import HEADER_LIMIT, PRESETS, SOURCE_LIMIT, WEBSITE_LIMIT, palette, parse_colour
from media.images import check_logo
from media.infographic import render_infographic
from media.sizes import IMAGE_SIZES
from publisher.errors import NotFound
from publisher.i18n import t
from publisher.models import Organisation
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.studio import library as media_svc

#: The text parts of the kit kept in ``Organisation.brand_kit``, with their length limits.
TEXT_LIMITS: dict[str, int] = {
    "header_line1": HEADER_LIMIT,
    "header_line2": HEADER_LIMIT,
    "website": WEBSITE_LIMIT,
    "hashtag": 60,
    "source": SOURCE_LIMIT,
}
HASHTAG_LIMIT = TEXT_LIMITS["hashtag"]
#: One hashtag as the platforms link it: «#» then letters (any script), digits, «_».
HASHTAG = re.compile(r"#[^\W_]\w*")
#: Any fixed day: the probe card has no date, so its result does not depend on it.
_PROBE_DAY = date(2026, 1, 1)


def _org(session: Session, actor: Actor, org_id: int) -> Organisation:
    actor.require_org(org_id)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("error.org_not_found", org=str(org_id))
    return org


def describe(session: Session, actor: Actor, org_id: int) -> dict[str, Any]:
    """The kit as JSON, with the colours actually used and every contrast check."""
    org = _org(session, actor, org_id)
    kit = dict(org.brand_kit or {})
    brand = media_svc.brand_for(session, org_id)
    pal = palette(brand)
    return {
        "org": org.slug,
        "org_name": org.name,
        "preset": kit.get("preset", ""),
        "primary": org.brand_primary,
        "accent": org.brand_accent,
        "logo_asset_id": org.logo_asset_id,
        "emblem_asset_id": kit.get("emblem_asset_id"),
        **{key: str(kit.get(key, "")) for key in TEXT_LIMITS},
        "used": {
            "background": "#{:02X}{:02X}{:02X}".format(*pal.primary),
            "accent_fill": "#{:02X}{:02X}{:02X}".format(*pal.accent),
            "accent_text": "#{:02X}{:02X}{:02X}".format(*pal.accent_text),
            "primary_text": "#{:02X}{:02X}{:02X}".format(*pal.primary_text),
        },
        "contrast": [
            {
                "pair": c.pair,
                "foreground": c.foreground,
                "background": c.background,
                "smallest_px": c.smallest_px,
                "ratio": c.ratio,
                "required": c.required,
                "passes": c.passes,
                "adjusted": c.adjusted,
                "original": c.original,
                "reason": t(
                    f"brand.reason.{c.pair}",
                    original=c.original,
                    adjusted=c.adjusted,
                    before=f"{c.before:.1f}",
                    required=f"{c.required:.1f}",
                    px=c.smallest_px,
                )
                if c.adjusted
                else "",
            }
            for c in pal.checks
        ],
    }


def update(
    session: Session,
    actor: Actor,
    org_id: int,
    *,
    preset: str | None = None,
    primary: str | None = None,
    accent: str | None = None,
    logo: str | Path | None = None,
    emblem: str | Path | None = None,
    texts: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Change parts of the kit; ``None`` keeps a part, ``""`` clears a text part.

    A preset sets both colours (explicit ``primary``/``accent`` win). Everything is checked
    before anything is stored. Raises PublisherError: ``media.error.bad_colour``,
    ``media.error.bad_preset``, ``media.error.bad_logo`` (and image errors),
    ``media.error.text_too_long``, ``media.error.text_no_room`` (header or source cannot fit
    some size at the minimum text size).
    """
    actor.require("campaign.manage")
    org = _org(session, actor, org_id)
    kit = dict(org.brand_kit or {})
    new_primary, new_accent = org.brand_primary, org.brand_accent
    with media_svc.media_errors_translated():
        if preset is not None:
            if preset not in PRESETS:
                raise media_errors.MediaError(
                    media_errors.BAD_PRESET, preset, value=preset, known=", ".join(PRESETS)
                )
            new_primary, new_accent = PRESETS[preset]
            kit["preset"] = preset
        for value in (primary, accent):
            if value is not None:
                parse_colour(value)
                if not value.strip().startswith("#") or len(value.strip()) != 7:
                    raise media_errors.MediaError(media_errors.BAD_COLOUR, value, value=value)
        if primary is not None:
            new_primary = primary.strip().upper()
        if accent is not None:
            new_accent = accent.strip().upper()
        if (primary or accent) and (new_primary, new_accent) != PRESETS.get(
            str(kit.get("preset", "")), ("", "")
        ):
            kit["preset"] = ""  # custom colours: no longer the preset
        for key, value in (texts or {}).items():
            if value is None:
                continue
            value = " ".join(value.split())
            if len(value) > TEXT_LIMITS[key]:
                raise media_errors.MediaError(
                    media_errors.TEXT_TOO_LONG,
                    key,
                    field=key,
                    length=len(value),
                    limit=TEXT_LIMITS[key],
                )
            if key == "hashtag" and value and not all(HASHTAG.fullmatch(w) for w in value.split()):
                raise media_errors.MediaError(media_errors.BAD_HASHTAG, value, value=value)
            kit[key] = value
        logo_path = Path(logo) if logo is not None else None
        if logo_path is not None:
            check_logo(logo_path)
        emblem_path = Path(emblem) if emblem is not None else None
        if emblem_path is not None:
            check_logo(emblem_path)  # the same rules: it sits on the same white disc
        # A probe card at every size: the header and source line must fit at the minimum
        # text size everywhere, or nothing is stored.
        current = media_svc.brand_for(session, org_id)
        probe = current.with_(
            primary=new_primary,
            accent=new_accent,
            logo=logo_path or current.logo,
            emblem=emblem_path or current.emblem,
            header_line1=str(kit.get("header_line1", "")),
            header_line2=str(kit.get("header_line2", "")),
            website=str(kit.get("website", "")),
            hashtag=str(kit.get("hashtag", "")),
            source=str(kit.get("source", "")),
        )
        for size in IMAGE_SIZES.values():
            render_infographic("campaign", {"title": "Tiêu đề"}, probe, size, today=_PROBE_DAY)
    logo_id = org.logo_asset_id
    if logo_path is not None:
        asset = media_svc.add_file(
            session, actor, logo_path, org_id=org_id, title="Logo", tags=("logo",)
        )
        logo_id = asset.id
    if emblem_path is not None:
        asset = media_svc.add_file(
            session, actor, emblem_path, org_id=org_id, title="Emblem", tags=("emblem",)
        )
        kit["emblem_asset_id"] = asset.id
    before = {
        "primary": org.brand_primary,
        "accent": org.brand_accent,
        "logo": org.logo_asset_id,
        **dict(org.brand_kit or {}),
    }
    org.brand_primary, org.brand_accent, org.logo_asset_id = new_primary, new_accent, logo_id
    org.brand_kit = kit
    session.add(org)
    audit.record(
        session,
        actor,
        "org.brand",
        "organisation",
        org.id,
        org_id=org.id,
        before=before,
        after={"primary": new_primary, "accent": new_accent, "logo": logo_id, **kit},
    )
    session.flush()
    return describe(session, actor, org_id)

"""The media studio's infographic preview: rendered in the organisation's brand, not stored.

Storing goes through :mod:`publisher.services.studio.library`; the studio's "render video"
is a render job (:func:`publisher.services.studio.render_jobs.enqueue_video`) made by the
worker, never in the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from media.infographic import TEMPLATES, encode, render_infographic
from publisher.errors import InvalidInput
from publisher.services.accounts.actor import Actor
from publisher.services.studio import library as media_svc

TEMPLATE_NAMES: tuple[str, ...] = tuple(TEMPLATES)


def template_fields(template: str) -> tuple[str, ...]:
    """The fields a template reads (in display order); raises InvalidInput if unknown."""
    module = TEMPLATES.get(template)
    if module is None:
        raise InvalidInput("error.template_unknown", template=template)
    return tuple(getattr(module, "FIELDS", ("title", "subtitle")))


def preview_infographic(
    session: Session,
    actor: Actor,
    template: str,
    fields: Mapping[str, Any],
    *,
    size: tuple[int, int] = (1080, 1080),
    hashtag: str = "",
) -> bytes:
    """PNG bytes of the infographic in the organisation's brand; nothing is stored.

    Raises PublisherError (the media catalogue's keys) for an empty title, text that cannot
    fit, a bad date or stats."""
    actor.require("media.view")
    org_id = actor.org_id
    if org_id is None:
        raise InvalidInput("error.org_required")
    brand = media_svc.brand_for(session, org_id, hashtag)
    with media_svc.media_errors_translated():
        result = render_infographic(template, fields, brand, size)
        return encode(result.image, "PNG")

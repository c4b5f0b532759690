"""The organisation's media library: uploads and generated assets, de-duplicated.

Files live in the content-addressed store of :mod:`media.library` under the data dir; this
module records them as :class:`MediaAsset` rows (per organisation) and turns the studio's
:class:`media.errors.MediaError` into translated :class:`PublisherError`.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from media import errors as media_errors
from media.brand import BrandKit
from media.infographic import encode, render_infographic
from media.library import MediaLibrary, hash_distance
from media.uploads import accepted_extensions, image_thumbnail, poster_frame, prepare_upload
from publisher.config import get_settings
from publisher.errors import InvalidInput, NotFound, PublisherError
from publisher.models import MediaAsset, Organisation
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.textcheck import has_hidden_chars

NEAR_DUPLICATE_DISTANCE = 8
#: A library item as the pages see it (they may not import the models).
MediaItem = MediaAsset
log = logging.getLogger(__name__)


def library() -> MediaLibrary:
    return MediaLibrary(get_settings().media_dir)


@contextmanager
def media_errors_translated() -> Iterator[None]:
    """Re-raise the studio's errors as PublisherError (same catalogue key and params)."""
    try:
        yield
    except media_errors.MediaError as exc:
        raise PublisherError(exc.key, **dict(exc.params)) from exc


def asset_file(asset: MediaAsset) -> Path:
    return get_settings().media_dir / asset.path


def _org_id(actor: Actor, org_id: int | None) -> int:
    org_id = org_id if org_id is not None else actor.org_id
    if org_id is None:
        raise PublisherError("error.org_required")
    actor.require_org(org_id)
    return org_id


#: Longest tag accepted.
TAG_MAX = 100


def _clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags NFC-normalised and stripped, without blanks or repeats, sorted. Raises
    InvalidInput for invalid UTF-8 (lone surrogates, which the JSON column would keep) and
    PublisherError for a tag with control or invisible format characters or over
    :data:`TAG_MAX` characters."""
    if any(unicodedata.category(c) == "Cs" for tag in tags for c in tag):
        raise InvalidInput("error.text_invalid_utf8")
    clean = {unicodedata.normalize("NFC", t.strip()) for t in tags if t.strip()}
    for tag in clean:
        if has_hidden_chars(tag):
            raise PublisherError("error.name_control_chars")
        if len(tag) > TAG_MAX:
            raise PublisherError("error.tag_too_long", limit=TAG_MAX)
    return sorted(clean)


def add_file(
    session: Session,
    actor: Actor,
    source: str | Path | bytes,
    *,
    org_id: int | None = None,
    filename: str | None = None,
    title: str = "",
    tags: Sequence[str] = (),
    recipe: Mapping[str, Any] | None = None,
    source_kind: str = "upload",
    alt_text: str = "",
) -> MediaAsset:
    """Store a file in the organisation's library (once per content) and return its row.

    Raises PublisherError for unreadable, corrupt, unsupported or oversized files; nothing
    is recorded then.
    """
    actor.require("media.create")
    org = _org_id(actor, org_id)
    clean_tags = _clean_tags(tags)  # before the file is stored: a refusal leaves no file
    with media_errors_translated():
        stored = library().store(source, filename=filename, recipe=recipe)
    if stored.created:
        _remove_on_rollback(session, stored.sha256, stored.path)
    existing = session.exec(
        select(MediaAsset).where(MediaAsset.org_id == org, MediaAsset.sha256 == stored.sha256)
    ).first()
    if existing is not None:
        if alt_text and not existing.alt_text:
            existing.alt_text = _clean_alt(alt_text)
            session.add(existing)
        return existing
    meta = stored.meta
    rel = stored.path.relative_to(get_settings().media_dir).as_posix()
    asset = MediaAsset(
        org_id=org,
        sha256=stored.sha256,
        kind=str(meta.get("kind", "image")),
        mime=str(meta.get("mime", "")),
        path=rel,
        bytes=int(meta.get("bytes", stored.path.stat().st_size)),
        width=meta.get("width"),
        height=meta.get("height"),
        duration=meta.get("duration"),
        # Audio has no perceptual hash: stored as NULL, never "" (which no hash comparison reads).
        phash=meta.get("phash") or None,
        title=unicodedata.normalize("NFC", title or str(meta.get("original_name", "")))[:255],
        tags=clean_tags,
        recipe=dict(recipe or {}),
        source=source_kind,
        alt_text=_clean_alt(alt_text),
        created_by=actor.user_id,
    )
    session.add(asset)
    session.flush()
    audit.record(
        session,
        actor,
        "media.add",
        "media",
        asset.id,
        org_id=org,
        after={"sha256": asset.sha256, "kind": asset.kind, "source": source_kind},
    )
    return asset


_CREATED = "media.created"
_LISTENING = "media.listening"


def _remove_on_rollback(session: Session, sha256: str, path: Path) -> None:
    """Make a file new to the library part of the session's unit of work: if the transaction
    rolls back (a refused post, a failed render), the file goes too, unless a committed row
    of any organisation references the same content (the library is content-addressed)."""
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _forget_created)
        event.listen(session, "after_rollback", _remove_created)
    session.info.setdefault(_CREATED, []).append((sha256, path))


def _forget_created(session: Session) -> None:
    session.info.pop(_CREATED, None)


def _remove_created(session: Session) -> None:
    created: list[tuple[str, Path]] = session.info.pop(_CREATED, None) or []
    if not created:
        return
    shas = sorted({sha for sha, _ in created})
    try:
        with Session(session.get_bind()) as fresh:  # sees what others committed
            kept = set(
                fresh.exec(select(MediaAsset.sha256).where(col(MediaAsset.sha256).in_(shas))).all()
            )
    except Exception:  # the database is gone: keep the files (an orphan beats a lost file)
        log.warning("media: could not check %d new file(s) after a rollback", len(shas))
        return
    for sha, path in created:
        if sha not in kept:
            for leftover in (path, path.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def brand_for(session: Session, org_id: int, hashtag: str = "") -> BrandKit:
    """The organisation's brand kit (name, colours, logo, header, website, source line).

    ``hashtag`` (a campaign's) wins over the kit's own hashtag.
    """
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("error.org_not_found", org=str(org_id))
    logo = None
    if org.logo_asset_id:
        logo_asset = session.get(MediaAsset, org.logo_asset_id)
        if logo_asset is not None:
            logo = asset_file(logo_asset)
    kit = dict(org.brand_kit or {})
    emblem = None
    if kit.get("emblem_asset_id"):
        emblem_asset = session.get(MediaAsset, int(kit["emblem_asset_id"]))
        if emblem_asset is not None and emblem_asset.org_id == org_id:
            emblem = asset_file(emblem_asset)
    with media_errors_translated():
        return BrandKit(
            org_name=org.name,
            logo=logo,
            emblem=emblem,
            primary=org.brand_primary,
            accent=org.brand_accent,
            hashtag=hashtag or str(kit.get("hashtag", "")),
            website=str(kit.get("website", "")),
            header_line1=str(kit.get("header_line1", "")),
            header_line2=str(kit.get("header_line2", "")),
            source=str(kit.get("source", "")),
        )


def render_infographic_asset(
    session: Session,
    actor: Actor,
    template: str,
    fields: Mapping[str, Any],
    *,
    size: tuple[int, int] = (1080, 1080),
    org_id: int | None = None,
    hashtag: str = "",
    title: str = "",
    tags: Sequence[str] = ("infographic",),
) -> MediaAsset:
    """Render an infographic in the organisation's brand and add it to the library."""
    actor.require("media.create")
    org = _org_id(actor, org_id)
    brand = brand_for(session, org, hashtag)
    with media_errors_translated():
        result = render_infographic(template, fields, brand, size)
        data = encode(result.image, "PNG")
    return add_file(
        session,
        actor,
        data,
        org_id=org,
        filename=f"{template}-{size[0]}x{size[1]}.png",
        title=title or str(fields.get("title", template)),
        tags=tags,
        recipe=result.recipe,
        source_kind="generated",
        alt_text=result.alt,
    )


#: Longest alt text kept (Facebook takes up to 1000 characters too).
ALT_TEXT_MAX = 1000


def _clean_alt(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())[:ALT_TEXT_MAX]


def set_alt_text(session: Session, actor: Actor, asset_id: int, value: str) -> MediaAsset:
    """Edit an asset's alternative text. Raises NotFound, InvalidInput (over the limit)."""
    actor.require("media.create")
    asset = get_asset(session, actor, asset_id)
    clean = " ".join(unicodedata.normalize("NFC", value or "").split())
    if len(clean) > ALT_TEXT_MAX:
        raise PublisherError(
            "media.error.text_too_long",
            field="alt_text",
            field_vi="Văn bản thay thế",
            field_en="Alt text",
            length=len(clean),
            limit=ALT_TEXT_MAX,
        )
    before = asset.alt_text
    asset.alt_text = clean
    session.add(asset)
    audit.record(
        session,
        actor,
        "media.alt_text",
        "media",
        asset.id,
        org_id=asset.org_id,
        before={"alt_text": before},
        after={"alt_text": clean},
    )
    return asset


def get_asset(session: Session, actor: Actor, asset_id: int) -> MediaAsset:
    actor.require("media.view")
    asset = session.get(MediaAsset, asset_id)
    if asset is None or not actor.sees(asset.org_id):
        raise NotFound("error.media_not_found", id=asset_id)
    return asset


def list_assets(
    session: Session,
    actor: Actor,
    *,
    search: str = "",
    tag: str | None = None,
    kind: str | None = None,
    org_id: int | None = None,
    limit: int = 200,
) -> list[MediaAsset]:
    """The library, newest first; ``search`` matches title and tags (case-insensitive)."""
    actor.require("media.view")
    stmt = select(MediaAsset).where(MediaAsset.source != "fitted")
    if not actor.all_orgs:
        stmt = stmt.where(MediaAsset.org_id == actor.org_id)
    elif org_id is not None:
        stmt = stmt.where(MediaAsset.org_id == org_id)
    if kind:
        stmt = stmt.where(MediaAsset.kind == kind)
    stmt = stmt.order_by(col(MediaAsset.id).desc())
    rows = list(session.exec(stmt))
    needle = unicodedata.normalize("NFC", search).strip().casefold()
    if needle:
        rows = [
            a
            for a in rows
            if needle in a.title.casefold() or any(needle in t.casefold() for t in a.tags)
        ]
    if tag:
        rows = [a for a in rows if tag in a.tags]
    return rows[:limit]


def set_tags(session: Session, actor: Actor, asset_id: int, tags: Sequence[str]) -> MediaAsset:
    actor.require("media.create")
    asset = get_asset(session, actor, asset_id)
    before = list(asset.tags)
    asset.tags = _clean_tags(tags)
    session.add(asset)
    audit.record(
        session,
        actor,
        "media.tags",
        "media",
        asset.id,
        org_id=asset.org_id,
        before={"tags": before},
        after={"tags": asset.tags},
    )
    return asset


def library_page(
    session: Session,
    actor: Actor,
    *,
    search: str = "",
    kind: str | None = None,
    limit: int = 60,
) -> tuple[list[MediaAsset], dict[int, list[tuple[MediaAsset, int]]]]:
    """The studio's library in one transaction: :func:`list_assets` and, per asset id, its
    :func:`near_duplicates`."""
    assets = list_assets(session, actor, search=search, kind=kind, limit=limit)
    return assets, {a.id: near_duplicates(session, actor, a) for a in assets if a.id is not None}


def near_duplicates(
    session: Session, actor: Actor, asset: MediaAsset, max_distance: int = NEAR_DUPLICATE_DISTANCE
) -> list[tuple[MediaAsset, int]]:
    """Other assets of the organisation that look almost the same (perceptual hash)."""
    if not asset.phash:
        return []
    others = session.exec(
        select(MediaAsset).where(
            MediaAsset.org_id == asset.org_id,
            MediaAsset.id != asset.id,
            col(MediaAsset.phash).is_not(None),
            col(MediaAsset.phash) != "",  # audio stored before NULL was used for "no hash"
            MediaAsset.source != "fitted",
        )
    )
    out = []
    for other in others:
        assert other.phash is not None
        distance = hash_distance(asset.phash, other.phash)
        if distance <= max_distance:
            out.append((other, distance))
    return sorted(out, key=lambda pair: pair[1])


def describe(asset: MediaAsset) -> dict[str, Any]:
    return {
        "id": asset.id,
        "org_id": asset.org_id,
        "sha256": asset.sha256,
        "kind": asset.kind,
        "mime": asset.mime,
        "path": str(asset_file(asset)),
        "bytes": asset.bytes,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
        "title": asset.title,
        "tags": asset.tags,
        "source": asset.source,
        "alt_text": asset.alt_text,
        "recipe": asset.recipe,
        "created_at": asset.created_at.isoformat(),
    }


#: What the upload fields accept (lower case, no dot): the library's own list.
UPLOAD_TYPES = accepted_extensions()


@dataclass(frozen=True)
class Uploaded:
    """One stored upload: its library item, whether the same file was already there (then
    ``asset`` is that item), and items that look almost the same (perceptual hash)."""

    asset: MediaAsset
    existed: bool
    near: list[tuple[MediaAsset, int]] = field(default_factory=list)


def upload(
    session: Session,
    actor: Actor,
    filename: str,
    data: bytes,
    *,
    title: str = "",
    tags: Sequence[str] = (),
    org_id: int | None = None,
) -> Uploaded:
    """Store a file sent from the browser in the organisation's library: checked and cleaned
    by :func:`media.uploads.prepare_upload` (type, content, size, bombs; EXIF orientation
    applied, GPS and other metadata removed), then :func:`add_file`. The same file again
    gives the same item (``existed``).

    Raises PublisherError with one translated line; nothing is stored then.
    """
    actor.require("media.create")
    org = _org_id(actor, org_id)
    with media_errors_translated():
        prepared = prepare_upload(data, filename)
    sha = library_sha(prepared.data)
    existed = (
        session.exec(
            select(MediaAsset.id).where(MediaAsset.org_id == org, MediaAsset.sha256 == sha)
        ).first()
        is not None
    )
    clean_title = title.strip() or Path(filename).stem.replace("_", " ").strip()
    asset = add_file(
        session,
        actor,
        prepared.data,
        org_id=org,
        filename=prepared.filename,
        title=clean_title,
        tags=tags,
        source_kind="upload",
    )
    near = [] if existed else near_duplicates(session, actor, asset)
    return Uploaded(asset, existed, near)


def library_sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def set_details(
    session: Session, actor: Actor, asset_id: int, title: str, tags: Sequence[str]
) -> MediaAsset:
    """Rename an item and replace its tags (audited, before and after)."""
    actor.require("media.create")
    asset = get_asset(session, actor, asset_id)
    if any(unicodedata.category(c) == "Cs" for c in title):
        raise InvalidInput("error.text_invalid_utf8")
    clean_title = unicodedata.normalize("NFC", title.strip())
    if has_hidden_chars(clean_title):
        raise PublisherError("error.name_control_chars")
    if not clean_title:
        raise PublisherError("error.media_title_required")
    before = {"title": asset.title, "tags": list(asset.tags)}
    asset.title = clean_title[:255]
    asset.tags = _clean_tags(tags)
    session.add(asset)
    audit.record(
        session,
        actor,
        "media.details",
        "media",
        asset.id,
        org_id=asset.org_id,
        before=before,
        after={"title": asset.title, "tags": asset.tags},
    )
    return asset


def poster_time(asset: MediaAsset) -> float:
    """Where a video's poster frame is taken: a motion-graphic clip builds up to its card, so
    its poster is the finished card near the end (a slideshow's opener: its end); other clips
    at 1 s (a third of a short one).
    """
    duration = asset.duration or 0.0
    recipe = asset.recipe if isinstance(asset.recipe, dict) else {}
    if isinstance(recipe.get("motion"), dict) and duration > 0.5:
        return duration - 0.4
    if recipe.get("motion") is True and duration > 4.0:
        return 3.8  # the end of the motion opener (4 s at least): the title card, complete
    return min(1.0, duration / 3)


def thumbnail(asset: MediaAsset, side: int = 480) -> bytes | None:
    """A small JPEG for lists: the image scaled down, or a video's poster frame (kept beside
    the library under ``thumbs/``). None when the file is missing or has no picture."""
    if asset.kind not in ("image", "video"):
        return None
    cache = get_settings().media_dir / "thumbs" / f"{asset.sha256}-{side}.jpg"
    try:
        return cache.read_bytes()
    except OSError:
        pass
    source = asset_file(asset)
    try:
        if asset.kind == "video":
            data = poster_frame(source, at=poster_time(asset), width=side)
        else:
            data = image_thumbnail(source, side)
    except (media_errors.MediaError, OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = cache.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(cache)
    return data


def countdown_label(asset: MediaAsset) -> str:
    """«D-7», «D0», «D+1» for a campaign card rendered for a day before or after the
    campaign's date (from its recipe), else ""."""
    recipe = asset.recipe or {}
    fields = recipe.get("fields") or {}
    try:
        target = date.fromisoformat(str(fields.get("date", "")))
        today = date.fromisoformat(str(recipe.get("today", "")))
    except ValueError:
        return ""
    days = (today - target).days
    return "D0" if days == 0 else f"D{days:+d}"


def display_name(asset: MediaAsset) -> str:
    """How pickers and lists name an item: «#12 · D-7 · Ngày KH&CN · video 15 s»."""
    parts = [f"#{asset.id}"]
    label = countdown_label(asset)
    if label:
        parts.append(label)
    parts.append(asset.title or asset.kind)
    if asset.kind == "video" and asset.duration:
        parts.append(f"video {float(asset.duration):.0f} s")
    return " · ".join(parts)

"""Audio bulletins for the grassroots loudspeaker systems («bản tin phát thanh cơ sở»).

An officer picks approved posts (or a campaign's), edits the script written for listening
(:func:`draft_script`), has it spoken by the embedded espeak-ng voice or the province's
contracted TTS service, or reads it themselves (a recording), and gets an MP3
(:func:`render`, :func:`make`). The bulletin is stored in the media library with its script
in the asset's recipe (the sidecar beside the file), and is scheduled like any post
(:func:`schedule`): a post carrying the audio, reviewed, delivered by the engine to
``grassroots`` channels with the usual exactly-once rules. Making it is all or nothing: a
voice that fails or times out leaves no file, no asset and no post; trying again makes the
bulletin anew.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from connectors.errors import ConnectorError
from media import bulletin as audio
from media.errors import MediaError
from publisher.config import get_settings
from publisher.errors import InvalidInput, NotFound, PublisherError
from publisher.models import MediaAsset, Organisation, Post, PostMedia, PostStatus
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import campaigns, posts
from publisher.services.studio import library
from publisher.timeutil import local_tz

#: Posts a bulletin may read: approved ones (scheduled, being published, published).
APPROVED = (
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.PUBLISHED,
    PostStatus.PARTIALLY_FAILED,
)
VOICES = ("espeak", "provider")
MAX_POSTS = 20


@dataclass(frozen=True)
class Made:
    """A finished bulletin: where it is, what it says and how it measures."""

    path: Path
    script: str
    voice: str
    duration: float
    lufs: float
    true_peak: float
    bytes: int
    bitrate_kbps: int
    channels: int
    asset_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "asset_id": self.asset_id,
            "voice": self.voice,
            "duration_s": self.duration,
            "loudness_lufs": self.lufs,
            "true_peak_dbtp": self.true_peak,
            "bytes": self.bytes,
            "bitrate_kbps": self.bitrate_kbps,
            "channels": self.channels,
            "script": self.script,
        }


def options() -> audio.AudioOptions:
    """The MP3 the loudspeaker systems take, from the settings."""
    s = get_settings()
    return audio.AudioOptions(
        bitrate_kbps=s.bulletin_bitrate,
        channels=s.bulletin_channels,
        lufs=s.bulletin_lufs,
        max_seconds=s.bulletin_max_seconds,
    )


# -- sources ----------------------------------------------------------------------------------
def source_posts(
    session: Session,
    actor: Actor,
    *,
    post_ids: Sequence[int] = (),
    campaign: str | None = None,
    year: int | None = None,
) -> list[Post]:
    """The approved posts a bulletin reads: the given ids (in that order) or a campaign's
    posts of ``year`` by time. Raises PermissionDenied, NotFound, InvalidInput (not
    approved, none found, too many, neither or both sources)."""
    actor.require("post.view")
    if bool(post_ids) == bool(campaign):
        raise InvalidInput("error.bulletin_source")
    if campaign:
        if year is None:
            raise InvalidInput("error.bulletin_source")
        found = campaigns.get_campaign(session, actor, campaign)
        stmt = (
            select(Post)
            .where(
                Post.campaign_id == found.id,
                Post.campaign_year == campaigns.check_year(year),
                col(Post.status).in_(APPROVED),
                _not_bulletins(),
            )
            .order_by(col(Post.due_at), col(Post.id))
        )
        if not actor.all_orgs:
            stmt = stmt.where(Post.org_id == actor.org_id)
        rows = list(session.exec(stmt))
    else:
        rows = []
        for post_id in dict.fromkeys(post_ids):
            post = session.get(Post, post_id)
            if post is None or not actor.sees(post.org_id):
                raise NotFound("error.post_not_found", id=post_id)
            if post.status not in APPROVED:
                raise InvalidInput("error.bulletin_not_approved", id=post_id)
            rows.append(post)
    if not rows:
        raise InvalidInput("error.bulletin_no_posts")
    if len(rows) > MAX_POSTS:
        raise InvalidInput("error.bulletin_too_many", count=len(rows), limit=MAX_POSTS)
    return rows


def _not_bulletins() -> Any:
    """A bulletin's own post (it carries audio) is not news for the next bulletin."""
    audio_posts = (
        select(PostMedia.post_id)
        .join(MediaAsset, col(MediaAsset.id) == col(PostMedia.asset_id))
        .where(MediaAsset.kind == "audio")
    )
    return col(Post.id).not_in(audio_posts)


def week_posts(session: Session, actor: Actor, today: date) -> list[Post]:
    """Approved posts of the actor's unit due from six days before ``today`` to seven days
    after (local time): what a weekly bulletin reads, whatever the day it is made on."""
    actor.require("post.view")
    start = datetime.combine(today - timedelta(days=6), datetime.min.time(), local_tz())
    stmt = (
        select(Post)
        .where(
            col(Post.status).in_(APPROVED),
            col(Post.due_at) >= start,
            col(Post.due_at) < start + timedelta(days=14),
            _not_bulletins(),
        )
        .order_by(col(Post.due_at), col(Post.id))
        .limit(100)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    return list(session.exec(stmt))


def draft_script(session: Session, actor: Actor, rows: Sequence[Post], day: date) -> str:
    """The script for ``rows`` read on ``day``, as editable text (paragraphs separated by
    blank lines). Raises InvalidInput when the posts have no text."""
    actor.require("post.view")
    for post in rows:  # loaded by the caller: still only the actor's own
        if not actor.sees(post.org_id):
            raise NotFound("error.post_not_found", id=post.id)
    org = _speaking_unit(session, rows)
    when = day.strftime("%d/%m/%Y")
    with _translated():
        script = audio.build_script(
            [(p.title, p.text) for p in rows],
            unit=org.name if org else "",
            day=when,
            intro="" if org else f"Đây là bản tin phát thanh cơ sở, ngày {when}.",
        )
    return script.text


def _speaking_unit(session: Session, rows: Sequence[Post]) -> Organisation | None:
    """The unit a bulletin introduces itself as: the posts' unit, or, when they come from
    several units (an administrator's campaign bulletin), the unit they all belong to;
    None when there is none (the intro then names no unit rather than the first post's)."""
    org_ids = {p.org_id for p in rows}
    if len(org_ids) == 1:
        return session.get(Organisation, next(iter(org_ids)))
    parents = {o.parent_id for o in (session.get(Organisation, i) for i in org_ids) if o}
    if len(parents) == 1 and None not in parents:
        return session.get(Organisation, next(iter(parents)))
    return None


# -- making -----------------------------------------------------------------------------------
@contextmanager
def _translated() -> Iterator[None]:
    """Media and voice-provider failures as PublisherError (one line, no secret)."""
    try:
        yield
    except MediaError as exc:
        raise PublisherError(exc.key, **dict(exc.params)) from None
    except ConnectorError as exc:
        key = "error.bulletin_tts_timeout" if exc.kind == "ambiguous" else "error.bulletin_tts"
        raise PublisherError(key, kind=exc.kind, code=exc.code or "") from None


def voice_for(name: str) -> audio.Voice:
    """The voice called ``name`` (:data:`VOICES`). Raises InvalidInput (unknown voice,
    provider not configured) and PublisherError ``tts_missing`` (no espeak-ng)."""
    s = get_settings()
    if name == "espeak":
        from media.tts import EspeakVoice, espeak_path

        if espeak_path() is None:
            raise PublisherError("media.error.tts_missing")
        return EspeakVoice(voice=s.bulletin_espeak_voice)
    if name == "provider":
        if not s.tts_url or s.tts_key is None:
            raise InvalidInput("error.bulletin_provider_unset")
        from connectors.tts_http import HttpVoice

        return HttpVoice(s.tts_url, s.tts_key.get_secret_value(), timeout=s.tts_timeout)
    raise InvalidInput("error.bulletin_voice", voice=name, voices=", ".join(VOICES))


def render(
    script_text: str,
    out: Path,
    *,
    voice: str = "espeak",
    recording: Path | None = None,
    recording_name: str | None = None,
) -> Made:
    """Make the MP3 ``out`` from ``script_text`` (spoken by ``voice``) or from a person's
    ``recording`` of it. Writes nothing but ``out`` (atomically). Raises PublisherError
    (no text, bad recording, voice failure or timeout, encoding)."""
    opts = options()
    with _translated():
        script = audio.Script.parse(script_text)
        used = "recording" if recording is not None else voice
        chosen = None if recording is not None else voice_for(voice)
        measured = audio.make(
            script,
            out,
            voice=chosen,
            recording=recording,
            recording_name=recording_name,
            opts=opts,
        )
    return Made(
        path=out,
        script=script.text,
        voice=used,
        duration=measured.duration,
        lufs=measured.lufs,
        true_peak=measured.true_peak,
        bytes=measured.bytes,
        bitrate_kbps=opts.bitrate_kbps,
        channels=opts.channels,
    )


def make(
    session: Session,
    actor: Actor,
    script_text: str,
    *,
    voice: str = "espeak",
    recording: bytes | None = None,
    recording_name: str | None = None,
    title: str = "",
    org_id: int | None = None,
) -> Made:
    """:func:`render` into the organisation's media library; the script, voice and
    measurements are the asset's recipe. Raises PermissionDenied and what :func:`render`
    raises; nothing is stored then."""
    actor.require("media.create")
    if org_id is not None:
        actor.require_org(org_id)  # before the work: another unit's library is refused
    with tempfile.TemporaryDirectory(prefix="bulletin-") as tmp:
        rec_path = None
        if recording is not None:
            rec_path = Path(tmp) / "recording"
            rec_path.write_bytes(recording)
        made = render(
            script_text,
            Path(tmp) / "bulletin.mp3",
            voice=voice,
            recording=rec_path,
            recording_name=recording_name or "recording",
        )
        recipe = {"kind": "bulletin", **made.as_dict()}
        recipe.pop("file")
        recipe.pop("asset_id")
        asset = library.add_file(
            session,
            actor,
            made.path,
            org_id=org_id,
            filename="bulletin.mp3",
            title=title or "Bản tin phát thanh cơ sở",
            tags=["bản tin"],
            recipe=recipe,
            source_kind="generated",
        )
    path = library.asset_file(asset)
    return Made(**{**made.__dict__, "path": path, "asset_id": asset.id})


def get_bulletin(session: Session, actor: Actor, asset_id: int) -> MediaAsset:
    """A bulletin asset the actor sees. Raises NotFound."""
    asset = library.get_asset(session, actor, asset_id)
    if asset.kind != "audio" or (asset.recipe or {}).get("kind") != "bulletin":
        raise NotFound("error.bulletin_not_found", id=asset_id)
    return asset


def schedule(
    session: Session,
    actor: Actor,
    asset_id: int,
    channels: Sequence[str | int],
    due_at: datetime,
    *,
    title: str = "",
) -> Post:
    """A post carrying bulletin ``asset_id`` to ``channels`` (grassroots) at ``due_at``,
    sent for review: once approved, the engine delivers it like any post. Raises what
    :func:`posts.compose` raises (channels refusing it: ValidationFailed)."""
    asset = get_bulletin(session, actor, asset_id)
    data = posts.PostInput(
        text=str(asset.recipe.get("script") or ""),
        channels=list(channels),
        due_at=due_at,
        media_ids=[asset_id],
        title=title or asset.title,
    )
    post = posts.compose(session, actor, data)
    assert post.id is not None
    return posts.submit(session, actor, post.id)

"""Render jobs: the queue of infographics, clips and per-channel versions the worker makes.

Enqueueing is idempotent: a recipe's hash identifies its job within the organisation
(unique constraint), so re-running a plan or two executors' sweeps never make a second job;
a finished job's asset is found by content hash, so a re-render never makes a second asset.
The engine (:mod:`publisher.engine.renders`) claims and executes the jobs; this module holds
the use cases the UI and CLI call and the state changes the engine records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from media import music as media_music
from media import sizes as media_sizes
from publisher.config import get_settings
from publisher.db import is_row_id
from publisher.errors import Conflict, InvalidTransition, NotFound, PublisherError
from publisher.i18n import t
from publisher.models import Channel, MediaAsset, Post, PostMedia, RenderJob, RenderStatus
from publisher.services.accounts import alerts, audit
from publisher.services.accounts.actor import Actor
from publisher.services.studio import recipes as recipes
from publisher.timeutil import fmt_local, to_local, utcnow

S = RenderStatus
ACTIVE = (S.QUEUED, S.RENDERING)
#: Kinds whose result is the post's own media (attached to the post when done).
POST_MEDIA_KINDS = ("infographic", "video")


def _org(actor: Actor, org_id: int | None) -> int:
    org = org_id if org_id is not None else actor.org_id
    if org is None:
        raise PublisherError("error.org_required")
    actor.require_org(org)
    return org


def find(session: Session, org_id: int, kind: str, recipe: Mapping[str, Any]) -> RenderJob | None:
    """The job of this recipe in this organisation, if any."""
    digest = recipes.recipe_hash(kind, recipe)
    return session.exec(
        select(RenderJob).where(RenderJob.org_id == org_id, RenderJob.recipe_hash == digest)
    ).first()


def enqueue(
    session: Session,
    actor: Actor,
    kind: str,
    recipe: Mapping[str, Any],
    *,
    org_id: int | None = None,
    priority: int = 0,
    deadline: datetime | None = None,
    post_id: int | None = None,
    check: bool = True,
    capped: bool = True,
) -> tuple[RenderJob, bool]:
    """Queue a render; returns ``(job, created)``. The same recipe returns the existing job
    (its deadline moved earlier and priority raised when the new request is more urgent).

    Raises InvalidInput / PublisherError for a recipe that can never render (unknown
    template, impossible size, missing source, too long), Conflict (``queue_full``) when the
    organisation has ``render_org_cap`` jobs queued (``capped=False``: the system's own
    channel versions, which follow work already admitted), PermissionDenied.
    """
    actor.require("media.create")
    org = _org(actor, org_id)
    if check:
        recipes.check(session, org, kind, recipe)
    existing = find(session, org, kind, recipe)
    if existing is not None:
        _sharpen(existing, priority, deadline)
        session.add(existing)
        return existing, False
    if capped:
        _check_cap(session, org)
    job = RenderJob(
        org_id=org,
        kind=kind,
        recipe=dict(recipe),
        recipe_hash=recipes.recipe_hash(kind, recipe),
        priority=priority,
        deadline=deadline,
        post_id=post_id,
    )
    try:
        with session.begin_nested():  # a concurrent enqueuer may win the unique constraint
            session.add(job)
            session.flush()
    except IntegrityError:
        winner = find(session, org, kind, recipe)
        if winner is None:
            raise
        return winner, False
    audit.record(
        session,
        actor,
        "render.enqueue",
        "render_job",
        job.id,
        org_id=org,
        after={"kind": kind, "post_id": post_id, "deadline": deadline, "priority": priority},
    )
    return job, True


def _check_cap(session: Session, org_id: int) -> None:
    cap = get_settings().render_org_cap
    queued = session.exec(
        select(func.count())
        .select_from(RenderJob)
        .where(RenderJob.org_id == org_id, RenderJob.status == S.QUEUED)
    ).one()
    if queued >= cap:
        raise Conflict("renders.error.queue_full", count=queued, cap=cap)


def _sharpen(job: RenderJob, priority: int, deadline: datetime | None) -> None:
    if job.status not in ACTIVE:
        return
    if deadline is not None and (job.deadline is None or deadline < job.deadline):
        job.deadline = deadline
    job.priority = max(job.priority, priority)


#: Clip sizes the studio offers (9:16, 4:5, 1:1, 16:9), the same presets as ``--size``.
VIDEO_SIZES: dict[str, tuple[int, int]] = dict(media_sizes.VIDEO_SIZES)
#: What a clip's music may be: ``none`` (silence) or a library track (labels
#: ``media.music.<name>``); see :mod:`media.music`.
MUSIC_CHOICES: tuple[str, ...] = ("none", *media_music.TRACKS)


def enqueue_video(
    session: Session,
    actor: Actor,
    asset_ids: Sequence[int],
    *,
    title: str = "",
    subtitle: str = "",
    size: tuple[int, int] = (1080, 1080),
    seconds_per_image: float = 3.0,
    end_card: bool = True,
    campaign: str = "",
    hashtag: str = "",
    post_id: int | None = None,
    deadline: datetime | None = None,
    zoom: bool = False,
    captions: Sequence[str] = (),
    music: str = "none",
    motion: bool = False,
) -> RenderJob:
    """The media studio's "render video": a clip of library images, made by the worker;
    ``music`` a library track or ``none`` (silence), ``motion`` a motion-graphic opener.

    Raises the errors of :func:`enqueue`.
    """
    org = _org(actor, None)
    recipe = {
        "slides": [{"asset_id": int(a)} for a in asset_ids],
        "title": title.strip(),
        "subtitle": subtitle.strip(),
        "end_card": end_card,
        "campaign": campaign,
        "size": [int(size[0]), int(size[1])],
        "seconds_per_image": seconds_per_image,
        "fps": 30,
        "brand": recipes.brand_snapshot(session, org, hashtag),
        "_title": title.strip() or "Video",
    }
    if zoom:
        recipe["zoom"] = True
    if any(c.strip() for c in captions):
        recipe["captions"] = [c.strip() for c in captions]
    if music and music != "none":
        recipe["music"] = music
    if motion and title.strip():
        recipe["motion"] = True
    job, _ = enqueue(
        session, actor, "video", recipe, org_id=org, post_id=post_id, deadline=deadline
    )
    return job


def enqueue_motion(
    session: Session,
    actor: Actor,
    template: str,
    fields: Mapping[str, Any],
    *,
    size: tuple[int, int] = (1080, 1920),
    seconds: float = 10.0,
    music: str = "none",
    hashtag: str = "",
) -> RenderJob:
    """The studio's motion-graphic clip of a template (text reveals, counting numbers,
    growing bars, a ticking countdown), with a library track or silence; made by the worker.

    Raises the errors of :func:`enqueue` (``unknown_template``, ``bad_motion_seconds``,
    ``unknown_track``...).
    """
    org = _org(actor, None)
    clean = {k: v for k, v in fields.items() if k != "photo" and v not in ("", None, [])}
    recipe: dict[str, Any] = {
        "motion": {
            "template": template,
            "fields": clean,
            "seconds": float(seconds),
            "today": to_local(utcnow()).date().isoformat(),
        },
        "size": [int(size[0]), int(size[1])],
        "fps": 30,
        "brand": recipes.brand_snapshot(session, org, hashtag),
        "_title": str(clean.get("title", "")).strip()[:120] or "Video",
    }
    if music and music != "none":
        recipe["music"] = music
    job, _ = enqueue(session, actor, "video", recipe, org_id=org)
    return job


def get_job(session: Session, actor: Actor, job_id: int) -> RenderJob:
    """Raises NotFound (also for another organisation's job)."""
    actor.require("media.view")
    job = session.get(RenderJob, job_id) if is_row_id(job_id) else None
    if job is None or not actor.sees(job.org_id):
        raise NotFound("renders.error.not_found", id=job_id)
    return job


def cancel(session: Session, actor: Actor, job_id: int) -> RenderJob:
    """Cancel a queued or running job (a running render stops at its next progress report).

    Raises NotFound, InvalidTransition (finished jobs), PermissionDenied (editors and admins
    only: an officer's render may feed a post an editor already approved).
    """
    actor.require("post.review")
    job = get_job(session, actor, job_id)
    if job.status not in ACTIVE:
        raise InvalidTransition("renders.error.cannot_cancel", id=job_id, status=job.status)
    before = job.status
    job.status = S.CANCELLED
    job.finished_at = utcnow()
    job.lease_owner = job.lease_until = None
    session.add(job)
    audit.record(
        session,
        actor,
        "render.cancel",
        "render_job",
        job.id,
        org_id=job.org_id,
        before={"status": before},
        after={"status": S.CANCELLED},
    )
    return job


def retry(session: Session, actor: Actor, job_id: int) -> RenderJob:
    """Queue a failed or cancelled job again. Raises NotFound, InvalidTransition."""
    actor.require("media.create")
    job = get_job(session, actor, job_id)
    if job.status not in (S.FAILED, S.CANCELLED):
        raise InvalidTransition("renders.error.cannot_retry", id=job_id, status=job.status)
    before = job.status
    job.status, job.error, job.progress, job.attempts = S.QUEUED, None, 0.0, 0
    job.finished_at = job.started_at = None
    session.add(job)
    audit.record(
        session,
        actor,
        "render.retry",
        "render_job",
        job.id,
        org_id=job.org_id,
        before={"status": before},
        after={"status": S.QUEUED},
    )
    return job


def list_jobs(
    session: Session,
    actor: Actor,
    *,
    status: str | Sequence[str] | None = None,
    post_id: int | None = None,
    post_ids: Sequence[int] | None = None,
    org_id: int | None = None,
    kind: str | None = None,
    limit: int = 500,
) -> list[RenderJob]:
    """Jobs the actor may see, in queue order (deadline, then priority, then age)."""
    actor.require("media.view")
    stmt = select(RenderJob)
    if not actor.all_orgs:
        stmt = stmt.where(RenderJob.org_id == actor.org_id)
    elif org_id is not None:
        stmt = stmt.where(RenderJob.org_id == org_id)
    if status:
        wanted = [status] if isinstance(status, str) else list(status)
        stmt = stmt.where(col(RenderJob.status).in_(wanted))
    if post_id is not None:
        stmt = stmt.where(RenderJob.post_id == post_id)
    if post_ids is not None:
        stmt = stmt.where(col(RenderJob.post_id).in_(list(post_ids)))
    if kind:
        stmt = stmt.where(RenderJob.kind == kind)
    stmt = stmt.order_by(
        col(RenderJob.deadline).is_(None),
        col(RenderJob.deadline),
        col(RenderJob.priority).desc(),
        col(RenderJob.id),
    ).limit(limit)
    return list(session.exec(stmt))


def error_text(job: RenderJob, lang: str | None = None) -> str:
    """The job's failure in the reader's language ("" when it has none)."""
    if not job.error:
        return ""
    try:
        data = json.loads(job.error)
        return t(str(data["key"]), lang, **dict(data.get("params") or {}))
    except (ValueError, KeyError, TypeError):
        return job.error


def describe(job: RenderJob, lang: str | None = None) -> dict[str, Any]:
    """A job as plain data for the UI and ``--json`` (progress in percent)."""
    return {
        "id": job.id,
        "org_id": job.org_id,
        "kind": job.kind,
        "kind_label": t(f"renders.kind.{job.kind}", lang),
        "status": job.status,
        "status_label": t(f"renders.status.{job.status}", lang),
        "progress": round(job.progress * 100),
        "priority": job.priority,
        "deadline": job.deadline.isoformat() if job.deadline else None,
        "deadline_local": fmt_local(job.deadline) if job.deadline else "",
        "post_id": job.post_id,
        "asset_id": job.result_asset_id,
        "attempts": job.attempts,
        "error": error_text(job, lang),
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def post_renders(session: Session, actor: Actor, post_id: int) -> list[dict[str, Any]]:
    """The post's own renders (countdown card, clip) with progress and problems, for the
    review page. Raises NotFound for a post the actor may not see."""
    post = session.get(Post, post_id)
    if post is None or not actor.sees(post.org_id):
        raise NotFound("error.post_not_found", id=post_id)
    return [describe(j) for j in list_jobs(session, actor, post_id=post_id)]


def post_problems(session: Session, post_id: int, lang: str | None = None) -> list[str]:
    """Why a post's media is not usable: one line per failed render (empty when fine)."""
    jobs = session.exec(
        select(RenderJob).where(RenderJob.post_id == post_id, RenderJob.status == S.FAILED)
    )
    return [f"{t(f'renders.kind.{j.kind}', lang)} #{j.id}: {error_text(j, lang)}" for j in jobs]


# -- read models for the pages -----------------------------------------------------------------
@dataclass(frozen=True)
class JobFile:
    """What a finished job made, as a page shows it."""

    id: int
    kind: str
    path: Path


@dataclass(frozen=True)
class JobBoard:
    """Jobs as plain rows (:func:`describe`, in the reader's language) and their files."""

    rows: tuple[dict[str, Any], ...]
    files: Mapping[int, JobFile]

    @property
    def active(self) -> bool:
        """Whether any job is still queued or rendering (the page keeps polling)."""
        return any(r["status"] in ACTIVE for r in self.rows)


def board(session: Session, jobs: Sequence[RenderJob], lang: str | None = None) -> JobBoard:
    """The board of ``jobs`` (already loaded for the actor: this reads only their results)."""
    from publisher.services.studio.library import asset_file

    files: dict[int, JobFile] = {}
    for job in jobs:
        asset = session.get(MediaAsset, job.result_asset_id) if job.result_asset_id else None
        if asset is not None and asset.id is not None:
            files[asset.id] = JobFile(asset.id, asset.kind, asset_file(asset))
    return JobBoard(tuple(describe(j, lang) for j in jobs), files)


def queue_board(
    session: Session,
    actor: Actor,
    status: Sequence[str] | None = None,
    lang: str | None = None,
    *,
    limit: int = 200,
) -> JobBoard:
    """The render queue page: the actor's jobs in ``status`` (all when None)."""
    return board(session, list_jobs(session, actor, status=status, limit=limit), lang)


def post_board(session: Session, actor: Actor, post_id: int, lang: str | None = None) -> JobBoard:
    """A post's renders still to come or failed (the review card; finished ones show in its
    previews)."""
    jobs = [
        j
        for j in list_jobs(session, actor, post_id=post_id)
        if j.status in (*ACTIVE, RenderStatus.FAILED)
    ]
    return board(session, jobs, lang)


def jobs_board(
    session: Session,
    actor: Actor,
    job_ids: Sequence[int],
    lang: str | None = None,
    *,
    with_fits: bool = False,
) -> JobBoard:
    """The jobs ``job_ids`` (NotFound for one the actor may not see); ``with_fits`` adds the
    channel versions made from their posts' media still to come or failed (a campaign plan)."""
    own = [get_job(session, actor, i) for i in job_ids]
    fits: list[RenderJob] = []
    if with_fits:
        fits = list_jobs(
            session,
            actor,
            kind="fit",
            status=[*ACTIVE, RenderStatus.FAILED],
            post_ids=sorted({j.post_id for j in own if j.post_id}),
        )
    return board(session, [*own, *fits], lang)


# -- recorded by the engine ---------------------------------------------------------------------
def encode_error(key: str, params: Mapping[str, Any]) -> str:
    return json.dumps({"key": key, "params": {k: str(v) for k, v in params.items()}})


def mark_failed(session: Session, job: RenderJob, key: str, params: Mapping[str, Any]) -> None:
    """Fail a job (in the caller's transaction) and alert the organisation's editors."""
    job.status = S.FAILED
    job.error = encode_error(key, params)
    job.finished_at = utcnow()
    job.lease_owner = job.lease_until = None
    session.add(job)
    # The alert carries the failure's own catalogue key, so each reader sees it in their
    # language; the job (and through it the post) is the alert's object.
    alerts.raise_alert(
        session,
        "render_failed",
        key,
        org_id=job.org_id,
        severity="error",
        object_type="render_job",
        object_id=job.id,
        **{k: str(v) for k, v in params.items()},  # type: ignore[arg-type]
    )


def attaches(job: RenderJob) -> bool:
    """Whether the job's result becomes its post's media (``_attach: False``: library only)."""
    return (
        job.post_id is not None
        and job.kind in POST_MEDIA_KINDS
        and bool(job.recipe.get("_attach", True))
    )


def attach_result(session: Session, job: RenderJob, asset: MediaAsset) -> None:
    """Attach a finished card or clip to its post (once; position from the recipe)."""
    if not attaches(job) or asset.id is None or job.post_id is None:
        return
    exists = session.get(PostMedia, (job.post_id, asset.id))
    if exists is None:
        position = int(job.recipe.get("_position", 0))
        session.add(PostMedia(post_id=job.post_id, asset_id=asset.id, position=position))


def channel_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Channel).where(col(Channel.id).in_(list(ids))))
    return {c.id: c.name for c in rows if c.id is not None}

"""The render executor: claims render jobs with a lease and makes their media.

Claiming follows :mod:`publisher.engine.claim`: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (any
number of executor processes take disjoint jobs), the single writer (``BEGIN IMMEDIATE``) on
SQLite. Jobs are taken by deadline, then priority, then age. A job whose lease expired (its
executor died) is queued work again; a late finisher that lost its lease records nothing, and
the content-addressed library gives the same asset back anyway, so a re-render never makes a
second asset.

Renders have their own threads (:class:`RenderExecutor`), separate from the delivery
executor's slots, so a queue of clips never delays an 08:00 publication. Only one video
renders at a time per process by default (memory and CPU bound).
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import Session, col, or_, select

from media.errors import MediaError
from publisher.config import get_settings
from publisher.db import get_engine, is_postgres, session_scope
from publisher.errors import PublisherError
from publisher.models import MediaAsset, RenderJob, RenderStatus
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow

if TYPE_CHECKING:
    from publisher.services.studio import recipes as recipes
# The render stack (the recipes, Pillow, numpy: about half a second) is imported by the
# functions that render, not with this module: a worker's first claim must not wait for it.

log = logging.getLogger(__name__)
S = RenderStatus
#: A job interrupted this many times (its executor died each time) fails for good.
MAX_ATTEMPTS = 3
#: Progress is written back at most this often (seconds): a clip reports ~30 times a second.
PROGRESS_EVERY = 1.0
#: How often an executor queues missing channel versions of upcoming posts (seconds).
SWEEP_EVERY = 30.0
#: Videos at once per process (each ffmpeg holds a few frames of the clip in memory).
VIDEO_SLOTS = 1
SYSTEM = Actor.system("worker:render")


class RenderCancelled(Exception):
    """The job was cancelled (or its lease lost) while rendering: stop, record nothing."""


def _claimable(now: datetime) -> list[object]:
    return [
        or_(
            col(RenderJob.status) == S.QUEUED,
            # Executor died mid-render: the lease ran out, the job is free again.
            (col(RenderJob.status) == S.RENDERING) & (col(RenderJob.lease_until) < now),
        )
    ]


def claim_jobs(
    owner: str,
    *,
    limit: int = 1,
    lease_seconds: float | None = None,
    kinds: tuple[str, ...] | None = None,
    exclude_kinds: tuple[str, ...] = (),
    now: datetime | None = None,
) -> list[int]:
    """Claim up to ``limit`` jobs for ``owner`` (committed ``rendering`` with a lease).

    A job already interrupted ``MAX_ATTEMPTS`` times is failed (alerting) instead.
    Raises SQLAlchemy errors if the database fails (nothing is then claimed).
    """
    from publisher.services.studio import render_jobs as renders_svc

    if limit <= 0:
        return []
    now = now or utcnow()
    lease = timedelta(seconds=lease_seconds or get_settings().render_lease_seconds)
    engine = get_engine()
    claimed: list[int] = []
    with session_scope(engine) as session:
        stmt = select(RenderJob).where(*_claimable(now))  # type: ignore[arg-type]
        if kinds:
            stmt = stmt.where(col(RenderJob.kind).in_(kinds))
        if exclude_kinds:
            stmt = stmt.where(col(RenderJob.kind).not_in(exclude_kinds))
        stmt = stmt.order_by(
            col(RenderJob.deadline).is_(None),
            col(RenderJob.deadline),
            col(RenderJob.priority).desc(),
            col(RenderJob.id),
        ).limit(limit)
        if is_postgres(engine):
            stmt = stmt.with_for_update(skip_locked=True)
        for job in session.exec(stmt).all():
            assert job.id is not None
            if job.attempts >= MAX_ATTEMPTS:
                renders_svc.mark_failed(
                    session, job, "renders.error.gave_up", {"attempts": job.attempts}
                )
                continue
            job.status = S.RENDERING
            job.lease_owner = owner
            job.lease_until = now + lease
            job.attempts += 1
            job.started_at = now
            job.progress = 0.0
            session.add(job)
            claimed.append(job.id)
    return claimed


def report_progress(job_id: int, owner: str, fraction: float, lease_seconds: float) -> bool:
    """Write progress and extend the lease; False when the job was cancelled or taken over."""
    now = utcnow()
    with session_scope() as session:
        result = session.execute(
            update(RenderJob)
            .where(
                col(RenderJob.id) == job_id,
                col(RenderJob.lease_owner) == owner,
                col(RenderJob.status) == S.RENDERING,
            )
            .values(
                progress=max(0.0, min(0.99, fraction)),
                lease_until=now + timedelta(seconds=lease_seconds),
            )
        )
        return bool(getattr(result, "rowcount", 0))


class _Throttle:
    """Turns a render's frequent progress callbacks into a write every ``PROGRESS_EVERY``."""

    def __init__(self, job_id: int, owner: str, lease_seconds: float) -> None:
        self.job_id, self.owner, self.lease_seconds = job_id, owner, lease_seconds
        self.last = time.monotonic()
        self.writes = 0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.writes += 1
        if not report_progress(self.job_id, self.owner, fraction, self.lease_seconds):
            raise RenderCancelled(self.job_id)  # ffmpeg is killed as the exception unwinds


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    recipe: dict[str, object]
    org_id: int


def _load(job_id: int, owner: str) -> _Claimed | None:
    with session_scope(readonly=True) as session:
        job = session.get(RenderJob, job_id)
        if job is None or job.status != S.RENDERING or job.lease_owner != owner:
            return None
        return _Claimed(job_id, job.kind, dict(job.recipe), job.org_id)


def _owned(job: RenderJob | None, owner: str) -> bool:
    return job is not None and job.status == S.RENDERING and job.lease_owner == owner


def _asset_title(job: RenderJob, output: recipes.Output) -> str:
    """The library title of a render: what the requester called it, else the card's or
    clip's own title, else the file name (channel versions keep their file name)."""
    if job.kind == "fit":
        return output.filename
    recipe = job.recipe
    fields = recipe.get("fields") if isinstance(recipe.get("fields"), dict) else {}
    for value in (recipe.get("_title"), recipe.get("title"), (fields or {}).get("title")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return output.filename


def _parent_alt(session: Session, parent_id: int | None) -> str:
    """A channel version says what its original says."""
    parent = session.get(MediaAsset, parent_id) if parent_id else None
    return parent.alt_text if parent is not None else ""


def complete(job_id: int, owner: str, output: recipes.Output) -> bool:
    """Record the result (asset, post attachment, channel versions to make) if we still hold
    the job, and make the deliveries held for it due now; False (nothing recorded) when it
    was cancelled or taken over meanwhile."""
    from publisher.services.publishing import versions as prepare_svc
    from publisher.services.studio import library as media_svc
    from publisher.services.studio import render_jobs as renders_svc

    with session_scope() as session:
        job = session.get(RenderJob, job_id)
        if not _owned(job, owner):
            return False
        assert job is not None
        if output.reuse_asset_id is not None:
            asset = session.get(MediaAsset, output.reuse_asset_id)
            assert asset is not None
        else:
            assert output.path is not None
            asset = media_svc.add_file(
                session,
                SYSTEM,
                output.path,
                org_id=job.org_id,
                filename=output.filename,
                title=_asset_title(job, output),
                tags=(job.kind,),
                recipe={**job.recipe, "render_hash": job.recipe_hash},
                source_kind=output.source,
                alt_text=output.alt or _parent_alt(session, output.parent_id),
            )
            if output.source == "fitted" and asset.parent_id is None and asset.source == "fitted":
                asset.parent_id = output.parent_id
                session.add(asset)
        job.result_asset_id = asset.id
        job.status = S.DONE
        job.progress = 1.0
        job.finished_at = utcnow()
        job.lease_owner = job.lease_until = None
        session.add(job)
        renders_svc.attach_result(session, job, asset)
        if job.post_id is not None and job.kind in renders_svc.POST_MEDIA_KINDS:
            session.flush()
            prepare_svc.ensure_fits(session, [job.post_id])
        # The job's row is written (and, on PostgreSQL, locked) before the waiting
        # deliveries are read: see prepare.settled_media for the other side.
        session.flush()
        woken = prepare_svc.wake_waiting(session, job)
        if woken:
            log.info("render job %s done: deliveries %s due now", job_id, woken)
    return True


def fail(job_id: int, owner: str, key: str, params: dict[str, object]) -> bool:
    """Fail a job we hold, alerting the organisation; False if it was no longer ours."""
    from publisher.services.studio import render_jobs as renders_svc

    with session_scope() as session:
        job = session.get(RenderJob, job_id)
        if not _owned(job, owner):
            return False
        assert job is not None
        renders_svc.mark_failed(session, job, key, params)
    return True


def run_job(job_id: int, owner: str, lease_seconds: float | None = None) -> str:
    """Render a claimed job and record the outcome; returns ``done``, ``failed`` or ``lost``.

    Media and recipe errors fail the job with their catalogue message; unexpected errors too
    (with their text), so nothing stays ``rendering`` while its executor is alive.
    """
    from publisher.services.studio import recipes as recipes

    lease = lease_seconds or float(get_settings().render_lease_seconds)
    claimed = _load(job_id, owner)
    if claimed is None:
        return "lost"
    throttle = _Throttle(job_id, owner, lease)
    try:
        with tempfile.TemporaryDirectory(prefix="render-") as tmp:
            output = recipes.execute(
                claimed.kind, claimed.recipe, claimed.org_id, Path(tmp), throttle
            )
            ok = complete(job_id, owner, output)
    except RenderCancelled:
        return "lost"
    except MediaError as exc:
        return "failed" if fail(job_id, owner, exc.key, dict(exc.params)) else "lost"
    except PublisherError as exc:
        return "failed" if fail(job_id, owner, exc.key, dict(exc.params)) else "lost"
    except Exception as exc:  # a bug must not leave the job rendering forever
        log.exception("render job %s failed unexpectedly", job_id)
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return (
            "failed"
            if fail(job_id, owner, "renders.error.unexpected", {"detail": detail})
            else "lost"
        )
    return "done" if ok else "lost"


def new_owner(prefix: str = "render") -> str:
    """A lease owner id unique to this process and call."""
    return f"{prefix}-{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def run_pending(owner: str = "cli", *, max_jobs: int | None = None) -> Counter[str]:
    """Render queued jobs one after another in this thread until none is left (CLI, tests)."""
    results: Counter[str] = Counter()
    while max_jobs is None or sum(results.values()) < max_jobs:
        ids = claim_jobs(owner, limit=1)
        if not ids:
            break
        results[run_job(ids[0], owner)] += 1
    return results


class RenderExecutor:
    """Render threads of one worker process: ``RenderExecutor(owner).start()`` / ``.stop()``.

    ``slots`` threads each claim one job at a time; at most ``VIDEO_SLOTS`` of them render a
    video. One of them also queues missing channel versions every ``SWEEP_EVERY`` seconds.
    """

    def __init__(
        self,
        owner: str,
        *,
        slots: int | None = None,
        poll: float = 1.0,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        self.owner = owner
        #: Called after each finished render (the worker claims at once: a delivery held
        #: for this render may be due now).
        self.on_done = on_done
        self.slots = max(1, slots if slots is not None else get_settings().render_slots)
        self.poll = poll
        self.results: Counter[str] = Counter()
        self._videos = threading.BoundedSemaphore(VIDEO_SLOTS)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sweep_lock = threading.Lock()
        self._last_sweep = float("-inf")

    def start(self) -> RenderExecutor:
        for i in range(self.slots):
            thread = threading.Thread(
                target=self._loop, name=f"render-{i}-{self.owner}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Stop claiming and wait for running renders (an interrupted one is re-claimed later
        by whoever finds its lease expired)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _sweep(self, force: bool = False) -> int:
        """Queue missing channel versions (every ``SWEEP_EVERY`` s, or now when ``force``);
        returns how many were queued."""
        from publisher.services.publishing import versions as prepare_svc

        if (
            not force and time.monotonic() - self._last_sweep < SWEEP_EVERY
        ) or not self._sweep_lock.acquire(blocking=False):
            return 0
        try:
            with session_scope() as session:
                created = prepare_svc.ensure_fits(session)
            self._last_sweep = time.monotonic()
            return created
        except Exception:
            log.exception("render sweep failed")
            return 0
        finally:
            self._sweep_lock.release()

    def idle(self) -> bool:
        """No render job queued, rendering or re-claimable anywhere, and no channel version
        left to queue (a forced sweep finds none). Used by ``worker --until-idle``."""
        with session_scope(readonly=True) as session:
            active = session.exec(
                select(func.count())
                .select_from(RenderJob)
                .where(col(RenderJob.status).in_((S.QUEUED, S.RENDERING)))
            ).one()
        return not active and self._sweep(force=True) == 0

    def _claim_one(self) -> tuple[int, bool] | None:
        video = self._videos.acquire(blocking=False)
        try:
            ids = claim_jobs(self.owner, limit=1, exclude_kinds=() if video else ("video",))
        except Exception:
            log.exception("render claim failed")
            ids = []
        if video and ids:
            with session_scope(readonly=True) as session:
                job = session.get(RenderJob, ids[0])
                is_video = job is not None and job.kind == "video"
            if not is_video:  # the slot is for clips only: free it for the other threads
                self._videos.release()
                video = False
        elif video:
            self._videos.release()
        return (ids[0], video) if ids else None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sweep()
            claimed = self._claim_one()
            if claimed is None:
                self._stop.wait(self.poll)
                continue
            job_id, holds_video = claimed
            try:
                result = run_job(job_id, self.owner)
                self.results[result] += 1
                if result == "done" and self.on_done is not None:
                    self.on_done()
            except Exception:
                log.exception("render job %s: executor error", job_id)
                self.results["error"] += 1
            finally:
                if holds_video:
                    self._videos.release()

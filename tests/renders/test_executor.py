"""The render executor threads, throttled progress, and cancelling a running clip."""

from __future__ import annotations

import time
from typing import Any

import pytest

from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.services.studio import render_jobs as renders_svc
from tests.factories import ADMIN, Office
from tests.renders.conftest import add_image, asset_count, card, job


def clip(office: Office, seconds: float = 2.0) -> int:
    slides = [{"asset_id": add_image(office, (20, 120, 60))}]
    with session_scope() as s:
        row, _ = renders_svc.enqueue(
            s, ADMIN, "video",
            {"slides": slides, "size": [320, 320], "seconds_per_image": seconds, "fps": 30},
            org_id=office.org.id,
        )  # fmt: skip
        assert row.id is not None
        return row.id


def test_progress_is_written_back_and_a_cancel_stops_the_running_clip(
    office: Office, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 0.0)
    job_id = clip(office, seconds=8.0)
    seen: list[float] = []
    real = engine.report_progress

    def cancel_midway(job: int, owner: str, fraction: float, lease: float) -> bool:
        seen.append(fraction)
        if len(seen) == 3:  # an editor presses "cancel" while the clip renders
            with session_scope() as s:
                renders_svc.cancel(s, ADMIN, job)
        return real(job, owner, fraction, lease)

    monkeypatch.setattr(engine, "report_progress", cancel_midway)
    assert engine.claim_jobs("x") == [job_id]
    assert engine.run_job(job_id, "x") == "lost"
    assert len(seen) == 3 and seen == sorted(seen)
    assert job(job_id).status == "cancelled" and job(job_id).result_asset_id is None
    assert asset_count(office.org.id) == 1  # only the source picture


def test_progress_survives_in_the_job_while_rendering(
    office: Office, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 0.0)
    job_id = clip(office)
    stored: list[float] = []
    real = engine.report_progress

    def spy(job_: int, owner: str, fraction: float, lease: float) -> bool:
        ok = real(job_, owner, fraction, lease)
        stored.append(job(job_).progress)
        return ok

    monkeypatch.setattr(engine, "report_progress", spy)
    assert engine.run_pending("x") == {"done": 1}
    assert stored and all(0.0 <= p < 1.0 for p in stored) and stored == sorted(stored)
    assert job(job_id).progress == 1.0


def test_executor_threads_render_the_queue_and_stop_cleanly(office: Office, clock: Any) -> None:
    cards = []
    with session_scope() as s:
        for i in range(3):
            row, _ = renders_svc.enqueue(
                s, ADMIN, "infographic", card(office, f"Thẻ {i}"), org_id=office.org.id
            )
            cards.append(row.id)
    video = clip(office, seconds=1.0)
    executor = engine.RenderExecutor("pool", slots=2, poll=0.05).start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(job(i).status == "done" for i in [*cards, video]):  # type: ignore[list-item]
                break
            time.sleep(0.1)
    finally:
        executor.stop()
    assert [job(i).status for i in [*cards, video]] == ["done"] * 4  # type: ignore[list-item]
    assert executor.results == {"done": 4}


def test_the_worker_runs_renders_in_its_own_threads(office: Office, clock: Any) -> None:
    from publisher.engine.worker import Worker

    assert Worker(threads=1, render_slots=0).renders is None
    with session_scope() as s:
        row, _ = renders_svc.enqueue(
            s, ADMIN, "infographic", card(office, "Thẻ của worker"), org_id=office.org.id
        )
        job_id = row.id or 0
    worker = Worker(threads=1, executor_only=True, render_slots=1)
    assert worker.renders is not None and worker.renders.slots == 1
    worker.start()
    try:
        deadline = time.monotonic() + 120
        while job(job_id).status != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert job(job_id).status == "done"
    assert job(job_id).lease_owner is None and worker.renders.results == {"done": 1}

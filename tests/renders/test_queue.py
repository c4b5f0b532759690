"""Render jobs: enqueue, claim by deadline, lease expiry, cancel, bad input, the cap."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    PublisherError,
)
from publisher.i18n import t
from publisher.models import MediaAsset
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import utcnow
from tests.factories import ADMIN, Office
from tests.renders.conftest import add_image, alerts, asset_count, card, job


def enqueue(office: Office, kind: str, recipe: dict[str, Any], **kw: Any) -> tuple[int, bool]:
    with session_scope() as s:
        row, created = renders_svc.enqueue(s, office.actor("officer"), kind, recipe, **kw)
        assert row.id is not None
        return row.id, created


def test_a_job_goes_from_queued_to_done_with_one_asset(office: Office, clock: Any) -> None:
    job_id, created = enqueue(office, "infographic", card(office))
    assert created and job(job_id).status == "queued" and job(job_id).progress == 0.0
    again, created_again = enqueue(office, "infographic", card(office))
    assert (again, created_again) == (job_id, False)  # same recipe, same job

    assert engine.claim_jobs("exec-a", limit=5) == [job_id]
    claimed = job(job_id)
    assert claimed.status == "rendering" and claimed.lease_owner == "exec-a"
    assert claimed.lease_until == utcnow() + timedelta(seconds=get_settings().render_lease_seconds)
    assert claimed.attempts == 1 and claimed.started_at == utcnow()
    assert engine.claim_jobs("exec-b", limit=5) == []  # held

    assert engine.run_job(job_id, "exec-a") == "done"
    done = job(job_id)
    assert done.status == "done" and done.progress == 1.0 and done.lease_owner is None
    with session_scope(readonly=True) as s:
        asset = s.get(MediaAsset, done.result_asset_id)
        assert asset is not None and asset.source == "generated" and asset.kind == "image"
        assert (asset.width, asset.height) == (480, 480)
        assert asset.recipe["render_hash"] == done.recipe_hash
        assert (get_settings().media_dir / asset.path).is_file()
    assert asset_count(office.org.id) == 1


def test_jobs_are_claimed_by_deadline_then_priority(office: Office, clock: Any) -> None:
    now = utcnow()
    no_deadline, _ = enqueue(office, "infographic", card(office, "Không hạn"), priority=99)
    late, _ = enqueue(office, "infographic", card(office, "Muộn"), deadline=now + timedelta(days=9))
    soon_low, _ = enqueue(
        office, "infographic", card(office, "Sớm"), deadline=now + timedelta(days=1)
    )
    soon_high, _ = enqueue(
        office, "infographic", card(office, "Sớm gấp"), deadline=now + timedelta(days=1), priority=5
    )
    order = [engine.claim_jobs("x", limit=1)[0] for _ in range(4)]
    assert order == [soon_high, soon_low, late, no_deadline]


def test_a_more_urgent_request_moves_the_existing_job_forward(office: Office, clock: Any) -> None:
    now = utcnow()
    job_id, _ = enqueue(office, "infographic", card(office), deadline=now + timedelta(days=9))
    again, created = enqueue(
        office, "infographic", card(office), deadline=now + timedelta(days=2), priority=3
    )
    assert again == job_id and not created
    assert job(job_id).deadline == now + timedelta(days=2) and job(job_id).priority == 3


def test_a_killed_render_is_taken_over_after_its_lease_without_a_second_asset(
    office: Office, clock: Any
) -> None:
    job_id, _ = enqueue(office, "infographic", card(office))
    assert engine.claim_jobs("dead", limit=1, lease_seconds=60) == [job_id]
    clock.advance(59)
    assert engine.claim_jobs("alive", limit=1) == []  # lease still held
    clock.advance(2)
    assert engine.claim_jobs("alive", limit=1) == [job_id]
    assert job(job_id).attempts == 2
    assert engine.run_job(job_id, "alive") == "done"
    # The "dead" executor was only slow: its late result is discarded, not added twice.
    assert engine.run_job(job_id, "dead") == "lost"
    assert asset_count(office.org.id) == 1
    assert job(job_id).status == "done"
    # Asking again for the same card finds the finished job and its asset.
    again, created = enqueue(office, "infographic", card(office))
    assert again == job_id and not created and asset_count(office.org.id) == 1


def test_a_job_interrupted_three_times_fails_with_an_alert(office: Office, clock: Any) -> None:
    job_id, _ = enqueue(office, "infographic", card(office))
    for n in range(engine.MAX_ATTEMPTS):
        assert engine.claim_jobs(f"crash-{n}", limit=1, lease_seconds=10) == [job_id]
        clock.advance(11)
    assert engine.claim_jobs("next", limit=1) == []
    failed = job(job_id)
    assert failed.status == "failed"
    assert "3" in renders_svc.error_text(failed, "en")
    assert [a.object_id for a in alerts("render_failed")] == [job_id]


def test_cancel_stops_queued_and_running_jobs(office: Office, clock: Any) -> None:
    queued, _ = enqueue(office, "infographic", card(office, "Một"))
    running, _ = enqueue(office, "infographic", card(office, "Hai"))
    editor = office.actor("editor")
    with pytest.raises(PermissionDenied), session_scope() as s:
        renders_svc.cancel(s, office.actor("officer"), queued)
    with session_scope() as s:
        renders_svc.cancel(s, editor, queued)
    assert engine.claim_jobs("x", limit=5) == [running]
    with session_scope() as s:
        renders_svc.cancel(s, editor, running)
    assert engine.run_job(running, "x") == "lost"  # finished rendering, but records nothing
    assert job(queued).status == job(running).status == "cancelled"
    assert asset_count(office.org.id) == 0
    with pytest.raises(InvalidTransition), session_scope() as s:
        renders_svc.cancel(s, editor, queued)
    with session_scope() as s:
        renders_svc.retry(s, editor, queued)
    assert job(queued).status == "queued"


def test_recipes_that_can_never_render_are_refused_with_a_clear_message(
    office: Office, clock: Any
) -> None:
    with pytest.raises(PublisherError) as unknown:
        enqueue(office, "infographic", card(office, template="poster"))
    assert unknown.value.key == "media.error.unknown_template"
    assert "poster" in t(unknown.value.key, "vi", **unknown.value.params)
    with pytest.raises(PublisherError) as tiny:
        enqueue(office, "infographic", card(office, size=(100, 100)))
    assert tiny.value.key == "media.error.bad_size"
    with pytest.raises(InvalidInput) as missing:
        enqueue(office, "video", {"slides": [{"asset_id": 999}], "size": [320, 320]})
    assert missing.value.key == "renders.error.source_missing"
    with pytest.raises(InvalidInput):
        enqueue(office, "sculpture", {})
    with session_scope(readonly=True) as s:
        assert renders_svc.list_jobs(s, ADMIN) == []  # nothing half-written


def test_a_corrupt_source_fails_the_job_shows_on_the_post_and_alerts(
    office: Office, clock: Any
) -> None:
    asset_id = add_image(office)
    with session_scope() as s:
        row = s.get(MediaAsset, asset_id)
        assert row is not None
        path = get_settings().media_dir / row.path
        path.write_bytes(path.read_bytes()[:200])  # truncated, as after a failed copy
    recipe = {"slides": [{"asset_id": asset_id}], "size": [320, 320], "seconds_per_image": 1.0}
    job_id, _ = enqueue(office, "video", recipe)
    assert engine.run_pending("x") == {"failed": 1}
    failed = job(job_id)
    assert failed.status == "failed" and failed.result_asset_id is None
    assert "hỏng" in renders_svc.error_text(failed, "vi")
    assert "damaged" in renders_svc.error_text(failed, "en")
    [alert] = alerts("render_failed")
    assert alert.object_id == job_id and alert.org_id == office.org.id
    assert "damaged" in t(alert.message_key, "en", **alert.params)


def test_a_video_longer_than_the_channel_allows_fails(office: Office, clock: Any) -> None:
    slides = [{"asset_id": add_image(office, (200, 40, 40))}]
    clip, _ = enqueue(
        office, "video", {"slides": slides, "size": [320, 320], "seconds_per_image": 3.0}
    )
    assert engine.run_pending("x") == {"done": 1}
    clip_asset = job(clip).result_asset_id
    limits = {
        "image_max_bytes": 10_000_000,
        "video_max_bytes": 50_000_000,
        "video_max_seconds": 2.0,
    }
    fit, _ = enqueue(
        office,
        "fit",
        {
            "asset_id": clip_asset,
            "sha256": "x",
            "channel_kind": "tg",
            "limits": limits,
            "size": None,
        },
    )
    assert engine.run_pending("x") == {"failed": 1}
    assert "2" in renders_svc.error_text(job(fit), "en") and "tg" in renders_svc.error_text(
        job(fit), "en"
    )


def test_the_organisation_cap_keeps_one_office_from_filling_the_queue(
    office: Office, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_RENDER_ORG_CAP", "2")
    get_settings.cache_clear()
    enqueue(office, "infographic", card(office, "Một"))
    enqueue(office, "infographic", card(office, "Hai"))
    with pytest.raises(Conflict) as full:
        enqueue(office, "infographic", card(office, "Ba"))
    assert "2" in t(full.value.key, "en", **full.value.params)
    enqueue(office, "infographic", card(office, "Một"))  # an existing recipe is still fine


def test_two_claimers_never_take_the_same_job(office: Office, clock: Any) -> None:
    ids = {enqueue(office, "infographic", card(office, f"Thẻ {i}"))[0] for i in range(24)}
    taken: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claimer(name: str) -> None:
        start.wait()
        while got := engine.claim_jobs(name, limit=2):
            taken[name].extend(got)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not set(taken["a"]) & set(taken["b"])
    assert sorted(taken["a"] + taken["b"]) == sorted(ids)
    assert len(taken["a"]) + len(taken["b"]) == len(ids)

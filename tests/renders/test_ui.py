"""The renders page (AppTest): progress of queued/running renders, cancel, failures, previews."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlmodel import select

from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.models import MediaAsset, Post, RenderJob
from publisher.services.publishing import posts as posts_svc
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import utcnow
from tests.factories import ADMIN, Office
from tests.renders.conftest import add_image, card, job
from tests.ui.conftest import texts

PAGE = "views/renders.py"


def _jobs(office: Office) -> tuple[int, int, int]:
    ids = []
    with session_scope() as s:
        for title in ("Thẻ hoàn tất", "Thẻ đang dựng", "Thẻ đang chờ"):
            row, _ = renders_svc.enqueue(
                s, ADMIN, "infographic", card(office, title), org_id=office.org.id
            )
            ids.append(row.id or 0)
    done, running, queued = ids
    assert engine.claim_jobs("x", limit=1) == [done]
    assert engine.run_job(done, "x") == "done"
    assert engine.claim_jobs("y", limit=1) == [running]
    assert engine.report_progress(running, "y", 0.42, 60)
    return done, running, queued


def test_editor_sees_progress_and_cancels_a_queued_render(ui_office: Office, app_as: Any) -> None:
    done, running, queued = _jobs(ui_office)
    at = app_as(ui_office, "editor", PAGE)
    assert not at.exception, at.exception
    shown = texts(at)
    assert f"#{running}" in shown and f"#{queued}" in shown
    assert not re.search(rf"#{done}\b", shown)  # a word of its own: «#1B2430» is the style sheet
    assert "Đang dựng" in shown and "Đang chờ" in shown
    bars = {int(p.value) for p in at.get("progress")}  # percent
    assert bars == {42, 0}
    at.button(key=f"rj_cancel_{queued}").click().run()
    assert not at.exception, at.exception
    assert job(queued).status == "cancelled"
    rows = [str(m.value) for m in at.markdown if str(m.value).startswith("**#")]
    assert [r.split(" ")[0] for r in rows] == [f"**#{running}"]  # cancelled: no longer active
    assert f"#{queued}" in " ".join(str(e.value) for e in at.success)  # the confirmation


def test_officer_cannot_cancel_and_sees_finished_cards(ui_office: Office, app_as: Any) -> None:
    done, running, _ = _jobs(ui_office)
    at = app_as(ui_office, "officer", PAGE)
    assert not at.exception, at.exception
    assert not [b for b in at.button if str(b.key or "").startswith("rj_cancel_")]
    at.segmented_control(key="rj_filter").set_value("done").run()
    assert not at.exception, at.exception
    assert f"#{done}" in texts(at) and not re.search(rf"#{running}\b", texts(at))
    assert len(at.get("image")) == 1  # the finished card, previewed


def _statuses(kind: str | None = None) -> Counter[str]:
    with session_scope(readonly=True) as s:
        stmt = select(RenderJob)
        if kind:
            stmt = stmt.where(RenderJob.kind == kind)
        return Counter(j.status for j in s.exec(stmt))


def test_an_officer_plans_with_media_and_the_editor_watches_the_renders_land_in_review(
    ui_office: Office, app_as: Any
) -> None:
    officer = app_as(ui_office, "officer", "views/campaigns.py")
    officer.selectbox(key="cp_plan_slug").set_value("ngay-cds")
    officer.button(key="FormSubmitter:cp_plan-Tạo kế hoạch").click().run()
    assert not officer.exception and not officer.error, texts(officer)
    shown = texts(officer)
    assert "Đã gửi duyệt 5 bài" in shown and "Tiến độ dựng ấn phẩm" in shown
    assert len(officer.get("progress")) == 6  # four cards, the day's card, the clip: queued
    assert not [b for b in officer.button if "_cancel_" in str(b.key or "")]  # editors only

    editor = app_as(ui_office, "editor", "views/review.py")
    assert not editor.exception, editor.exception
    with session_scope(readonly=True) as s:
        waiting = list(s.exec(select(Post.id).where(Post.status == "in_review")).all())
        [clip] = s.exec(select(RenderJob).where(RenderJob.kind == "video")).all()
    assert len(waiting) == 5 and clip.post_id in waiting
    # The desk's rows open one at a time: each of the plan's posts shows its own renders.
    bars = 0
    for post_id in [p for p in waiting if p != clip.post_id] + [clip.post_id]:
        editor.button(key=f"rv_open_{post_id}").click().run()
        assert not editor.exception, editor.exception
        assert "Ấn phẩm đang dựng cho bài này" in texts(editor), post_id
        bars += len(editor.get("progress"))
    assert bars == 6  # four cards, the day's card, the clip
    [cancel] = [b for b in editor.button if str(b.key or "").endswith(f"_cancel_{clip.id}")]
    cancel.click().run()
    assert not editor.exception, editor.exception
    assert _statuses("video") == {"cancelled": 1}

    # The worker makes the cards (and the Telegram versions); the review page then shows them
    # in each post's preview and has nothing left to wait for.
    assert set(engine.run_pending("ui-test")) == {"done"}
    editor.run()
    assert not editor.exception, editor.exception
    previews: list[str] = []
    for post_id in [p for p in waiting if p != clip.post_id]:  # the clip's row is still open
        editor.button(key=f"rv_open_{post_id}").click().run()
        assert "Ấn phẩm đang dựng cho bài này" not in texts(editor), post_id
        previews += [str(h.proto.body) for h in editor.get("html")]
    assert sum("data:image/png;base64" in h for h in previews) >= 4, len(previews)


def test_a_failed_render_shows_on_the_post_in_review(ui_office: Office, app_as: Any) -> None:
    with session_scope() as s:
        post = posts_svc.compose(
            s,
            ui_office.actor("officer"),
            posts_svc.PostInput(
                text="Còn 3 ngày", channels=["tg"], due_at=utcnow() + timedelta(days=2)
            ),
        )
        assert post.id is not None
        posts_svc.submit(s, ui_office.actor("officer"), post.id)
        bad = card(ui_office, fields={"title": "x" * 400})  # cannot be laid out
        renders_svc.enqueue(s, ADMIN, "infographic", bad, org_id=ui_office.org.id, post_id=post.id)
    assert engine.run_pending("ui-test") == {"failed": 1}
    editor = app_as(ui_office, "editor", "views/review.py")
    assert not editor.exception, editor.exception
    editor.button(key=f"rv_open_{post.id}").click().run()  # the desk's rows open one at a time
    assert "Ấn phẩm đang dựng cho bài này" in texts(editor)
    assert any("dài" in str(e.value) for e in editor.error), [e.value for e in editor.error]


def test_the_studio_queues_the_video_and_shows_it_once_the_worker_made_it(
    ui_office: Office, app_as: Any
) -> None:
    image = add_image(ui_office)
    at = app_as(ui_office, "officer", "views/studio.py")
    at.multiselect(key="st_v_images").set_value([image])
    at.text_input(key="st_v_title").input("Tuần lễ số")
    at.slider(key="st_v_secs").set_value(1.0).run()
    at.button(key="st_v_go").click().run()
    assert not at.exception and not at.error, texts(at)
    assert _statuses("video") == {"queued": 1}  # queued, not rendered in the page
    assert len(at.get("progress")) == 1 and "Video được dựng ở máy chủ" in texts(at)
    assert not at.get("video")
    at.button(key="st_v_go").click().run()
    assert _statuses("video") == {"queued": 1}  # the same request twice: one job

    assert engine.run_pending("ui-test") == {"done": 1}
    at.run()
    assert not at.exception, at.exception
    assert not at.get("progress") and len(at.get("video")) >= 1
    with session_scope(readonly=True) as s:
        clip = s.exec(select(MediaAsset).where(MediaAsset.kind == "video")).one()
    assert clip.title == "Tuần lễ số"


def test_the_studio_offers_the_clip_sizes_captions_and_zoom_of_the_cli(
    ui_office: Office, app_as: Any
) -> None:
    from media.probe import probe
    from publisher.services.studio import library as media_svc

    image = add_image(ui_office)
    at = app_as(ui_office, "officer", "views/studio.py")
    at.multiselect(key="st_v_images").set_value([image])
    at.text_input(key="st_v_title").input("Tuần lễ số")
    at.slider(key="st_v_secs").set_value(1.0)
    at.selectbox(key="st_v_size").set_value("9:16")
    at.checkbox(key="st_v_zoom").check()
    at.text_area(key="st_v_caps").input("Ra mắt Trung tâm Đổi mới sáng tạo").run()
    at.button(key="st_v_go").click().run()
    assert not at.exception and not at.error, texts(at)
    assert engine.run_pending("ui-test") == {"done": 1}
    with session_scope(readonly=True) as s:
        clip = s.exec(select(MediaAsset).where(MediaAsset.kind == "video")).one()
        path = media_svc.asset_file(clip)
    assert clip.recipe["size"] == [1080, 1920] and clip.recipe["zoom"] is True
    info = probe(path)
    assert (info.width, info.height) == (1080, 1920)
    assert info.has_audio  # silence, never a soundless clip
    assert "Ra mắt Trung tâm Đổi mới sáng tạo" in clip.alt_text

"""The renders page (AppTest): progress of queued/running renders, cancel, failures, previews."""

from __future__ import annotations

from typing import Any

from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.services import renders as renders_svc
from tests.factories import ADMIN, Office
from tests.renders.conftest import card, job
from tests.ui.conftest import texts

PAGE = "pages/renders.py"


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
    assert f"#{running}" in shown and f"#{queued}" in shown and f"#{done}" not in shown
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
    assert f"#{done}" in texts(at) and f"#{running}" not in texts(at)
    assert len(at.get("image")) == 1  # the finished card, previewed

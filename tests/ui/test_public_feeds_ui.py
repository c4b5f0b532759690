"""The public feeds in the interface: an officer copies the unit's embed snippet; the
coordinator publishes a campaign year's results from the reports page."""

from __future__ import annotations

from publisher.db import session_scope
from publisher.services.insight import results


def test_an_officer_sees_the_unit_feeds_and_the_embed_snippet(office, app_as, monkeypatch):
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "https://tin.example.gov.vn")
    at = app_as(office, "officer", "views/campaigns.py")
    assert not at.exception, [e.value for e in at.exception]
    codes = [c.value for c in at.code]
    assert '<iframe src="https://tin.example.gov.vn/embed/unit/so-khcn"' in codes[0]
    shown = " ".join(m.value for m in at.markdown)
    assert "https://tin.example.gov.vn/feeds/unit/so-khcn.atom" in shown


def test_the_coordinator_publishes_and_withdraws_a_campaigns_results(office, app_as):
    at = app_as(office, "coordinator", "views/reports.py")
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="pr_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    slug = at.selectbox(key="pr_campaign").value
    with session_scope() as s:
        assert results.published(s, slug, 2026) is not None
    at.button(key="pr_withdraw").click().run()
    with session_scope() as s:
        assert results.published(s, slug, 2026) is None


def test_a_manager_has_no_results_control(office, app_as):
    at = app_as(office, "manager", "views/reports.py")
    assert not at.exception
    assert "pr_publish" not in [b.key for b in at.button]

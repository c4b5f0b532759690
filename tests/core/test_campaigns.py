"""The campaign calendar and lead-up plans."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.errors import Conflict
from publisher.models import Post
from publisher.services.publishing import campaigns, plans
from tests.factories import make_office, telegram_channel


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel()})


@pytest.mark.parametrize("year", [2026, 2027, 2030])
def test_national_days_recur_every_year(office, year):
    with session_scope() as s:
        occ = campaigns.list_campaigns(s, office.actor("officer"), year)
    dates = {o.campaign.slug: o.on for o in occ}
    assert dates["ngay-khcn"] == date(year, 5, 18)
    assert dates["ngay-dmst"] == date(year, 10, 1)
    assert dates["ngay-cds"] == date(year, 10, 10)


def test_one_off_campaign_only_in_its_year(office):
    with session_scope() as s:
        campaigns.create_campaign(s, office.actor("editor"), "Diễn đàn ĐMST", on=date(2026, 11, 20))
    with session_scope() as s:
        a = {o.campaign.slug for o in campaigns.list_campaigns(s, office.actor("officer"), 2026)}
        b = {o.campaign.slug for o in campaigns.list_campaigns(s, office.actor("officer"), 2027)}
    assert "dien-dan-dmst" in a and "dien-dan-dmst" not in b


def test_duplicate_campaign_is_refused(office):
    with session_scope() as s:
        campaigns.create_campaign(s, office.actor("editor"), "Tuần lễ số", on=date(2026, 12, 1))
    with pytest.raises(Conflict), session_scope() as s:
        campaigns.create_campaign(s, office.actor("editor"), "Tuần lễ số", on=date(2026, 12, 1))


def test_lead_up_plan_is_idempotent_and_at_local_times(office, clock):
    clock.set(datetime(2026, 9, 1, 0, 0, tzinfo=UTC))
    actor = office.actor("officer")
    with session_scope() as s:
        first = plans.scaffold(s, actor, "ngay-cds", 2026, ["tg"])
    with session_scope() as s:
        second = plans.scaffold(s, actor, "ngay-cds", 2026, ["tg"])
        count = s.exec(select(func.count()).select_from(Post)).one()
    assert len(first.created) == 6 and first.skipped_past == []
    assert second.created == [] and len(second.existing) == 6
    assert count == 6
    due = sorted(p.due_at for p in first.created)
    # D-14 at 08:00 local = 01:00 UTC on 26/9; the day itself at 07:30 local.
    assert due[0] == datetime(2026, 9, 26, 1, 0, tzinfo=UTC)
    assert datetime(2026, 10, 10, 0, 30, tzinfo=UTC) in due
    assert all(p.status == "draft" for p in first.created)
    assert "Còn 14 ngày" in min(first.created, key=lambda p: p.due_at).text


def test_plan_skips_steps_already_past(office, clock):
    clock.set(datetime(2026, 10, 5, 0, 0, tzinfo=UTC))  # after D-7 (3/10)
    with session_scope() as s:
        result = plans.scaffold(s, office.actor("officer"), "ngay-cds", 2026, ["tg"])
    assert result.skipped_past == ["D-14", "D-7"]
    assert len(result.created) == 4

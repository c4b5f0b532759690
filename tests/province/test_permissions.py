"""Who reads whose results: every role of the coordinating department, of a unit, and of
another province, against its own unit, a sibling unit and a unit of another province."""

from __future__ import annotations

from datetime import date

import pytest

from publisher.db import session_scope
from publisher.errors import PermissionDenied, PublisherError
from publisher.services.accounts import orgs
from publisher.services.insight import activities, collection, criteria, kpi, stats, tasks
from publisher.services.insight.periods import parse_period
from tests.province.conftest import Province

ROLES = ("officer", "editor", "manager", "coordinator", "admin")
#: (actor's unit, target unit, relation)
PAIRS = (
    ("so-khcn", "so-khcn", "own"),
    ("so-khcn", "phuong-a", "sibling"),
    ("so-khcn", "so-khac", "other_province"),
    ("phuong-a", "phuong-a", "own"),
    ("phuong-a", "so-ct", "sibling"),
    ("phuong-a", "so-khac", "other_province"),
)
STATS_ROLES = {"editor", "manager", "coordinator", "admin"}


def may_read(role: str, relation: str) -> bool:
    """The rule under test: results of one's own unit (roles with statistics), of the
    province (coordinator), of everything (admin, a unit of the server's province)."""
    if role not in STATS_ROLES:
        return False
    if role == "admin":
        return True
    if role == "coordinator":
        return relation != "other_province"
    return relation == "own"


def _read_everything(province: Province, actor_unit: str, role: str, target: str) -> None:
    actor = province.actor(actor_unit, role)
    org_id = province.id(target)
    period = parse_period("2026-H2")
    with session_scope() as s:
        stats.totals(s, actor, stats.StatsFilter(org_id=org_id))
        stats.breakdown(s, actor, stats.StatsFilter(org_id=org_id), "theme")
        kpi.all_kpis(s, actor, period, org_id)
        tasks.list_tasks(s, actor, org_id)
        activities.in_period(s, actor, period, [org_id])
        criteria.evaluate(s, actor, period, [org_id])
        from publisher.services.insight.reports.data import gather

        if actor.can("report.export"):  # editors read statistics, managers report
            gather(s, actor, period, org_id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("unit", "target", "relation"), PAIRS)
def test_reading_results(
    province: Province, role: str, unit: str, target: str, relation: str
) -> None:
    if may_read(role, relation):
        _read_everything(province, unit, role, target)
    else:
        with pytest.raises(PermissionDenied):
            _read_everything(province, unit, role, target)


@pytest.mark.parametrize("role", ROLES)
def test_the_units_listed(province: Province, role: str) -> None:
    with session_scope() as s:
        seen = {o.slug for o in orgs.list_orgs(s, province.actor("so-khcn", role))}
    in_province = {"tinh", "so-khcn", "so-ct", "phuong-a", "bao-dn"}
    expected = {
        "coordinator": in_province,
        "admin": in_province | {"tinh-khac", "so-khac"},
    }.get(role, {"so-khcn"})
    assert seen == expected


def test_a_coordinator_without_a_unit_filter_reads_its_province_only(
    province: Province,
) -> None:
    with session_scope() as s:
        flt = stats.scoped(s, province.actor("so-khcn", "coordinator"), stats.StatsFilter())
    assert set(flt.org_ids or ()) == {
        province.id(u) for u in ("tinh", "so-khcn", "so-ct", "phuong-a", "bao-dn")
    }


def test_a_coordinator_edits_nothing_of_another_unit(province: Province) -> None:
    coordinator = province.actor("so-khcn", "coordinator")
    with pytest.raises(PermissionDenied), session_scope() as s:
        activities.add(
            s, coordinator, org="phuong-a", kind="training", on_date=date(2026, 9, 1), title="x"
        )
    with pytest.raises(PermissionDenied):
        coordinator.require("post.compose")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_requests_and_set_criteria(province: Province, role: str) -> None:
    actor = province.actor("so-khcn", role)
    allowed = role in ("coordinator", "admin")
    for call in (
        lambda s: collection.open_request(
            s, actor, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15)
        ),
        lambda s: criteria.set_target(s, actor, "posts", 2027, 100),
    ):
        if allowed:
            with session_scope() as s:
                call(s)
        else:
            with pytest.raises(PublisherError), session_scope() as s:
                call(s)


def test_a_coordinator_cannot_ask_a_unit_of_another_province(province: Province) -> None:
    with pytest.raises(PermissionDenied) as err, session_scope() as s:
        collection.open_request(
            s,
            province.actor("so-khcn", "coordinator"),
            date(2026, 7, 1),
            date(2026, 9, 30),
            date(2026, 10, 15),
            ["phuong-a", "so-khac"],
        )
    assert err.value.key == "error.outside_province"

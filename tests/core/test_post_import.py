"""The import service on every backend: savepoints per line, all or nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.models import AuditEvent, Post
from publisher.services.publishing import imports
from tests.factories import make_office, telegram_channel, webhook_channel

GOOD = (
    "time,channels,text,variant:tg,theme\n"
    "05/10/2026 08:00,tg;hook,Tin một,Riêng Telegram,cds\n"
    "2026-10-06T09:00:00+07:00,hook,Tin hai,,\n"
)


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _count(model=Post):
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_all_lines_are_created_for_review(office):
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.csv", GOOD.encode())
    assert len(result.created) == 2 and _count() == 2
    with session_scope() as s:
        assert {p.status for p in s.exec(select(Post))} == {"in_review"}
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "post.import")).one()


def test_bad_lines_are_all_listed_and_nothing_is_created(office):
    bad = GOOD + "30/09/2026 08:00,tg,Đã qua,,\n" + "07/10/2026 08:00,,Thiếu kênh,,\n"
    with pytest.raises(imports.ImportRefused) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "a.csv", bad.encode())
    assert [e.line for e in refused.value.errors] == [4, 5]
    assert _count() == 0
    with session_scope() as s:
        checked = imports.check(s, office.actor("officer"), "a.csv", bad.encode())
    assert len(checked.rows) == 2 and len(checked.errors) == 2 and _count() == 0


def test_a_dry_run_creates_nothing(office):
    audited = _count(AuditEvent)
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.csv", GOOD.encode(), dry_run=True)
    assert result.dry_run and result.created == [] and len(result.rows) == 2
    assert _count() == 0 and _count(AuditEvent) == audited


def test_another_organisations_channel_is_a_bad_line(office):
    other = make_office("xa-khac", channels={"tg-khac": telegram_channel("@xa_khac")})
    table = "time,channels,text\n05/10/2026 08:00,tg,Của mình\n05/10/2026 08:00,tg-khac,Của họ\n"
    with pytest.raises(imports.ImportRefused) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "a.csv", table.encode())
    assert [e.line for e in refused.value.errors] == [3]
    assert other and _count() == 0


@pytest.mark.parametrize("name", ["a.pdf", "a.xlsx"])
def test_a_file_that_is_not_a_table_is_one_line(office, name):
    with pytest.raises(InvalidInput), session_scope() as s:
        imports.run(s, office.actor("officer"), name, b"%PDF-1.4 not a table")

"""Revision 0010 scrubs credentials that leaked into rows before connectors.failures.

Leaked rows are planted the way the old code made them (``flag_channel`` with a raw client
error: health detail, auth alert params, ``channel.flag`` audit event; a delivery's last
error; an audit event's before/after), the database is put back at revision 0009 and
upgraded. Every form of every channel's credential must be gone from every row, the
readable rest of each message kept, the audit log append-only again, and the scrub itself
recorded in the audit log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from publisher import migrate
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.models import Alert, AuditEvent, Channel, Delivery
from publisher.security import load_secret
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels, deliveries, posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import utcnow
from tests.factories import make_office

FB = "EAAMigratedLeakFbTok3nZq9x"
TG = "7654321987:AAMigratedLeakTgTok3n_qZ7xWvPl9a8"
HOOK = "whsec migrated/leak+Q9x~"
UNREGISTERED = "EAAnotInTheVaultTok3n99"
FORMS = [FB, TG, TG.split(":", 1)[1], HOOK, quote(HOOK, safe=""), UNREGISTERED]

LEAKS = {
    "fb": (
        "cannot connect: HTTPSConnectionPool(host='graph.facebook.com', port=443): Max "
        f"retries exceeded with url: /v23.0/me?fields=id%2Cname&access_token={FB} "
        "(Caused by NameResolutionError)"
    ),
    "tg": f"Bad Gateway: POST https://api.telegram.org/bot{TG}/getMe",
    "hook": f"receiver answered 500: debug secret {HOOK} / {quote(HOOK, safe='')}",
}


def leaks(text: str) -> list[str]:
    return [f for f in FORMS if f in text]


def all_rows() -> str:
    with session_scope(readonly=True) as s:
        return "\n".join(
            repr(r)
            for table in SQLModel.metadata.sorted_tables
            for r in s.execute(table.select()).all()
        )


def plant(db: Any) -> None:
    office = make_office(
        "so-khcn",
        channels={
            "fb": {
                "kind": "facebook",
                "settings": {"page_id": "1001"},
                "credentials": {"access_token": FB},
            },
            "tg": {
                "kind": "telegram",
                "settings": {"chat_id": "@leak_news"},
                "credentials": {"bot_token": TG},
            },
            "hook": {
                "kind": "webhook",
                "settings": {"url": "https://hooks.example.org/r57", "signature": "hmac"},
                "credentials": {"secret": HOOK},
            },
        },
    )
    system = Actor.system("worker:old")
    with session_scope() as s:
        for name, detail in LEAKS.items():
            channels.flag_channel(s, channels.get_channel(s, system, name), detail, system)
        post = posts.compose(
            s, office.actor("admin"), PostInput(text="Tin", channels=["fb"], due_at=utcnow())
        )
        for delivery in deliveries.create_for_post(s, post, utcnow()):
            delivery.last_error = LEAKS["fb"] + f" token={UNREGISTERED}"
            s.add(delivery)
        audit.record(
            s,
            system,
            "channel.update",
            "channel",
            1,
            before={"note": [f"Authorization: Bearer {UNREGISTERED}"]},
            after={"detail": LEAKS["tg"]},
        )
    assert sorted(leaks(all_rows())) == sorted(FORMS)


def rerun_0010(db: Any) -> None:
    cfg = migrate.alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.stamp(cfg, "0009_stats_post")
        command.upgrade(cfg, "0010_scrub_leaked_tokens")
        assert MigrationContext.configure(conn).get_current_revision() == (
            "0010_scrub_leaked_tokens"
        )
        command.stamp(cfg, "head")  # the later revisions' schema is already in place


def test_migration_scrubs_leaked_rows(db: Any, clock: Any) -> None:
    plant(db)
    with session_scope(readonly=True) as s:
        before = len(list(s.exec(select(AuditEvent))))
    rerun_0010(db)

    assert leaks(all_rows()) == []
    with session_scope(readonly=True) as s:
        for channel in s.exec(select(Channel)):
            assert "[redacted]" in channel.health_detail, channel.health_detail
            assert channel.health == "flagged"
        fb = channels.get_channel(s, Actor.system(), "fb")
        assert fb.health_detail.startswith("cannot connect: HTTPSConnectionPool(host=")
        alerts = list(s.exec(select(Alert)))
        assert len(alerts) == 3 and all("[redacted]" in a.params["detail"] for a in alerts)
        (delivery,) = s.exec(select(Delivery))
        assert "[redacted]" in (delivery.last_error or "")
        events = list(s.exec(select(AuditEvent).order_by(AuditEvent.id)))
        # Nothing deleted; one event appended that says which rows were rewritten.
        assert len(events) == before + 1
        scrub = events[-1]
        assert scrub.action == "audit.scrub" and scrub.actor_label.startswith("migration:")
        flagged = [e.id for e in events if e.action in ("channel.flag", "channel.update")]
        assert sorted(scrub.after["rows"]) == sorted(flagged)
        assert events[0].at.tzinfo is not None and scrub.at.tzinfo is not None
    # The audit log is append-only again.
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE auditevent SET action = 'x'"))
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM auditevent"))
    # Running it again changes nothing and appends nothing.
    rerun_0010(db)
    with session_scope(readonly=True) as s:
        assert len(list(s.exec(select(AuditEvent)))) == before + 1


def test_without_the_right_key_token_shapes_are_still_removed(
    db: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant(db)
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "another-key-entirely-0123456789")
    get_settings.cache_clear()
    load_secret.cache_clear()
    rerun_0010(db)
    rows = all_rows()
    # access_token=, /bot<token>/, token= and Authorization values go by their shape; the
    # webhook secret has no shape and cannot be known without the key.
    assert leaks(rows) == [HOOK, quote(HOOK, safe="")]
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE auditevent SET action = 'x'"))

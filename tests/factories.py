"""Small builders for tests: an organisation with users of each role and channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from publisher.db import session_scope
from publisher.models import Channel, Organisation, Role, User
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.accounts import users as users_svc
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing.campaigns import seed_national_days

ADMIN = Actor.system("test:admin")


@dataclass
class Office:
    org: Organisation
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)

    def actor(self, role: str) -> Actor:
        return Actor.of(self.users[role])


def make_office(
    slug: str = "so-khcn",
    *,
    channels: dict[str, dict[str, Any]] | None = None,
    session: Session | None = None,
) -> Office:
    """An organisation with one user per role and the given channels (name -> spec).

    A channel spec is ``{"kind": ..., "settings": {...}, "credentials": {...}}``.
    """
    with session_scope() as s:
        seed_national_days(s)
        org = orgs_svc.create_org(s, ADMIN, f"Đơn vị {slug}", slug=slug)
        office = Office(org)
        for role in Role:
            user, _ = users_svc.create_user(
                s, ADMIN, f"{slug}-{role}", role, org.slug, password="correct horse battery"
            )
            office.users[str(role)] = user
        for name, spec in (channels or {}).items():
            office.channels[name] = channels_svc.add_channel(
                s,
                ADMIN,
                kind=spec["kind"],
                name=name,
                org=org.slug,
                settings=spec.get("settings", {}),
                credentials=spec.get("credentials", {}),
            )
        return office


def webhook_channel(url: str = "https://hooks.example.org/r57") -> dict[str, Any]:
    return {
        "kind": "webhook",
        "settings": {"url": url, "signature": "hmac"},
        "credentials": {"secret": "s3cret-webhook"},
    }


def telegram_channel(chat_id: str = "@khcn_dongnai", base: str | None = None) -> dict[str, Any]:
    settings: dict[str, Any] = {"chat_id": chat_id}
    if base:
        settings["api_base_url"] = base
    return {
        "kind": "telegram",
        "settings": settings,
        "credentials": {"bot_token": "123456:TEST-token"},
    }


def facebook_channel(page_id: str = "1000001", graph_url: str | None = None) -> dict[str, Any]:
    settings: dict[str, Any] = {"page_id": page_id}
    if graph_url:
        settings["graph_url"] = graph_url
    return {
        "kind": "facebook",
        "settings": settings,
        "credentials": {"access_token": "EAAB-test-token"},
    }


def migrate_down_and_up(engine: Any, revision: str) -> None:
    """Downgrade the schema to ``revision``, then upgrade it to the head again (a
    migration's backfill then runs over the test's rows)."""
    from alembic import command

    from publisher import migrate

    cfg = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        migrate.upgrade(engine)

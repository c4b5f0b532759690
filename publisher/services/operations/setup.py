"""First-run setup: schema, secret key, national days, the first organisation and admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from publisher import migrate
from publisher.db import get_engine, session_scope
from publisher.models import Organisation, Role, User
from publisher.security import ensure_secret_key, load_secret
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import create_org
from publisher.services.accounts.users import create_user
from publisher.services.publishing.campaigns import seed_national_days

DEFAULT_ORG_NAME = "Sở Khoa học và Công nghệ"


@dataclass
class InitResult:
    revision: str | None
    campaigns_added: int
    org_slug: str
    admin_username: str | None
    admin_password: str | None  # only when the admin was created now


def initialise(
    *,
    engine: Engine | None = None,
    org_name: str = DEFAULT_ORG_NAME,
    admin_username: str = "admin",
    admin_password: str | None = None,
) -> InitResult:
    """Create or upgrade everything; safe to run again (creates only what is missing)."""
    engine = engine or get_engine()
    ensure_secret_key()
    load_secret.cache_clear()
    migrate.upgrade(engine)
    actor = Actor.system("cli:init")
    with session_scope(engine) as session:
        added = seed_national_days(session)
        org = session.exec(select(Organisation).order_by(Organisation.id)).first()  # type: ignore[arg-type]
        if org is None:
            org = create_org(session, actor, org_name, kind="department")
        created_password = None
        admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
        if admin is None:
            assert org.id is not None
            admin, created_password = create_user(
                session,
                actor,
                admin_username,
                Role.ADMIN,
                org.id,
                password=admin_password,
                full_name="Quản trị hệ thống",
            )
            audit.record(session, actor, "system.init", "organisation", org.id, org_id=org.id)
        return InitResult(
            revision=migrate.head_revision(),
            campaigns_added=added,
            org_slug=org.slug,
            admin_username=admin.username,
            admin_password=created_password,
        )

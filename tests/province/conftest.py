"""A small province: the province, the coordinating Sở KH&CN, a department, a ward and a
press agency, plus a unit of another province; one user per role in each unit."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlmodel import Session

from publisher.db import session_scope
from publisher.models import Organisation, Role, User
from publisher.services.accounts import orgs, users
from publisher.services.accounts.actor import Actor
from tests.conftest import DB
from tests.factories import ADMIN

UNITS = (
    ("tinh", "UBND tỉnh Đồng Nai", "province", None),
    ("so-khcn", "Sở Khoa học và Công nghệ", "department", "tinh"),
    ("so-ct", "Sở Công Thương", "department", "tinh"),
    ("phuong-a", "Phường Trấn Biên", "commune", "tinh"),
    ("bao-dn", "Báo Đồng Nai", "press", "tinh"),
    ("tinh-khac", "UBND tỉnh Khác", "province", None),
    ("so-khac", "Sở KH&CN tỉnh Khác", "department", "tinh-khac"),
)


@dataclass
class Province:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)

    def actor(self, unit: str, role: str) -> Actor:
        return Actor.of(self.users[(unit, role)])

    def id(self, unit: str) -> int:
        return self.orgs[unit].id or 0


def build(s: Session) -> Province:
    p = Province()
    for slug, name, kind, parent in UNITS:
        p.orgs[slug] = orgs.create_org(s, ADMIN, name, slug=slug, kind=kind, parent=parent)
        if kind == "province":
            continue
        for role in Role:
            user, _ = users.create_user(
                s, ADMIN, f"{slug}-{role}", role, slug, password="correct horse battery"
            )
            p.users[(slug, str(role))] = user
    return p


@pytest.fixture
def province(sqlite_db: DB, clock: object) -> Province:
    with session_scope() as s:
        return build(s)

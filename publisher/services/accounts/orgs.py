"""Organisations: the province, its departments (sở, ban, ngành), communes and wards, press
agencies; each may have a parent unit.

Who may read which unit's results (:func:`readable_org_ids`): an administrator every unit;
a coordinator (the Sở KH&CN) every unit of its province (the tree under the nearest
``province`` above it, or under its topmost unit); everybody else their own unit only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlmodel import Session, col, select

from publisher.db import is_row_id
from publisher.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from publisher.models import Organisation, Role
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor

ORG_KINDS = ("province", "department", "commune", "press", "other")


def slugify(text: str) -> str:
    """ASCII slug of a Vietnamese name ("Sở Khoa học" -> "so-khoa-hoc")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80]


def create_org(
    session: Session,
    actor: Actor,
    name: str,
    *,
    slug: str | None = None,
    kind: str = "department",
    parent: str | int | None = None,
) -> Organisation:
    """Add a unit (under ``parent``: slug, name or id). Raises PermissionDenied, InvalidInput
    (name, kind), NotFound (parent), Conflict (slug taken)."""
    actor.require("org.manage")
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise InvalidInput("error.org_name_required")
    if kind not in ORG_KINDS:
        raise InvalidInput("error.org_kind_invalid", kind=kind, kinds=", ".join(ORG_KINDS))
    slug = slugify(slug or name)
    if not slug:
        raise InvalidInput("error.org_name_required")
    parent_org = get_org(session, parent) if parent not in (None, "") else None
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        raise Conflict("error.org_exists", org=slug)
    org = Organisation(
        name=name, slug=slug, kind=kind, parent_id=parent_org.id if parent_org else None
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "org.create",
        "organisation",
        org.id,
        org_id=org.id,
        after={"name": name, "slug": slug, "kind": kind, "parent": org.parent_id},
    )
    return org


def _parents(session: Session) -> dict[int, tuple[int | None, str]]:
    rows = session.exec(
        select(col(Organisation.id), col(Organisation.parent_id), col(Organisation.kind))
    ).all()
    return {int(i or 0): (p, k) for i, p, k in rows}


def province_root(session: Session, org_id: int) -> int:
    """The unit whose tree is ``org_id``'s province: the nearest ``province`` at or above it,
    else its topmost unit (a loop in stored parents stops the walk)."""
    tree = _parents(session)
    current, seen, top = org_id, set(), org_id
    while current in tree and current not in seen:
        seen.add(current)
        parent, kind = tree[current]
        top = current
        if kind == "province":
            return current
        if parent is None:
            break
        current = parent
    return top


def subtree(session: Session, root: int) -> list[int]:
    """``root`` and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for org, (parent, _kind) in _parents(session).items():
        children.setdefault(parent, []).append(org)
    out, todo = [], [root]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        todo += children.get(current, [])
    return sorted(out)


def readable_org_ids(session: Session, actor: Actor) -> list[int] | None:
    """The units whose results (statistics, KPIs, tasks, reports) ``actor`` may read;
    None for every unit (administrators)."""
    if actor.all_orgs:
        return None
    if actor.org_id is None:
        return []
    if actor.role == Role.COORDINATOR:
        return subtree(session, province_root(session, actor.org_id))
    return [actor.org_id]


def require_all_readable(session: Session, actor: Actor, org_ids: Sequence[int]) -> None:
    """:func:`require_readable` for many units at once (the readable set computed once)."""
    ids = readable_org_ids(session, actor)
    if ids is None:
        return
    allowed = set(ids)
    for org_id in org_ids:
        if org_id not in allowed:
            require_readable(session, actor, org_id)


def require_readable(session: Session, actor: Actor, org_id: int | None) -> None:
    """Raise PermissionDenied (one line) unless ``actor`` may read unit ``org_id``'s results:
    a coordinator outside its province, a unit reading a sibling's."""
    ids = readable_org_ids(session, actor)
    if ids is None:
        return
    if org_id is None or org_id not in ids:
        key = "error.outside_province" if actor.role == Role.COORDINATOR else None
        raise PermissionDenied(key or "error.other_organisation")


def get_org(session: Session, ref: str | int) -> Organisation:
    """Find an organisation by id, slug or exact name; raises :class:`NotFound`."""
    org: Organisation | None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        org = session.get(Organisation, int(ref)) if is_row_id(int(ref)) else None
    else:
        org = session.exec(
            select(Organisation).where((Organisation.slug == ref) | (Organisation.name == ref))
        ).first()
    if org is None:
        raise NotFound("error.org_not_found", org=str(ref))
    return org


def list_orgs(session: Session, actor: Actor) -> list[Organisation]:
    """The units ``actor`` may read (a coordinator: its province's)."""
    stmt = select(Organisation).order_by(col(Organisation.name))
    ids = readable_org_ids(session, actor)
    if ids is not None:
        stmt = stmt.where(col(Organisation.id).in_(ids))
    return list(session.exec(stmt))

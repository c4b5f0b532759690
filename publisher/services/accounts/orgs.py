"""Organisations: departments (sở, ban, ngành), communes and wards."""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from publisher.db import is_row_id
from publisher.errors import Conflict, InvalidInput, NotFound
from publisher.models import Organisation
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor

ORG_KINDS = ("province", "department", "commune", "other")


def slugify(text: str) -> str:
    """ASCII slug of a Vietnamese name ("Sở Khoa học" -> "so-khoa-hoc")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80]


def create_org(
    session: Session, actor: Actor, name: str, *, slug: str | None = None, kind: str = "department"
) -> Organisation:
    actor.require("org.manage")
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise InvalidInput("error.org_name_required")
    if kind not in ORG_KINDS:
        raise InvalidInput("error.org_kind_invalid", kind=kind, kinds=", ".join(ORG_KINDS))
    slug = slugify(slug or name)
    if not slug:
        raise InvalidInput("error.org_name_required")
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        raise Conflict("error.org_exists", org=slug)
    org = Organisation(name=name, slug=slug, kind=kind)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "org.create",
        "organisation",
        org.id,
        org_id=org.id,
        after={"name": name, "slug": slug, "kind": kind},
    )
    return org


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
    stmt = select(Organisation).order_by(col(Organisation.name))
    if not actor.all_orgs:
        stmt = stmt.where(Organisation.id == actor.org_id)
    return list(session.exec(stmt))


def update_brand(
    session: Session,
    actor: Actor,
    org_id: int,
    *,
    primary: str | None = None,
    accent: str | None = None,
    logo_asset_id: int | None = None,
) -> Organisation:
    actor.require("campaign.manage")
    actor.require_org(org_id)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("error.org_not_found", org=str(org_id))
    before = {"primary": org.brand_primary, "accent": org.brand_accent, "logo": org.logo_asset_id}
    for value in (primary, accent):
        if value is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise InvalidInput("error.colour_invalid", value=value)
    if primary:
        org.brand_primary = primary
    if accent:
        org.brand_accent = accent
    if logo_asset_id is not None:
        org.logo_asset_id = logo_asset_id
    session.add(org)
    audit.record(
        session,
        actor,
        "org.brand",
        "organisation",
        org.id,
        org_id=org.id,
        before=before,
        after={"primary": org.brand_primary, "accent": org.brand_accent, "logo": org.logo_asset_id},
    )
    return org

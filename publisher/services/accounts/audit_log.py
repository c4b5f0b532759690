"""The audit log as people read it: filtered, newest first, and exported as CSV.

Administrators and managers (``audit.view``) read it; everyone sees only their own
organisation's rows, an administrator of every organisation sees all (also rows without an
organisation: logins, the operator's commands).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from publisher.errors import InvalidInput
from publisher.i18n import t, t_known
from publisher.models import AuditEvent
from publisher.services.accounts.actor import Actor
from publisher.timeutil import local_datetime, to_local

#: Rows one page or one export holds at most.
MAX_ROWS = 5000


@dataclass(frozen=True)
class AuditFilter:
    """What to show: local days (inclusive), an action prefix (``post.`` or
    ``post.reschedule``), who (part of the actor label), an object type and id."""

    start: date | None = None
    end: date | None = None
    action: str = ""
    who: str = ""
    object_type: str = ""
    object_id: int | None = None
    org_id: int | None = None
    limit: int = 200


def _query(actor: Actor, flt: AuditFilter) -> Any:
    stmt = select(AuditEvent)
    if not actor.all_orgs:
        stmt = stmt.where(AuditEvent.org_id == actor.org_id)
    elif flt.org_id is not None:
        stmt = stmt.where(AuditEvent.org_id == flt.org_id)
    if flt.start and flt.end and flt.end < flt.start:
        raise InvalidInput("error.audit_range_invalid")
    if flt.start:
        stmt = stmt.where(col(AuditEvent.at) >= local_datetime(flt.start, 0))
    if flt.end:
        stmt = stmt.where(col(AuditEvent.at) < local_datetime(flt.end + timedelta(days=1), 0))
    action = flt.action.strip()
    if action:
        stmt = stmt.where(col(AuditEvent.action).startswith(action, autoescape=True))
    who = flt.who.strip().lower()
    if who:
        stmt = stmt.where(func.lower(col(AuditEvent.actor_label)).contains(who, autoescape=True))
    if flt.object_type:
        stmt = stmt.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == flt.object_id)
    return stmt


def search(session: Session, actor: Actor, flt: AuditFilter | None = None) -> list[AuditEvent]:
    """Audit rows matching ``flt``, newest first (``flt.limit`` at most, capped at
    :data:`MAX_ROWS`). Raises PermissionDenied without ``audit.view``, InvalidInput for a
    range that ends before it starts."""
    actor.require("audit.view")
    flt = flt or AuditFilter()
    limit = max(1, min(flt.limit, MAX_ROWS))
    stmt = _query(actor, flt).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    return list(session.exec(stmt.limit(limit)))


def choices(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    """The actions and object types present in what ``actor`` may read (for the filters)."""
    actor.require("audit.view")
    base = select(AuditEvent.action, AuditEvent.object_type).distinct()
    if not actor.all_orgs:
        base = base.where(AuditEvent.org_id == actor.org_id)
    rows = session.exec(base).all()
    return sorted({a for a, _ in rows}), sorted({o for _, o in rows})


def action_label(action: str, lang: str | None = None) -> str:
    """An action code (``user.login``) as people read it; an unknown code as it is. A prefix
    (``post.``) reads as «Bài viết: mọi thao tác»."""
    if action.endswith("."):
        group = action[:-1]
        name = t_known(f"audit.group.{group}", lang) or group
        return t("audit.group_all", lang, group=name)
    return t_known(f"audit.action.{action}", lang) or action


def actor_text(label: str, lang: str | None = None) -> str:
    """Who acted (``AuditEvent.actor_label``) as people read it: a user by their login name,
    the worker's and the command line's own jobs by what they do («Hệ thống: dựng media»),
    a publishing worker by its id; an unknown label as it is."""
    kind, colon, name = label.partition(":")
    if kind == "user" and name:
        return name
    keys = (
        [f"audit.actor.{kind}.{name}", f"audit.actor.{kind}"] if colon else [f"audit.actor.{kind}"]
    )
    return next((text for k in keys if (text := t_known(k, lang, name=name))), label)


def object_label(object_type: str, lang: str | None = None) -> str:
    """An object type (``post``) as people read it; an unknown type as it is."""
    return t_known(f"audit.object.{object_type}", lang) or object_type


def field_label(name: str, lang: str | None = None) -> str:
    """A before/after key (``due_at``) as people read it; an unknown key as it is."""
    return t_known(f"audit.field.{name}", lang) or name


#: The export's columns: the codes as stored, then who acted, the action and the object as
#: people read them (in the language of the export).
COLUMNS = (
    "id",
    "at",
    "actor",
    "org_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "actor_label",
    "action_label",
    "object_label",
)


def to_csv(rows: list[AuditEvent]) -> bytes:
    """The rows as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
    Vietnamese correctly); times local dd/mm/yyyy HH:MM:SS, before/after as JSON, the codes
    followed by their labels in the current language. Cells that a spreadsheet would run as a
    formula are prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.id,
                to_local(row.at).strftime("%d/%m/%Y %H:%M:%S"),
                _cell(row.actor_label),
                row.org_id if row.org_id is not None else "",
                _cell(row.action),
                _cell(row.object_type),
                row.object_id if row.object_id is not None else "",
                _cell(json.dumps(row.before, ensure_ascii=False, default=str)),
                _cell(json.dumps(row.after, ensure_ascii=False, default=str)),
                _cell(actor_text(row.actor_label)),
                _cell(action_label(row.action)),
                _cell(object_label(row.object_type)),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

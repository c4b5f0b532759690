"""The «Thay đổi» column of the audit log: what an event changed, in one line people read —
field names by their labels, statuses, roles and kinds by the labels the pages already use,
yes/no for flags, stored times (ISO, UTC) as local dd/mm/yyyy HH:MM; anything unknown as
stored."""

from __future__ import annotations

import json
from datetime import datetime

from publisher.i18n import t, t_known
from publisher.services.accounts.audit_log import field_label
from ui import common

#: How many fields one line shows at most, and how long a value may be.
MAX_FIELDS = 6
MAX_VALUE = 60

#: Keys whose values are the product's own codes, with where their labels are.
_STATUS_KEYS = {"status", "health"}
_VALUE_KEYS = {"outcome", "signoff", "four_eyes"}


def change_text(object_type: str, before: dict[str, object], after: dict[str, object]) -> str:
    """``Trạng thái: Nháp → Chờ duyệt; Nhận xét: …`` for the keys that changed or were set."""
    parts = []
    for key in list(dict.fromkeys([*before, *after]))[:MAX_FIELDS]:
        old, new = before.get(key), after.get(key)
        label = field_label(key)
        if key in before and old != new:
            parts.append(
                f"{label}: {value_text(object_type, key, old)} → "
                f"{value_text(object_type, key, new)}"
            )
        elif key not in before:
            parts.append(f"{label}: {value_text(object_type, key, new)}")
    return "; ".join(parts)


def value_text(object_type: str, key: str, value: object) -> str:
    """One stored value as people read it (shortened to :data:`MAX_VALUE` characters)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t(f"audit.value.{str(value).lower()}")
    if isinstance(value, str):
        label = _code_label(object_type, key, value) or _moment(value)
        text = value if label is None else label
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _code_label(object_type: str, key: str, value: str) -> str | None:
    if key in _STATUS_KEYS:
        if object_type == "faqanswer":
            return t_known(f"faqkb.status.{value}")
        if object_type == "render_job":
            return t_known(f"renders.status.{value}")
        return t_known(f"ui.status.{value}")  # as common.status_label
    if key == "role":
        return t_known(f"ui.role.{value}")
    if key == "kind" and object_type == "channel":
        return t_known(f"ui.kind.{value}")  # as common.kind_label
    if key == "kind" and object_type == "render_job":
        return t_known(f"renders.kind.{value}")
    if key in _VALUE_KEYS:
        return t_known(f"audit.value.{value}")
    return None


def _moment(value: str) -> str | None:
    """A stored moment (``2027-05-19T02:00:00+00:00``) in local time; None for other text."""
    if len(value) < 19 or value[10:11] != "T":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return common.fmt_dt(moment) if moment.tzinfo is not None else None

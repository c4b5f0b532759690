"""Nhật ký hoạt động: the audit log for administrators and managers — filters by day, action,
person and object, kept in the URL; newest first; the rows shown as CSV."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.accounts import audit_log
from publisher.timeutil import to_local, utcnow
from ui import common
from ui.components.audit_change import change_text

actor = common.guard("audit.view")
common.page_header("ui.audit.title", "ui.audit.caption")
QP = st.query_params
today = to_local(utcnow()).date()


def _day(name: str, default: date) -> date:
    try:
        return date.fromisoformat(QP.get(name, ""))
    except ValueError:
        return default


def _keep(name: str, key: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, date):
        value = value.isoformat()
    if value in (None, "", 0):
        QP.pop(name, None)
    else:
        QP[name] = str(value)


actions, objects = common.read(audit_log.choices, actor)
st.session_state["au_from"] = _day("tu", today - timedelta(days=30))
st.session_state["au_to"] = _day("den", today)
st.session_state["au_action"] = QP.get("thao_tac", "")
st.session_state["au_who"] = QP.get("nguoi", "")
st.session_state["au_object"] = QP.get("doi_tuong", "") if QP.get("doi_tuong") in objects else ""
f = st.columns([1, 1, 1.4, 1.2, 1.1])
start = f[0].date_input(
    t("ui.audit.from"), key="au_from", format="DD/MM/YYYY", on_change=_keep, args=("tu", "au_from")
)
end = f[1].date_input(
    t("ui.audit.to"), key="au_to", format="DD/MM/YYYY", on_change=_keep, args=("den", "au_to")
)
prefixes = sorted({a.split(".")[0] + "." for a in actions} | set(actions))
action = f[2].selectbox(
    t("ui.audit.action"),
    ["", *prefixes],
    key="au_action",
    format_func=lambda a: audit_log.action_label(a) if a else t("ui.audit.all"),
    on_change=_keep,
    args=("thao_tac", "au_action"),
)
who = f[3].text_input(
    t("ui.audit.who"),
    key="au_who",
    placeholder=t("ui.audit.who_placeholder"),
    on_change=_keep,
    args=("nguoi", "au_who"),
)
obj = f[4].selectbox(
    t("ui.audit.object"),
    ["", *objects],
    key="au_object",
    format_func=lambda o: audit_log.object_label(o) if o else t("ui.audit.all"),
    on_change=_keep,
    args=("doi_tuong", "au_object"),
)
flt = audit_log.AuditFilter(
    start=start if isinstance(start, date) else None,
    end=end if isinstance(end, date) else None,
    action=action or "",
    who=who or "",
    object_type=obj or "",
    limit=500,
)
try:
    rows = common.read(audit_log.search, actor, flt)
except PublisherError as exc:
    common.show_error(exc)
    st.stop()

top = st.container(horizontal=True, vertical_alignment="center")
top.markdown(t("ui.audit.count", n=common.fmt_int(len(rows))))
top.download_button(
    t("ui.audit.export"),
    data=audit_log.to_csv(rows),
    file_name=f"nhat-ky-{today:%Y%m%d}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="au_csv",
    disabled=not rows,
)
if not rows:
    st.info(t("ui.audit.empty"))
    st.stop()


def _object(object_type: str, object_id: int | None) -> str:
    label = audit_log.object_label(object_type)
    return f"{label} #{object_id}" if object_id else label


st.dataframe(
    [
        {
            t("ui.audit.col_at"): common.fmt_dt(r.at),
            t("ui.audit.col_who"): audit_log.actor_text(r.actor_label),
            t("ui.audit.col_action"): audit_log.action_label(r.action),
            t("ui.audit.col_object"): _object(r.object_type, r.object_id),
            t("ui.audit.col_change"): change_text(r.object_type, r.before or {}, r.after or {}),
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
    height=min(36 * (len(rows) + 1) + 4, 640),
)

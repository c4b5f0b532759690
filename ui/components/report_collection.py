"""Report collection on the Reports page: the coordinator opens a request (any dates, a
deadline), sees who has submitted and who is late, reminds, closes and compiles the
provincial report; a unit's manager submits its own. Services only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.insight import collection
from publisher.timeutil import fmt_date
from ui import common

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def collection_section(actor: Actor, orgs: list[Any], today: date) -> None:
    if not (actor.can("report.request") or actor.can("report.submit")):
        return
    st.divider()
    st.subheader(t("ui.collection.title"))
    st.caption(t("ui.collection.caption"))
    if actor.can("report.request"):
        _open_form(actor, orgs, today)
    requests = common.read(collection.list_requests, actor)
    st.html(NARROW_CSS)
    if not requests:
        st.info(t("ui.collection.none"))
        return
    for request in requests[:10]:
        _request(actor, request, today)


def _open_form(actor: Actor, orgs: list[Any], today: date) -> None:
    units = {o.slug: o.name for o in orgs if o.kind != "province"}
    with st.expander(t("ui.collection.open"), icon=":material/add_task:"):
        with st.form("rc_open"):
            c1, c2 = st.columns(2)
            picked = c1.date_input(
                t("ui.reports.range"),
                (date(today.year, 1, 1), today),
                format="DD/MM/YYYY",
                key="rc_range",
            )
            deadline = c2.date_input(
                t("ui.collection.deadline"),
                today + timedelta(days=10),
                format="DD/MM/YYYY",
                key="rc_deadline",
            )
            chosen = st.multiselect(
                t("ui.collection.units"),
                list(units),
                format_func=units.__getitem__,
                key="rc_units",
                placeholder=t("ui.collection.all_units"),
            )
            title = st.text_input(t("ui.collection.request_title"), key="rc_title")
            go = st.form_submit_button(
                t("ui.collection.send"), type="primary", icon=":material/send:"
            )
        if go:
            if not isinstance(picked, tuple) or len(picked) != 2:
                st.error(t("error.report_range_or_period"))
                return
            made = common.write(_open, actor, picked[0], picked[1], deadline, chosen or None, title)
            if made is not None:
                common.flash("success", t("report.request.opened", **made))
                st.rerun()


def _open(
    session: Any,
    actor: Actor,
    start: date,
    end: date,
    deadline: date,
    units: list[str] | None,
    title: str,
) -> dict[str, Any]:
    request = collection.open_request(session, actor, start, end, deadline, units, title)
    count = len(collection.status(session, actor, request.id or 0))
    return {"id": request.id, "units": count, "deadline": fmt_date(deadline)}


def _request(actor: Actor, request: Any, today: date) -> None:
    rows = common.read(collection.status, actor, request.id)
    done = sum(1 for r in rows if r.submitted)
    head = heading(request, done, len(rows))
    with st.container(border=True):
        st.markdown(
            f"**{head}**" + (f" · {t('ui.collection.closed')}" if request.closed_at else "")
        )
        _table(request.id, rows)
        own = next((r for r in rows if r.org_id == actor.org_id), None)
        cols = st.columns(4)
        if (
            own is not None
            and not own.submitted
            and request.closed_at is None
            and actor.can("report.submit")
            and cols[0].button(
                t("ui.collection.submit"),
                key=f"rc_submit_{request.id}",
                type="primary",
                icon=":material/outbox:",
            )
        ):
            if common.write(collection.submit, actor, request.id, own.org_id) is not None:
                common.flash("success", t("report.submitted", org=own.name))
                st.rerun()
        if not actor.can("report.request"):
            return
        if request.closed_at is None and cols[1].button(
            t("ui.collection.remind"), key=f"rc_remind_{request.id}", icon=":material/alarm:"
        ):
            slugs = common.write(collection.remind, actor, request.id)
            if slugs is not None:
                common.flash("success", t("report.reminded", count=len(slugs)))
                st.rerun()
        if request.closed_at is None and cols[2].button(
            t("ui.collection.close"), key=f"rc_close_{request.id}", icon=":material/lock:"
        ):
            if common.write(collection.close, actor, request.id) is not None:
                st.rerun()
        if cols[3].button(
            t("ui.collection.compile"), key=f"rc_compile_{request.id}", icon=":material/summarize:"
        ):
            _compile(actor, request.id)
        made = st.session_state.get(f"rc_files_{request.id}")
        if made:
            for content, name, mime in made:
                st.success(t("ui.reports.ready", name=name))
                st.download_button(
                    t("ui.reports.download", name=name),
                    data=content,
                    file_name=name,
                    mime=mime,
                    key=f"rc_dl_{request.id}_{name}",
                    icon=":material/download:",
                )


#: Below 640 px the status table (three columns) does not fit: each unit becomes one line
#: that wraps (unit in bold, state, time sent) and the table is hidden; above, the reverse.
NARROW_CSS = """<style>
@media (max-width: 640px){ [class*="st-key-rc_wide_"]{display:none !important} }
@media (min-width: 641px){ [class*="st-key-rc_narrow_"]{display:none !important} }
</style>"""


def _table(request_id: int | None, rows: list[collection.UnitStatus]) -> None:
    def sent(r: collection.UnitStatus) -> str:
        return common.fmt_dt(datetime.fromisoformat(r.submitted_at)) if r.submitted_at else ""

    with st.container(key=f"rc_wide_{request_id}"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("stats.col.org"): r.name,
                        t("report.col.state"): _state(r),
                        t("report.col.submitted_at"): sent(r) or "—",
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            key=f"rc_status_{request_id}",
        )
    with st.container(key=f"rc_narrow_{request_id}"):
        st.markdown(
            "\n".join(
                f"- **{_md(r.name)}**: {_state(r)}" + (f" · {sent(r)}" if sent(r) else "")
                for r in rows
            )
        )


def _md(text: str) -> str:
    """A unit's name as literal Markdown text."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def heading(request: Any, done: int, total: int) -> str:
    """The request's heading: number, title, dates, deadline, progress. The dates are shown
    once: a title that already names both (a periodic round's) does not get them again."""
    start, end = fmt_date(request.start), fmt_date(request.end)
    title = request.title or t("ui.collection.untitled")
    key = (
        "ui.collection.request_dated"
        if start in title and end in title
        else "ui.collection.request"
    )
    return t(
        key,
        id=request.id,
        title=title,
        start=start,
        end=end,
        deadline=fmt_date(request.deadline),
        done=done,
        total=total,
    )


def _state(r: collection.UnitStatus) -> str:
    state = t("report.status.submitted" if r.submitted else "report.status.missing")
    return state + (f" ({t('report.status.late')})" if r.late else "")


def _compile(actor: Actor, request_id: int) -> None:
    from publisher.errors import PublisherError

    files = []
    try:
        with st.spinner(t("ui.reports.working")):
            for fmt, mime in (("docx", DOCX_MIME), ("xlsx", XLSX_MIME)):
                content, name = common.read(
                    collection.compile_report, actor, request_id, fmt, common.lang()
                )
                files.append((content, name, mime))
    except PublisherError as exc:
        common.show_error(exc)
        return
    st.session_state[f"rc_files_{request_id}"] = files

"""Hỏi đáp: the knowledge base the bots answer from (issue 21). Answers written, reviewed and
approved like posts; a table imported at once; what people asked, what found no answer and
how satisfied they were, with a one-step "make this an answer" for editors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services import uow
from publisher.services.insight import faq_stats
from publisher.services.publishing import campaigns, faq, faq_import, posts
from publisher.services.publishing.imports import ImportRefused
from publisher.timeutil import utcnow
from ui import common

actor = common.guard("faq.view")
common.page_header("faqkb.ui.title", "faqkb.ui.caption")
may_edit, may_review = actor.can("faq.edit"), actor.can("faq.review")


def _status(code: str) -> str:
    return t(f"faqkb.status.{code}")


def _form(key: str, row: Any | None = None, question: str = "") -> faq.AnswerInput | None:
    """The answer's fields; the input when the form is sent, else None."""
    with st.form(key, border=True):
        q = st.text_input(t("faqkb.ui.question"), value=row.question if row else question)
        a = st.text_area(t("faqkb.ui.answer"), value=row.answer if row else "", height=140)
        src = st.text_input(t("faqkb.ui.source"), value=row.source_url if row else "")
        var = st.text_area(
            t("faqkb.ui.variants"),
            value="\n".join(row.variants) if row else "",
            help=t("faqkb.ui.variants_help"),
            height=90,
        )
        c1, c2, c3 = st.columns(3)
        themes = ["", "khcn", "dmst", "cds"]
        theme = c1.selectbox(
            t("faqkb.ui.theme"),
            themes,
            index=themes.index(row.theme) if row and row.theme in themes else 0,
            format_func=lambda v: t(f"topic.theme.{v}") if v else "-",
        )
        start = c2.date_input(
            t("faqkb.ui.valid_from"), value=row.valid_from if row else None, format="DD/MM/YYYY"
        )
        end = c3.date_input(
            t("faqkb.ui.valid_until"), value=row.valid_until if row else None, format="DD/MM/YYYY"
        )
        if not st.form_submit_button(t("faqkb.ui.save"), type="primary"):
            return None
    return faq.AnswerInput(
        question=q,
        answer=a,
        source_url=src,
        variants=[v for v in var.splitlines() if v.strip()],
        theme=theme or None,
        valid_from=start if start else None,  # type: ignore[arg-type]
        valid_until=end if end else None,  # type: ignore[arg-type]
        post_id=row.post_id if row else None,
    )


tab_answers, tab_learn, tab_import = st.tabs(
    [t("faqkb.ui.tab.answers"), t("faqkb.ui.tab.learning"), t("faqkb.ui.tab.import")]
)

with tab_answers:
    statuses = ["", *faq.STATUSES]
    chosen = st.selectbox(
        t("faqkb.ui.filter_status"),
        statuses,
        format_func=lambda v: _status(v) if v else t("faqkb.ui.all"),
        key="faq_status",
    )
    rows = common.read(faq.list_answers, actor, status=chosen or None)
    st.caption(t("faqkb.ui.count", n=len(rows)))
    if may_edit:
        with st.expander(t("faqkb.ui.new"), icon=":material/add:"):
            data = _form("faq_new")
            if data and common.write(faq.create, actor, data, success=t("faqkb.ui.saved")):
                st.rerun()
    if may_edit:
        with st.expander(t("faqkb.ui.seed"), icon=":material/auto_awesome:"):
            published = common.read(
                posts.list_posts, actor, posts.PostFilter(status="published", limit=50)
            )
            s1, s2 = st.columns(2)
            post = s1.selectbox(
                t("faqkb.ui.seed_post"),
                [None, *published],
                format_func=lambda p: "-" if p is None else f"#{p.id} {(p.title or p.text)[:60]}",
                key="faq_seed_post",
            )
            seed_q = s1.text_input(t("faqkb.ui.question"), key="faq_seed_q")
            post_go = s1.button(
                t("faqkb.ui.seed_go"), key="faq_seed_post_go", disabled=post is None
            )
            if post_go and post is not None:
                made = common.write(
                    faq.from_post, actor, post.id, seed_q, success=t("faqkb.ui.saved")
                )
                if made:
                    st.rerun()
            occurrences = common.read(campaigns.upcoming, actor)
            camp = s2.selectbox(
                t("faqkb.ui.seed_campaign"),
                [None, *occurrences],
                format_func=lambda o: "-" if o is None else o.campaign.name,
                key="faq_seed_camp",
            )
            camp_src = s2.text_input(t("faqkb.ui.source"), key="faq_seed_src")
            camp_go = s2.button(
                t("faqkb.ui.seed_go"), key="faq_seed_camp_go", disabled=camp is None
            )
            if camp_go and camp is not None:
                made = common.write(
                    faq.from_campaign,
                    actor,
                    camp.campaign.slug,
                    camp_src,
                    success=t("faqkb.ui.saved"),
                )
                if made:
                    st.rerun()
    for row in rows[:200]:
        label = f"{_status(row.status)} · #{row.id} · {row.question}"
        with st.expander(label):
            st.markdown(common.esc(row.answer))
            st.caption(t("faqkb.ui.source_line", url=row.source_url))
            if row.variants:
                st.caption(t("faqkb.ui.variants_line", text=" · ".join(row.variants)))
            if row.review_comment:
                st.info(row.review_comment)
            b1, b2, b3, b4 = st.columns(4)
            if (
                may_edit
                and row.status in ("draft", "rejected")
                and b1.button(t("faqkb.ui.submit"), key=f"faq_sub_{row.id}")
            ):
                if common.write(faq.submit, actor, row.id, success=t("faqkb.ui.submitted")):
                    st.rerun()
            can_approve = may_review and faq.approval_refusal(row, actor) is None
            if (
                can_approve
                and row.status in ("in_review", "draft")
                and b2.button(t("faqkb.ui.approve"), key=f"faq_ok_{row.id}", type="primary")
            ):
                if common.write(faq.approve, actor, row.id, success=t("faqkb.ui.approved")):
                    st.rerun()
            if may_review and row.status == "in_review":
                note = b3.text_input(t("faqkb.ui.reject_note"), key=f"faq_note_{row.id}")
                if b3.button(t("faqkb.ui.reject"), key=f"faq_no_{row.id}"):
                    if common.write(
                        faq.reject, actor, row.id, note, success=t("faqkb.ui.rejected")
                    ):
                        st.rerun()
            if (
                may_review
                and row.status != "archived"
                and b4.button(t("faqkb.ui.archive"), key=f"faq_arc_{row.id}")
            ):
                if common.write(faq.archive, actor, row.id, success=t("faqkb.ui.archived")):
                    st.rerun()
            if may_edit and st.toggle(t("faqkb.ui.edit"), key=f"faq_edit_{row.id}"):
                data = _form(f"faq_form_{row.id}", row)
                if data and common.write(
                    faq.update, actor, row.id, data, success=t("faqkb.ui.saved")
                ):
                    st.rerun()

with tab_learn:
    days = st.selectbox(
        t("faqkb.ui.period"),
        [7, 30, 90, 182],
        index=1,
        format_func=lambda d: t("faqkb.ui.days", n=d),
    )
    end = utcnow() + timedelta(minutes=1)  # the period ends after "now", questions included
    learn = common.read(faq_stats.learning, actor, start=end - timedelta(days=days), end=end)
    fig = learn.figures
    m = st.columns(4)
    m[0].metric(t("faqkb.ui.asked"), common.fmt_int(fig.asked))
    m[1].metric(
        t("faqkb.ui.answer_rate"),
        "-" if fig.answer_rate is None else f"{fig.answer_rate * 100:.0f}%",
    )
    m[2].metric(t("faqkb.ui.unanswered"), common.fmt_int(fig.unanswered + fig.suggested))
    m[3].metric(
        t("faqkb.ui.satisfaction"),
        "-" if fig.satisfaction is None else f"{fig.satisfaction * 100:.0f}%",
        help=t("faqkb.ui.satisfaction_help", rated=fig.rated),
    )
    st.subheader(t("faqkb.ui.to_improve"))
    if not learn.to_improve:
        st.caption(t("faqkb.ui.nothing"))
    for q in learn.to_improve:
        score = f"{q.best_score:.2f}"
        if common.lang() == "vi":  # a decimal comma on a Vietnamese page
            score = score.replace(".", ",")
        title = t("faqkb.ui.asked_line", text=q.text, n=q.count, score=score)
        with st.expander(title):
            st.caption(t("faqkb.ui.last_asked", when=common.fmt_dt(q.last_asked)))
            if may_edit:
                data = _form(f"faq_q_{q.query_id}", question=q.text)
                if data and common.write(
                    faq.from_query, actor, q.query_id, data, success=t("faqkb.ui.from_query_done")
                ):
                    st.rerun()
    st.subheader(t("faqkb.ui.top"))
    if not learn.top:  # an empty table would say "empty" in English
        st.caption(t("faqkb.ui.nothing"))
    else:
        st.dataframe(
            [
                {
                    t("faqkb.ui.col.question"): q.text,
                    t("faqkb.ui.col.count"): q.count,
                    t("faqkb.ui.col.answer"): f"#{q.answer_id}" if q.answer_id else "-",
                    t("faqkb.ui.col.not_helpful"): q.not_helpful,
                }
                for q in learn.top
            ],
            hide_index=True,
            width="stretch",
        )

with tab_import:
    st.caption(t("faqkb.ui.import_help"))
    st.download_button(
        t("faqkb.ui.import_template"),
        faq_import.template_csv(common.lang()),
        file_name="hoi-dap-mau.csv" if common.lang() == "vi" else "faq-template.csv",
        mime="text/csv",
        key="faq_template",
        icon=":material/download:",
    )
    upload = st.file_uploader(t("faqkb.ui.import_file"), type=["csv", "xlsx"], key="faq_up")
    if upload is not None and may_edit and st.button(t("faqkb.ui.import_go"), type="primary"):
        try:
            done = uow.write(faq_import.import_table, actor, upload.name, upload.getvalue())
        except ImportRefused as refused:  # nothing was imported: every bad line, numbered
            st.error(refused.message())
            for error in refused.errors[:50]:
                st.write(error.text())
        except PublisherError as exc:
            common.show_error(exc)
        else:
            st.success(t("faqkb.cli.imported", created=done.created, updated=done.updated))

"""Duyệt bài, the review desk: compact rows that open one at a time, filters, a campaign plan
approved or sent back in one decision, overdue posts flagged with «đăng ngay» / «chọn giờ
mới», the history of decisions; officers see what happened to their posts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import streamlit as st

from publisher.i18n import t
from publisher.services.publishing import drafts as composer
from publisher.services.publishing import posts as posts_svc
from publisher.services.publishing import review, signoff
from publisher.services.studio import render_jobs as renders_svc
from ui import common
from ui.components import render_jobs, when_input
from ui.components.post_view import channel_previews

actor = common.guard("post.view")
common.page_header("ui.review.title", "ui.review.caption")
can_review = actor.can("post.review")
can_signoff = actor.can("post.signoff") and actor.org_id is not None
#: The unit wants a manager's sign-off after the editor's approval (issue 18, item 6).
signoff_required = actor.org_id is not None and common.read(signoff.is_required, actor)
#: Managers and coordinators follow the queue without deciding: it comes first for them too.
can_watch = actor.can("review.watch")
OPEN = "rv_open"  # the one row shown opened
DUE = {"any": None, "24h": timedelta(hours=24), "3d": timedelta(days=3), "7d": timedelta(days=7)}


def _toggle(post_id: int) -> None:
    st.session_state[OPEN] = None if st.session_state.get(OPEN) == post_id else post_id


def _row(item: review.ReviewItem, *, actions: bool) -> None:
    """One compact line; the details only for the row that is open."""
    p = item.post
    pid = p.id or 0
    opened = st.session_state.get(OPEN) == pid
    with st.container(border=True, key=f"rv_row_{pid}"):
        head, button = st.columns([6, 1], vertical_alignment="center")
        flag = f" :red-badge[:material/alarm: {t('ui.desk.overdue')}]" if item.overdue else ""
        meta = [common.fmt_dt(p.due_at), t("ui.review.author", name=item.author)]
        meta.append(t("ui.review.channels", n=len(item.variants)))
        if item.campaign:
            meta.append(item.campaign)
        head.markdown(
            f"{common.badge(p.status)}{flag} **#{pid} · {common.esc(p.title or p.text[:70])}**"
            f"  \n:small[{' · '.join(meta)}]"
        )
        button.button(
            t("ui.desk.close") if opened else t("ui.desk.open"),
            key=f"rv_open_{pid}",
            icon=":material/expand_less:" if opened else ":material/expand_more:",
            on_click=_toggle,
            args=(pid,),
            width="stretch",
        )
        if opened:
            _details(item, actions=actions)


def _details(item: review.ReviewItem, *, actions: bool) -> None:
    p = item.post
    pid = p.id or 0
    if item.content_author and p.content_at:
        st.caption(
            t("ui.review.content_by", name=item.content_author, at=common.fmt_dt(p.content_at))
        )
    if item.reviewer and p.reviewed_at:
        key = "ui.desk.rejected_by" if p.status == "rejected" else "ui.desk.approved_by"
        st.caption(t(key, name=item.reviewer, at=common.fmt_dt(p.reviewed_at)))
    if p.review_comment:
        st.warning(t("ui.review.comment_was", comment=p.review_comment), icon=":material/comment:")
    if item.link_shown:
        note = t("ui.desk.link_tracked", target=p.link or "") if item.link_shown != p.link else ""
        st.caption(
            f":material/link: {t('ui.desk.link_shown', link=item.link_shown)}"
            + (f" — {note}" if note else "")
        )
    shown = common.read(
        composer.previews,
        item.variants,
        item.media,
        due_at=p.due_at,
        link=p.link,
        title=p.title,
    )
    channel_previews(shown, p.due_at, key=f"rv{pid}")
    for kind, path in shown.media:
        if kind == "video":
            player, _ = st.columns([3, 2])  # the clip itself, to watch before approving
            player.video(str(path))
    _renders(pid)
    if actions:
        _actions(item, posts_svc.approval_refusal(p, actor))
    elif p.status in ("rejected", "scheduled") and p.author_id == actor.user_id:
        label = t("ui.review.edit") if p.status == "rejected" else t("ui.desk.edit_approved")
        if st.button(label, key=f"rv_edit_{pid}", icon=":material/edit:"):
            st.session_state["compose_load"] = pid
            st.switch_page("views/compose.py")


def _renders(post_id: int) -> None:
    """The post's renders still to come (or failed): its countdown card, clip, channel
    versions, with progress; finished ones show in the previews above."""

    def unfinished() -> renders_svc.JobBoard:
        return common.read(renders_svc.post_board, actor, post_id, common.lang())

    if not unfinished().rows:
        return
    st.markdown(f"**:material/movie_edit: {t('ui.review.renders')}**")
    render_jobs.live_jobs(
        actor,
        unfinished,
        key=f"rv_rj{post_id}",
        active_note=t("ui.review.renders_note"),
        show_post=False,
    )


def _done(result: object) -> None:
    if result is not None:
        st.session_state[OPEN] = None
        st.rerun()


def _actions(item: review.ReviewItem, refusal: str | None) -> None:
    """Approve (on time, now, or at a new time for an overdue post) and send back; the
    approve buttons only for someone the four-eyes rule allows (``refusal``: why not)."""
    p = item.post
    pid = p.id or 0
    if refusal:
        st.info(t(f"ui.review.no_approve.{refusal}"), icon=":material/group:")
    elif item.overdue:
        st.warning(t("ui.desk.overdue_note", due=common.fmt_dt(p.due_at)), icon=":material/alarm:")
    comment = st.text_area(
        t("ui.review.comment"),
        key=f"rv_comment_{pid}",
        height=80,
        placeholder=t("ui.review.comment_placeholder"),
    )
    a, b, c, _ = st.columns([1, 1.2, 1, 1.2])
    if (
        not refusal
        and not item.overdue
        and a.button(
            t("ui.review.approve"),
            key=f"rv_ok_{pid}",
            type="primary",
            icon=":material/check:",
            width="stretch",
        )
    ):
        due = common.fmt_dt(p.due_at)
        done = (
            t("ui.signoff.first_done", id=pid)
            if signoff_required
            else t("ui.desk.approved_at", id=pid, due=due)
        )
        _done(common.write(review.approve, actor, pid, success=done))
    if not refusal and b.button(
        t("ui.desk.publish_now") if item.overdue else t("ui.review.approve_now"),
        key=f"rv_now_{pid}",
        type="primary" if item.overdue else "secondary",
        icon=":material/bolt:",
        width="stretch",
    ):
        _done(
            common.write(
                review.approve,
                actor,
                pid,
                publish_now=True,
                success=t("ui.review.approved_now", id=pid),
            )
        )
    if c.button(t("ui.review.reject"), key=f"rv_no_{pid}", icon=":material/undo:", width="stretch"):
        _done(
            common.write(
                posts_svc.reject, actor, pid, comment, success=t("ui.review.rejected", id=pid)
            )
        )
    if not refusal and item.overdue:
        st.markdown(f"**:material/edit_calendar: {t('ui.desk.new_time')}**")
        when = when_input.when_input(f"rv_new_{pid}_")
        if st.button(
            t("ui.desk.approve_at"),
            key=f"rv_at_{pid}",
            icon=":material/event_available:",
            disabled=when.due_at is None,
        ):
            due = common.fmt_dt(when.due_at)
            _done(
                common.write(
                    review.approve_at,
                    actor,
                    pid,
                    when.due_at,
                    success=t("ui.desk.approved_at", id=pid, due=due),
                )
            )


def _filters() -> review.QueueFilter:
    choices = common.read(review.queue_choices, actor)
    f1, f2, f3, f4 = st.columns(4)
    campaigns = dict(choices.campaigns)
    channels = dict(choices.channels)
    authors = dict(choices.authors)
    every = t("ui.desk.f_any")
    campaign = f1.selectbox(
        t("ui.desk.f_campaign"),
        [None, *campaigns],
        key="rv_f_campaign",
        format_func=lambda k: campaigns.get(k, every) if k else every,
    )
    channel = f2.selectbox(
        t("ui.desk.f_channel"),
        [None, *channels],
        key="rv_f_channel",
        format_func=lambda k: channels.get(k, every) if k else every,
    )
    author = f3.selectbox(
        t("ui.desk.f_author"),
        [None, *authors],
        key="rv_f_author",
        format_func=lambda k: authors.get(k, every) if k else every,
    )
    due = f4.selectbox(
        t("ui.desk.f_due"), list(DUE), key="rv_f_due", format_func=lambda k: t(f"ui.desk.due.{k}")
    )
    return review.QueueFilter(campaign, channel, author, DUE[due])


def _plans() -> None:
    groups = common.read(review.plans_waiting, actor)
    if not groups:
        return
    st.markdown(f"##### :material/event_note: {t('ui.desk.plans')}")
    for g in groups:
        key = f"{g.campaign_id}_{g.year}"
        with st.container(border=True, key=f"rv_plan_{key}"):
            st.markdown(
                f"**{t('ui.desk.plan_head', name=g.name, year=g.year, n=len(g.post_ids))}**"
            )
            if g.overdue:
                ids = ", ".join(f"#{i}" for i in g.overdue)
                st.warning(t("ui.desk.plan_overdue", ids=ids), icon=":material/alarm:")
            comment = st.text_input(t("ui.desk.plan_comment"), key=f"rv_plan_comment_{key}")
            a, b, _ = st.columns([1.4, 1.2, 1])
            if a.button(
                t("ui.desk.plan_approve", n=len(g.post_ids)),
                key=f"rv_plan_ok_{key}",
                type="primary",
                icon=":material/done_all:",
                disabled=bool(g.overdue),
                width="stretch",
            ):
                done = common.write(
                    review.decide_plan,
                    actor,
                    g.campaign_id,
                    g.year,
                    approve=True,
                    comment=comment,
                    success=t("ui.desk.plan_approved", n=len(g.post_ids)),
                )
                _done(done)
            if b.button(
                t("ui.desk.plan_reject"),
                key=f"rv_plan_no_{key}",
                icon=":material/undo:",
                width="stretch",
            ):
                done = common.write(
                    review.decide_plan,
                    actor,
                    g.campaign_id,
                    g.year,
                    approve=False,
                    comment=comment,
                    success=t("ui.desk.plan_rejected", n=len(g.post_ids)),
                )
                _done(done)


def _history() -> None:
    rows = common.read(review.history, actor)
    if not rows:
        st.info(t("ui.desk.history_empty"))
        return
    st.dataframe(
        [
            {
                t("ui.desk.h_post"): f"#{r.post_id} · {r.title[:60]}",
                t("ui.desk.h_decision"): t(
                    "ui.desk.decision.approve" if r.approved else "ui.desk.decision.reject"
                ),
                t("ui.desk.h_who"): r.reviewer,
                t("ui.desk.h_when"): common.fmt_dt(r.at),
                t("ui.desk.h_comment"): r.comment,
                t("ui.desk.h_status"): common.status_label(r.status),
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )


def _signoff_row(item: review.ReviewItem) -> None:
    """A post an editor approved, waiting for this manager: the same card, sign-off buttons."""
    p = item.post
    pid = p.id or 0
    opened = st.session_state.get(OPEN) == pid
    with st.container(border=True, key=f"so_row_{pid}"):
        head, button = st.columns([6, 1], vertical_alignment="center")
        meta = [common.fmt_dt(p.due_at), t("ui.review.author", name=item.author)]
        head.markdown(
            f":orange-badge[:material/approval: {t('ui.signoff.badge')}] "
            f"**#{pid} · {common.esc(p.title or p.text[:70])}**  \n:small[{' · '.join(meta)}]"
        )
        button.button(
            t("ui.desk.close") if opened else t("ui.desk.open"),
            key=f"so_open_{pid}",
            icon=":material/expand_less:" if opened else ":material/expand_more:",
            on_click=_toggle,
            args=(pid,),
            width="stretch",
        )
        if not opened:
            return
        st.caption(
            t("ui.signoff.first_by", name=item.reviewer, at=common.fmt_dt(p.first_approved_at))
        )
        _details(item, actions=False)
        refusal = signoff.refusal(p, actor)
        if refusal:
            st.info(t(refusal, id=pid), icon=":material/group:")
        comment = st.text_area(t("ui.review.comment"), key=f"so_comment_{pid}", height=80)
        a, b, _ = st.columns([1, 1, 2])
        if not refusal and a.button(
            t("ui.signoff.approve"),
            key=f"so_ok_{pid}",
            type="primary",
            icon=":material/verified:",
            width="stretch",
        ):
            due = common.fmt_dt(p.due_at)
            _done(
                common.write(
                    signoff.approve,
                    actor,
                    pid,
                    comment,
                    success=t("ui.signoff.approved", id=pid, due=due),
                )
            )
        if b.button(t("ui.signoff.reject"), key=f"so_no_{pid}", icon=":material/undo:"):
            _done(
                common.write(
                    signoff.reject, actor, pid, comment, success=t("ui.signoff.rejected", id=pid)
                )
            )


def _signoff_tab() -> None:
    now = st.toggle(
        t("ui.signoff.setting"),
        value=signoff_required,
        key="so_setting",
        help=t("ui.signoff.setting_help"),
    )
    if now != signoff_required:
        returned = common.write(signoff.set_required, actor, actor.org_id, now)
        if returned is not None:
            msg = t("ui.signoff.saved_on") if now else t("ui.signoff.saved_off", n=returned)
            common.flash("success", msg)  # above the tabs: the tab may move when counts change
            st.rerun()
    waiting = common.read(signoff.queue, actor)
    if not waiting:
        st.info(t("ui.signoff.nothing"), icon=":material/task_alt:")
    for item in waiting:
        _signoff_row(item)


def _mine() -> None:
    mine = common.read(review.my_posts, actor)
    if not mine:
        st.info(t("ui.review.mine_empty"))
    for item in mine:
        _row(item, actions=False)


def _waiting_tab(total: int) -> None:
    if signoff_required:
        st.caption(f":material/approval: {t('ui.signoff.required_note')}")
    if not total:
        st.info(t("ui.review.nothing"), icon=":material/task_alt:")
        return
    if can_review:
        _plans()
    flt = _filters()
    waiting = common.read(review.queue, actor, flt=flt)
    if not waiting:
        st.info(t("ui.desk.none_match"))
    for item in waiting:
        _row(item, actions=can_review)


if can_watch or can_signoff:
    # A manager's sign-off (where the unit requires one) comes first: it is their decision;
    # then the queue they follow, the history and, for those who write, their own posts.
    names: list[str] = []
    bodies: list[Callable[[], None]] = []
    count = common.read(signoff.waiting_count, actor) if can_signoff else 0
    # First only when something waits for the manager: turning the setting on or off must not
    # move the tab under the manager's pointer (the active tab is kept by position).
    signoff_first = can_signoff and count > 0
    if signoff_first:
        names.append(t("ui.signoff.tab", n=count))
        bodies.append(_signoff_tab)
    if can_watch:
        total = common.read(review.waiting_count, actor)
        names.append(t("ui.desk.tab_waiting", n=total))
        bodies.append(lambda: _waiting_tab(total))
    if can_signoff and not signoff_first:
        # Nothing waits (or the unit asks for no sign-off): the tab still holds the setting.
        names.append(t("ui.signoff.tab", n=count))
        bodies.append(_signoff_tab)
    names.append(t("ui.desk.tab_history"))
    bodies.append(_history)
    if actor.can("post.compose"):  # a manager or coordinator writes no posts of their own
        names.append(t("ui.desk.tab_mine"))
        bodies.append(_mine)
    for tab, body in zip(st.tabs(names), bodies, strict=True):
        with tab:
            body()
else:
    mine_tab, history_tab = st.tabs([t("ui.desk.tab_mine"), t("ui.desk.tab_history")])
    with mine_tab:
        _mine()
    with history_tab:
        _history()

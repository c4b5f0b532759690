"""Duyệt bài: editors see what waits for them, preview each channel, approve or reject with a
comment; officers see what happened to their posts (and edit rejected ones)."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services import composer, review
from publisher.services import posts as posts_svc
from publisher.services import renders as renders_svc
from ui import common
from ui.components import render_jobs
from ui.components.post_view import channel_previews

actor = common.guard("post.view")
common.page_header("ui.review.title", "ui.review.caption")
can_review = actor.can("post.review")


def _card(item: review.ReviewItem, *, actions: bool) -> None:
    p = item.post
    head = (
        f"{common.badge(p.status)} #{p.id} · {p.title or p.text[:60]} · {common.fmt_dt(p.due_at)}"
    )
    with st.expander(head, expanded=actions):
        st.caption(  # the status badge is in the header already
            f"{t('ui.review.author', name=item.author)}"
            f" · {t('ui.review.channels', n=len(item.variants))}"
        )
        if item.content_author and p.content_at:
            st.caption(
                t("ui.review.content_by", name=item.content_author, at=common.fmt_dt(p.content_at))
            )
        if p.review_comment:
            st.warning(
                t("ui.review.comment_was", comment=p.review_comment), icon=":material/comment:"
            )
        if item.reviewer and p.reviewed_at:
            st.caption(
                t("ui.review.reviewed_by", name=item.reviewer, at=common.fmt_dt(p.reviewed_at))
            )
        shown = common.read(
            composer.previews,
            item.variants,
            item.media,
            due_at=p.due_at,
            link=p.link,
            title=p.title,
        )
        channel_previews(shown, p.due_at, key=f"rv{p.id}")
        for kind, path in shown.media:
            if kind == "video":
                player, _ = st.columns([3, 2])  # the clip itself, to watch before approving
                player.video(str(path))
        _renders(p.id or 0)
        if actions:
            _actions(p.id or 0, posts_svc.approval_refusal(p, actor))
        elif p.status == "rejected" and p.author_id == actor.user_id:
            if st.button(t("ui.review.edit"), key=f"rv_edit_{p.id}", icon=":material/edit:"):
                st.session_state["compose_load"] = p.id
                st.switch_page("pages/compose.py")


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


def _actions(post_id: int, refusal: str | None) -> None:
    """Approve, approve now, send back; the approve buttons only for someone the four-eyes
    rule allows (``refusal``: why not, explained instead)."""
    if refusal:
        st.info(t(f"ui.review.no_approve.{refusal}"), icon=":material/group:")
    comment = st.text_area(
        t("ui.review.comment"),
        key=f"rv_comment_{post_id}",
        height=80,
        placeholder=t("ui.review.comment_placeholder"),
    )
    a, b, c, _ = st.columns([1, 1.2, 1, 1.5])
    if not refusal and a.button(
        t("ui.review.approve"),
        key=f"rv_ok_{post_id}",
        type="primary",
        icon=":material/check:",
        width="stretch",
    ):
        if (
            common.write(
                review.approve, actor, post_id, success=t("ui.review.approved", id=post_id)
            )
            is not None
        ):
            st.rerun()
    if not refusal and b.button(
        t("ui.review.approve_now"),
        key=f"rv_now_{post_id}",
        icon=":material/bolt:",
        width="stretch",
    ):
        if (
            common.write(
                review.approve,
                actor,
                post_id,
                publish_now=True,
                success=t("ui.review.approved_now", id=post_id),
            )
            is not None
        ):
            st.rerun()
    if c.button(
        t("ui.review.reject"),
        key=f"rv_no_{post_id}",
        icon=":material/undo:",
        width="stretch",
    ):
        from publisher.services import posts

        if (
            common.write(
                posts.reject, actor, post_id, comment, success=t("ui.review.rejected", id=post_id)
            )
            is not None
        ):
            st.rerun()


if can_review:
    waiting = common.read(review.queue, actor)
    st.subheader(t("ui.review.waiting", n=len(waiting)))
    if not waiting:
        st.info(t("ui.review.nothing"), icon=":material/task_alt:")
    for item in waiting:
        _card(item, actions=True)

mine = common.read(review.my_posts, actor)
st.subheader(t("ui.review.mine"))
if not mine:
    st.info(t("ui.review.mine_empty"))
for item in mine:
    _card(item, actions=False)

"""Soạn bài: one text, per-channel variants, live counters and validation, media, schedule,
campaign and S&T task; save a draft or send it for review; preview on each platform."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.publishing import campaigns, posting_hours, posts, topics
from publisher.services.publishing import drafts as composer
from publisher.services.publishing.posts import PostInput
from publisher.services.studio import library as media_svc
from ui import common
from ui.components import uploads, when_input
from ui.components.post_import import import_panel
from ui.components.post_view import channel_previews

actor = common.guard("post.compose")
common.page_header("ui.compose.title", "ui.compose.caption")
P = "c_"  # widget key prefix: everything starting with it is the form's state


def _reset() -> None:
    for key in [k for k in st.session_state if str(k).startswith(P)]:
        del st.session_state[key]
    st.session_state.pop("compose_post_id", None)


def _load(post_id: int) -> None:
    """Fill the form from a saved post (edit a draft or a rejected post)."""
    _reset()
    post = common.read(posts.get_post, actor, post_id)
    variants = common.read(posts.variant_texts, post)
    info = common.read(posts.detail, actor, post_id)
    task = common.read(composer.task_choices, actor)
    st.session_state["compose_post_id"] = post_id
    st.session_state[P + "was_approved"] = post.status == "scheduled"
    st.session_state[P + "title"] = post.title
    st.session_state[P + "text"] = post.text
    st.session_state[P + "link"] = post.link or ""
    st.session_state[P + "channels"] = [c.id for c, _ in variants]
    for channel, text in variants:
        if text != post.text:
            st.session_state[f"{P}own_{channel.id}"] = True
            st.session_state[f"{P}var_{channel.id}"] = text
    st.session_state[P + "media"] = [m["id"] for m in info["media"]]
    when_input.set_value(P, post.due_at)
    st.session_state[P + "repeat"] = post.recurrence
    st.session_state[P + "until"] = (
        common.fmt_day(post.recurrence_until) if post.recurrence_until else ""
    )
    st.session_state[P + "campaign"] = info["campaign"]
    codes = {x.id: x.code for x in task}
    st.session_state[P + "task"] = codes.get(post.task_id) if post.task_id else None
    st.session_state[P + "themes"] = list(info["themes"])
    st.session_state[P + "audiences"] = list(info["audiences"])


if "compose_load" in st.session_state:
    _load(int(st.session_state.pop("compose_load")))
if "compose_at" in st.session_state:  # a day or an hour clicked on the calendar
    _reset()
    st.session_state[P + "date"], st.session_state[P + "time"] = st.session_state.pop("compose_at")


def _generate() -> None:
    """Render an infographic from the small form and attach it (runs before widgets)."""
    fields = {
        "title": st.session_state.get(P + "gen_title", ""),
        "subtitle": st.session_state.get(P + "gen_subtitle", ""),
    }
    day = st.session_state.get(P + "gen_date")
    if day:
        fields["date"] = common.fmt_day(day)
    template = st.session_state.get(P + "gen_template", "campaign")
    asset = common.write(
        media_svc.render_infographic_asset,
        actor,
        template,
        {k: v for k, v in fields.items() if v},
        title=fields["title"],
        tags=("infographic", "compose"),
    )
    if asset is not None:
        chosen = list(st.session_state.get(P + "media", []))
        if asset.id not in chosen:
            chosen.append(asset.id)
        st.session_state[P + "media"] = chosen
        common.flash("success", t("ui.compose.generated", id=asset.id))


channels = common.read(composer.channel_choices, actor)
upcoming = common.read(campaigns.upcoming, actor)
tasks = common.read(composer.task_choices, actor)
assets = common.read(media_svc.list_assets, actor, limit=300)

if not channels:
    st.warning(t("ui.compose.no_channels"))
    st.stop()

by_id = {c.id: c for c in channels if c.id is not None}
asset_by_id = {a.id: a for a in assets if a.id is not None}
editing = st.session_state.get("compose_post_id")
if not editing:
    import_panel(actor)
left, right = st.columns([1.15, 1], gap="large")

with left:
    if editing:
        st.info(t("ui.compose.editing", id=editing), icon=":material/edit:")
        if st.session_state.get(P + "was_approved"):
            st.warning(t("ui.compose.editing_approved"), icon=":material/undo:")
    chosen = st.multiselect(
        t("ui.compose.channels"),
        list(by_id),
        key=P + "channels",
        format_func=lambda i: f"{by_id[i].name} · {common.kind_label(by_id[i].kind)}",
        placeholder=t("ui.compose.channels_placeholder"),
    )
    st.text_input(
        t("ui.compose.post_title"),
        key=P + "title",
        max_chars=255,
        help=t("ui.compose.post_title_help"),
    )
    text = st.text_area(
        t("ui.compose.text"),
        key=P + "text",
        height=180,
        placeholder=t("ui.compose.text_placeholder"),
    )
    variants: dict[int, str] = {}
    for cid in chosen:
        ch = by_id[cid]
        with st.expander(
            t("ui.compose.variant_for", channel=ch.name),
            expanded=bool(st.session_state.get(f"{P}own_{cid}")),
        ):
            own = st.checkbox(t("ui.compose.own_text"), key=f"{P}own_{cid}")
            if own:
                if f"{P}var_{cid}" not in st.session_state:
                    st.session_state[f"{P}var_{cid}"] = text
                variants[cid] = st.text_area(
                    t("ui.compose.variant_text"), key=f"{P}var_{cid}", height=140
                )
    st.text_input(t("ui.compose.link"), key=P + "link", placeholder="https://")

    st.markdown(f"##### :material/image: {t('ui.compose.media')}")
    if actor.can("media.create"):
        new_ids = uploads.upload_field(actor, P + "upload")
        if new_ids:
            # Before the picker exists in this run: the new items are chosen at once, so the
            # preview checks every target channel's limits with them right away.
            picked = list(st.session_state.get(P + "media", []))
            picked += [i for i in new_ids if i not in picked]
            st.session_state[P + "media"] = picked
            assets = common.read(media_svc.list_assets, actor, limit=300)
            asset_by_id = {a.id: a for a in assets if a.id is not None}
    media_ids = st.multiselect(
        t("ui.compose.media_pick"),
        list(asset_by_id),
        key=P + "media",
        format_func=lambda i: (
            media_svc.display_name(asset_by_id[i]) if i in asset_by_id else f"#{i}"
        ),
        placeholder=t("ui.compose.media_placeholder"),
    )
    if media_ids:
        thumbs = st.columns(4)
        for i, mid in enumerate(media_ids):
            a = asset_by_id.get(mid)
            if a is not None:
                with thumbs[i % 4]:
                    uploads.thumb(a)
    with st.expander(t("ui.compose.generate"), icon=":material/auto_awesome:"):
        st.selectbox(
            t("ui.studio.template"),
            ["campaign", "event", "quote", "task"],
            key=P + "gen_template",
            format_func=lambda k: t(f"ui.template.{k}"),
        )
        st.text_input(t("ui.studio.field.title"), key=P + "gen_title")
        st.text_input(t("ui.studio.field.subtitle"), key=P + "gen_subtitle")
        st.date_input(
            t("ui.studio.field.date"), value=None, key=P + "gen_date", format="DD/MM/YYYY"
        )
        st.button(
            t("ui.compose.generate_button"),
            on_click=_generate,
            key=P + "gen_go",
            icon=":material/auto_awesome:",
        )

    st.markdown(f"##### :material/schedule: {t('ui.compose.schedule')}")
    when = when_input.when_input(P)
    repeat, until, until_error = when_input.repeat_input(P)
    c1, c2 = st.columns(2)
    camp_opts: list[str | None] = [None, *[o.campaign.slug for o in upcoming]]
    camp_names = {
        o.campaign.slug: f"{o.campaign.name} ({o.as_dict()['date_display']})" for o in upcoming
    }
    campaign = c1.selectbox(
        t("ui.compose.campaign"),
        camp_opts,
        key=P + "campaign",
        format_func=lambda k: camp_names.get(k, k) if k else "—",
    )
    task_opts: list[str | None] = [None, *[x.code for x in tasks]]
    task_names = {x.code: f"{x.code} · {x.title[:60]}" for x in tasks}
    task = c2.selectbox(
        t("ui.compose.task"),
        task_opts,
        key=P + "task",
        format_func=lambda k: task_names.get(k, k) if k else "—",
    )
    t1, t2 = st.columns(2)
    themes = t1.multiselect(
        t("ui.compose.themes"),
        list(topics.THEMES),
        key=P + "themes",
        format_func=lambda k: t(f"topic.theme.{k}"),
        placeholder=t("ui.compose.themes_placeholder"),
    )
    audiences = t2.multiselect(
        t("ui.compose.audiences"),
        list(topics.AUDIENCES),
        key=P + "audiences",
        format_func=lambda k: t(f"topic.audience.{k}"),
        placeholder=t("ui.compose.audiences_placeholder"),
    )

due_at = when.due_at
data = PostInput(
    text=text,
    channels=list(chosen),
    due_at=due_at,
    variants={k: v for k, v in variants.items()},
    media_ids=list(media_ids),
    link=st.session_state.get(P + "link") or None,
    title=st.session_state.get(P + "title", ""),
    campaign=campaign,
    task=task,
    recurrence=repeat,
    recurrence_until=until,
    themes=list(themes),
    audiences=list(audiences),
)
#: What would be refused on saving or sending: the repeat rule, a time in the past or too far.
#: A date or time typed wrong is said once, under its field (``when_input``), and blocks the
#: buttons through ``typed_wrong``: listing it again among the blockers said it twice.
typed_wrong = bool(when.error or until_error)
schedule_problems = (
    posts.schedule_problems(due_at, repeat, until) if due_at and not typed_wrong else []
)
#: The chosen channels' posting hours: a refusing rule blocks like any problem, a warning
#: rule is said, and their best times are suggested.
hours = common.read(
    posting_hours.check_time,
    actor,
    chosen,
    due_at if not typed_wrong else None,
    repeat,
    until,
)
schedule_problems += hours.refused

with right:
    st.markdown(f"##### :material/visibility: {t('ui.compose.preview')}")
    problems = (
        common.read(composer.check_draft, actor, chosen, text, variants, media_ids, data.link)
        if chosen
        else []
    )
    shown = common.read(
        composer.previews,
        [(by_id[c], variants.get(c) or text) for c in chosen],
        [asset_by_id[m] for m in media_ids if m in asset_by_id],
        due_at=due_at,
        link=data.link,
        campaign=campaign,
        title=data.title,
    )
    channel_previews(shown, due_at, key="compose")
    problems = [*problems, *schedule_problems]
    for note in hours.warned:
        st.warning(note, icon=":material/schedule:")
    if hours.best:
        st.caption(f":material/schedule: {t('ui.hours.compose_best', times='; '.join(hours.best))}")
    if problems:
        st.error(
            t("ui.compose.problems") + "\n" + "\n".join(f"- {p}" for p in problems),
            icon=":material/block:",
        )
    elif chosen and (text or media_ids) and due_at is not None and not typed_wrong:
        st.success(
            t("ui.compose.valid_at", when=when_input.spoken(due_at, repeat, until)),
            icon=":material/check_circle:",
        )


def _save(submit: bool) -> int | None:
    post_id = st.session_state.get("compose_post_id")
    return common.write(
        posts.save, actor, int(post_id) if post_id else None, data, for_review=submit
    )


def _after(post_id: int | None, submitted: bool) -> None:
    if post_id is None:
        return
    if submitted:
        _reset()
        common.flash("success", t("ui.compose.submitted", id=post_id))
    else:
        st.session_state["compose_post_id"] = post_id
        common.flash("success", t("ui.compose.saved", id=post_id))
    st.rerun()


b1, b2, b3, _ = st.columns([1, 1, 1, 2])
if b1.button(
    t("ui.compose.save"),
    icon=":material/save:",
    key="c_btn_save",
    width="stretch",
    # a time typed wrong is never saved as the earlier one (nor dropped)
    disabled=typed_wrong,
):
    _after(_save(False), False)
if b2.button(
    t("ui.compose.submit"),
    icon=":material/send:",
    type="primary",
    key="c_btn_submit",
    width="stretch",
    disabled=bool(problems) or typed_wrong or not chosen,
):
    _after(_save(True), True)
b3.button(
    t("ui.compose.new"),
    icon=":material/add:",
    on_click=_reset,
    key="c_btn_new",
    width="stretch",
)

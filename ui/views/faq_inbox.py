"""Hộp thư hỏi đáp: the questions the FAQ bot handed to staff; a reply written here goes to
the citizen through the same bot (the worker sends it)."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import faq_inbox
from publisher.timeutil import utcnow
from ui import common

actor = common.guard("faqbot.inbox")
st.title(t("ui.faqbot.title"))
st.caption(t("ui.faqbot.caption", days=faq_inbox.retention_days()))
common.show_flash()
COLOURS = {"open": "orange", "sending": "blue", "answered": "green", "failed": "red"}
CHOICES = ["open", "sending", "answered", "failed", "all"]

choice = st.segmented_control(
    t("ui.faqbot.filter"),
    CHOICES,
    default="open",
    key="faqbot_filter",
    format_func=lambda k: t(f"ui.faqbot.status.{k}"),
)
status = None if choice in (None, "all") else choice
rows = common.read(faq_inbox.list_handovers, actor, status=status)
names = {c.id: c.name for c in common.read(channels_svc.list_channels, actor)}
if not rows:
    st.info(t("ui.faqbot.empty"), icon=":material/inbox:")

for row in rows:
    with st.container(border=True):
        label = t(f"ui.faqbot.status.{row.status}")
        st.markdown(
            f":{COLOURS.get(row.status, 'gray')}-badge[{label}] "
            + t(
                "ui.faqbot.asked",
                name=row.display_name or t("ui.faqbot.anonymous"),
                channel=names.get(row.channel_id, "?"),
                when=common.fmt_dt(row.created_at),
            )
        )
        st.text(row.question)
        if row.reply:
            st.caption(t("ui.faqbot.your_reply", who=row.replied_by, reply=row.reply))
        if row.status in ("open", "failed") and actor.can("faqbot.reply"):
            with st.form(key=f"faqbot_reply_{row.id}", clear_on_submit=True, border=False):
                text = st.text_area(t("ui.faqbot.reply"), key=f"faqbot_text_{row.id}", height=90)
                if st.form_submit_button(t("ui.faqbot.send"), type="primary"):
                    done = common.write(
                        faq_inbox.reply,
                        actor,
                        row.id,
                        text,
                        now=utcnow(),
                        success=t("ui.faqbot.sent"),
                    )
                    if done is not None:
                        st.rerun()

"""Per-channel previews of a post (compose, review, calendar) with character counters.

The pages load a :class:`publisher.services.composer.Previews` (through ``common.read``);
this draws it.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from publisher.i18n import t
from publisher.services import composer
from ui import common
from ui.components import previews


def counter(preview: composer.ChannelPreview, with_media: bool) -> None:
    """ "123 / 4096" coloured against the channel's limit (caption limit with media)."""
    used, limit = preview.used, preview.limit
    colour = "red" if used > limit else ("orange" if used > 0.9 * limit else "green")
    label = t("ui.compose.counter_caption") if with_media else t("ui.compose.counter_text")
    count = f"{common.fmt_int(used)} / {common.fmt_int(limit)}"
    st.markdown(f":{colour}-badge[{count}] :small[{label}]")


def channel_previews(
    shown: composer.Previews,
    due_at: datetime | None,
    *,
    key: str = "pv",
) -> None:
    """One tab per channel, each showing the platform's look (or its JSON payload)."""
    if not shown.channels:
        st.info(t("ui.preview.no_channels"))
        return
    when = common.fmt_dt(due_at) if due_at else t("ui.preview.not_scheduled")
    media = list(shown.media)
    tabs = st.tabs([f"{c.name}" for c in shown.channels])
    for tab, channel in zip(tabs, shown.channels, strict=True):
        with tab:
            counter(channel, bool(media))
            for note in channel.notices:
                st.caption(f":material/info: {note}")
            previews.show(
                channel.preview,
                channel.name,
                channel.text,
                when,
                media,
                channel.payload,
                channel.article,
            )

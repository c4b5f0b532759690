"""Per-channel previews of a post (compose, review, calendar) with character counters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import streamlit as st
from sqlmodel import Session

from publisher.i18n import t
from publisher.models import Channel, MediaAsset
from publisher.services import composer
from ui import common
from ui.components import previews


def media_pairs(assets: Sequence[MediaAsset]) -> list[tuple[str, Path]]:
    return [(a.kind, Path(composer.media_file(a))) for a in assets]


def counter(session: Session, channel: Channel, text: str, with_media: bool) -> None:
    """ "123 / 4096" coloured against the channel's limit (caption limit with media)."""
    limits = composer.limits(channel)
    used = composer.text_length(channel, text)
    limit = limits.limit(with_media)
    colour = "red" if used > limit else ("orange" if used > 0.9 * limit else "green")
    label = t("ui.compose.counter_caption") if with_media else t("ui.compose.counter_text")
    count = f"{common.fmt_int(used)} / {common.fmt_int(limit)}"
    st.markdown(f":{colour}-badge[{count}] :small[{label}]")


def channel_previews(
    session: Session,
    variants: Sequence[tuple[Channel, str]],
    assets: Sequence[MediaAsset],
    due_at: datetime | None,
    *,
    link: str | None = None,
    campaign: str | None = None,
    key: str = "pv",
) -> None:
    """One tab per channel, each showing the platform's look (or its JSON payload)."""
    if not variants:
        st.info(t("ui.preview.no_channels"))
        return
    when = common.fmt_dt(due_at) if due_at else t("ui.preview.not_scheduled")
    media = media_pairs(assets)
    tabs = st.tabs([f"{c.name}" for c, _ in variants])
    for tab, (channel, text) in zip(tabs, variants, strict=True):
        with tab:
            counter(session, channel, text, bool(assets))
            for note in composer.notices(session, channel, text, [a.id for a in assets if a.id]):
                st.caption(f":material/info: {note}")
            if channel.kind == "facebook":
                previews.facebook_card(channel.name, text, when, media)
            elif channel.kind == "telegram":
                previews.telegram_bubble(channel.name, text, when, media)
            else:
                previews.webhook_payload(
                    composer.webhook_payload(
                        session,
                        channel,
                        text,
                        [a.id for a in assets if a.id],
                        link=link,
                        campaign=campaign,
                        scheduled_at=due_at,
                    )
                )

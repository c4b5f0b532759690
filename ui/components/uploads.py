"""One upload field for the compose page and the library: several photos or videos at once,
each stored through :func:`publisher.services.studio.library.upload` in its own transaction (a bad
file is refused with one line and stores nothing; the others go in), with a progress bar and
the library's notices (same file reused, near copies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.studio import library as media_svc
from ui import common

if TYPE_CHECKING:
    from publisher.services.studio.library import MediaItem

#: Streamlit's own limit on one upload (``server.maxUploadSize``, megabytes).
LIMIT_MB = 500


def upload_field(actor: Actor, key: str) -> list[int]:
    """The field, and the ids of the items stored by this run (new or reused)."""
    seen: set[str] = st.session_state.setdefault(f"{key}_done", set())
    files = st.file_uploader(
        t("ui.upload.label"),
        type=media_svc.UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"{key}_{st.session_state.get(f'{key}_round', 0)}",
        help=t("ui.upload.help"),
        max_upload_size=LIMIT_MB,
    )
    fresh = [f for f in files or [] if f.file_id not in seen]
    if not fresh:
        return []
    stored: list[int] = []
    bar = st.progress(0.0)
    for i, upload in enumerate(fresh):
        bar.progress(
            i / len(fresh),
            text=t("ui.upload.working", done=i + 1, total=len(fresh), file=upload.name),
        )
        seen.add(upload.file_id)
        result = common.write(media_svc.upload, actor, upload.name, upload.getvalue())
        if result is None:  # refused: common.write showed the reason
            continue
        asset_id = result.asset.id or 0
        stored.append(asset_id)
        if result.existed:
            st.info(t("ui.upload.existed", file=upload.name, id=asset_id), icon=":material/info:")
        else:
            st.success(t("ui.upload.stored", file=upload.name, id=asset_id))
        if result.near:
            ids = ", ".join(f"#{a.id} {a.title}" for a, _ in result.near[:5])
            st.warning(
                t("ui.upload.near", file=upload.name, ids=ids), icon=":material/content_copy:"
            )
    bar.empty()
    # The next run draws an empty field: what was stored is in the library (and chosen on the
    # compose page), what was refused is not kept waiting in the field.
    st.session_state[f"{key}_round"] = st.session_state.get(f"{key}_round", 0) + 1
    return stored


def thumb(asset: MediaItem, *, width: int | Literal["stretch"] = "stretch") -> None:
    """The item's thumbnail (a poster frame for a video, with its length), or its kind when
    it has none. Reads a file only: no database."""
    data = media_svc.thumbnail(asset)
    if data is None:  # audio (a bulletin, a music track): its kind in words, not "audio"
        st.caption(t(f"ui.media.kind_{asset.kind}") if asset.kind == "audio" else asset.kind)
        return
    caption = None
    if asset.kind == "video":
        caption = t("ui.media.video_label", seconds=f"{float(asset.duration or 0):.0f}")
    st.image(data, width=width, caption=caption)

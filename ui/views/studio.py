"""Xưởng media: template + fields -> infographic preview (stored on request); a short video
rendered with a progress bar and played here; the library as a searchable grid with tags and
near-duplicate warnings."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.studio import brandkit
from publisher.services.studio import library as media_svc
from publisher.services.studio import preview as studio
from publisher.services.studio import render_jobs as renders_svc
from ui import common
from ui.components import render_jobs, uploads

actor = common.guard("media.view")
common.page_header("ui.studio.title", "ui.studio.caption")
can_create = actor.can("media.create")
DATE_FIELDS = {"date"}
SKIP = {"countdown", "footer"}
LONG = {"subtitle", "result", "title"}

VIDEO_JOB = "st_video_job"


def _video_job(job_id: int) -> None:
    """The clip the studio queued: progress while the worker renders it, then the clip."""
    try:
        common.read(renders_svc.get_job, actor, job_id)
    except PublisherError:  # gone (another organisation's id in a stale session)
        st.session_state.pop(VIDEO_JOB, None)
        return
    render_jobs.live_jobs(
        actor,
        lambda: common.read(renders_svc.jobs_board, actor, [job_id], common.lang()),
        key="st_v",
        active_note=t("ui.studio.queued_note"),
        preview_width=640,
    )


def _details(asset_id: int, title: str, tags: list[str]) -> None:
    """Rename an item and edit its tags (a small form in a popover)."""
    with st.popover(t("ui.media.edit"), icon=":material/edit:", width="stretch"):
        with st.form(f"st_meta_{asset_id}", border=False):
            new_title = st.text_input(t("ui.media.title"), value=title, max_chars=255)
            new_tags = st.text_input(t("ui.media.tags"), value=", ".join(tags))
            if st.form_submit_button(t("ui.media.save"), type="primary"):
                done = common.write(
                    media_svc.set_details,
                    actor,
                    asset_id,
                    new_title,
                    new_tags.split(","),
                    success=t("ui.media.saved", id=asset_id),
                )
                if done is not None:
                    st.rerun()


def _spooled(upload: object, folder: Path) -> Path:
    """An uploaded file written to ``folder`` under its own name's extension."""
    name = Path(str(getattr(upload, "name", "upload.png"))).name
    path = folder / name
    path.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
    return path


tab_info, tab_video, tab_lib, tab_brand = st.tabs(
    [
        t("ui.studio.tab_infographic"),
        t("ui.studio.tab_video"),
        t("ui.studio.tab_library"),
        t("ui.studio.tab_brand"),
    ]
)

with tab_info:
    left, right = st.columns([1, 1.1], gap="large")
    with left:
        template = st.selectbox(
            t("ui.studio.template"),
            list(studio.TEMPLATE_NAMES),
            key="st_template",
            format_func=lambda k: t(f"ui.template.{k}"),
        )
        fields: dict[str, object] = {}
        for name in studio.template_fields(template):
            if name in SKIP:
                continue
            label = t(f"ui.studio.field.{name}")
            key = f"st_{template}_{name}"
            if name in DATE_FIELDS:
                day = st.date_input(label, value=None, format="DD/MM/YYYY", key=key)
                if day:
                    fields[name] = common.fmt_day(day)
            elif name == "stats":
                raw = st.text_area(
                    label,
                    key=key,
                    help=t("ui.studio.stats_help"),
                    value="Doanh nghiệp tham gia=120\nSáng kiến=45\nXã số hóa=30",
                )
                fields[name] = [line for line in raw.splitlines() if line.strip()]
            elif name == "data":
                raw = st.text_area(
                    label,
                    key=key,
                    help=t("ui.studio.data_help"),
                    value="Quý I=12.450\nQuý II=18.320\nQuý III=25.100",
                )
                fields[name] = [line for line in raw.splitlines() if line.strip()]
            elif name == "kind":
                fields[name] = st.selectbox(
                    label,
                    ["bar", "line", "donut"],
                    key=key,
                    format_func=lambda k: t(f"ui.studio.chart_kind.{k}"),
                )
            elif name in LONG:
                fields[name] = st.text_area(label, key=key, height=80)
            else:
                fields[name] = st.text_input(label, key=key)
        hashtag = st.text_input(
            t("ui.studio.hashtag"), key="st_hashtag", placeholder="#ChuyenDoiSo"
        )
        clean = {k: v for k, v in fields.items() if v}
    with right:
        if not clean.get("title"):
            st.info(t("ui.studio.fill_title"), icon=":material/edit:")
        else:
            try:
                png = common.read(
                    studio.preview_infographic, actor, template, clean, hashtag=hashtag
                )
            except PublisherError as exc:
                common.show_error(exc)
            else:
                st.image(png, caption=t("ui.studio.preview"), width="stretch")
                if can_create and st.button(
                    t("ui.studio.save"), type="primary", icon=":material/save:", key="st_save"
                ):
                    asset = common.write(
                        media_svc.render_infographic_asset,
                        actor,
                        template,
                        clean,
                        hashtag=hashtag,
                        title=str(clean.get("title", ""))[:120],
                    )
                    if asset is not None:
                        st.success(t("ui.studio.saved", id=asset.id))


def _music(key: str) -> str:
    return str(
        st.selectbox(
            t("ui.studio.video_music"),
            list(renders_svc.MUSIC_CHOICES),
            index=1 if len(renders_svc.MUSIC_CHOICES) > 1 else 0,
            key=key,
            format_func=lambda k: t(f"media.music.{k}"),
            help=t("ui.studio.video_music_help"),
        )
    )


def _motion_tab() -> None:
    """A motion-graphic clip of the card being designed in the infographic tab."""
    st.caption(t("ui.studio.video_motion_help"))
    m1, m2, m3 = st.columns(3)
    m_size = m1.selectbox(
        t("ui.studio.video_size"), ["9:16", "4:5", "1:1", "16:9"], key="st_m_size",
        help=t("ui.studio.video_size_help"),
    )  # fmt: skip
    m_secs = m2.slider(
        t("ui.studio.video_motion_seconds"), 4.0, 20.0, 10.0, 1.0, key="st_m_secs", format="%.0f"
    )
    with m3:
        m_music = _music("st_m_music")
    if not clean.get("title"):
        st.info(t("ui.studio.video_need_title"), icon=":material/edit:")
        return
    if st.button(t("ui.studio.render_video"), type="primary", icon=":material/movie:",
                 key="st_m_go"):  # fmt: skip
        queued = common.write(
            renders_svc.enqueue_motion, actor, template, clean,
            size=renders_svc.VIDEO_SIZES[m_size], seconds=m_secs, music=m_music,
            hashtag=hashtag.strip(),
        )  # fmt: skip
        if queued is not None:
            st.session_state[VIDEO_JOB] = queued.id


def _slides_tab() -> None:
    """A slideshow of library images (captions, zoom, music, a motion opener)."""
    if can_create:  # the event's own photos, straight into the clip
        fresh = uploads.upload_field(actor, "st_v_upload")
        if fresh:
            picked = list(st.session_state.get("st_v_images", []))
            st.session_state["st_v_images"] = picked + [i for i in fresh if i not in picked]
    images = common.read(media_svc.list_assets, actor, kind="image", limit=200)
    if not_images := [
        i for i in st.session_state.get("st_v_images", []) if i not in {a.id for a in images}
    ]:
        st.session_state["st_v_images"] = [
            i for i in st.session_state["st_v_images"] if i not in not_images
        ]  # an uploaded clip is not an image for the slideshow
    if not can_create:
        st.info(t("ui.no_access"))
    elif not images:
        st.info(t("ui.studio.no_images"))
    else:
        names = {a.id: media_svc.display_name(a) for a in images}
        chosen = st.multiselect(
            t("ui.studio.video_images"),
            list(names),
            format_func=lambda i: names.get(i, str(i)),
            key="st_v_images",
            placeholder=t("ui.compose.media_placeholder"),
        )
        v1, v2 = st.columns(2)
        v_title = v1.text_input(t("ui.studio.field.title"), key="st_v_title")
        v_sub = v2.text_input(t("ui.studio.field.subtitle"), key="st_v_sub")
        v_tag = st.text_input(
            t("ui.studio.hashtag"), key="st_v_hashtag", placeholder="#ChuyenDoiSo"
        )
        secs = st.slider(t("ui.studio.seconds"), 1.0, 8.0, 3.0, 0.5, key="st_v_secs")
        o1, o2 = st.columns(2)
        v_size = o1.selectbox(
            t("ui.studio.video_size"),
            ["9:16", "4:5", "1:1", "16:9"],
            index=2,
            key="st_v_size",
            help=t("ui.studio.video_size_help"),
        )
        v_zoom = o2.checkbox(t("ui.studio.video_zoom"), key="st_v_zoom")
        o3, o4 = st.columns(2)
        with o3:
            v_music = _music("st_v_music")
        v_motion = o4.checkbox(t("ui.studio.video_opener"), value=True, key="st_v_motion")
        v_caps = st.text_area(
            t("ui.studio.video_captions"), key="st_v_caps", help=t("ui.studio.video_captions_help")
        )
        if st.button(
            t("ui.studio.render_video"),
            type="primary",
            icon=":material/movie:",
            key="st_v_go",
            disabled=not chosen,
        ):
            # The worker renders it (the page never blocks on ffmpeg); the same request twice
            # returns the job already queued.
            queued = common.write(
                renders_svc.enqueue_video,
                actor,
                [c for c in chosen if c],
                title=v_title,
                subtitle=v_sub,
                seconds_per_image=secs,
                campaign=v_tag.strip(),
                hashtag=v_tag.strip(),
                size=renders_svc.VIDEO_SIZES[v_size],
                zoom=v_zoom,
                captions=v_caps.splitlines(),
                music=v_music,
                motion=v_motion,
            )
            if queued is not None:
                st.session_state[VIDEO_JOB] = queued.id
        job_id = st.session_state.get(VIDEO_JOB)
        if job_id:
            _video_job(int(job_id))


with tab_video:
    mode = st.radio(
        t("ui.studio.video_mode"), ["slides", "motion"], horizontal=True, key="st_v_mode",
        format_func=lambda k: t(f"ui.studio.video_mode.{k}"),
    )  # fmt: skip
    if mode == "slides":
        _slides_tab()
    elif not can_create:
        st.info(t("ui.no_access"))
    else:
        _motion_tab()
        if job := st.session_state.get(VIDEO_JOB):
            _video_job(int(job))

with tab_lib:
    f1, f2 = st.columns([3, 1])
    search = f1.text_input(
        t("ui.studio.search"), key="st_search", placeholder=t("ui.studio.search_placeholder")
    )
    kind = f2.selectbox(
        t("ui.studio.kind"),
        [None, "image", "video"],
        key="st_kind",
        format_func=lambda k: t(f"ui.studio.kind_{k or 'all'}"),
    )
    if can_create:
        uploads.upload_field(actor, "st_upload")
    assets, dups = common.read(media_svc.library_page, actor, search=search, kind=kind, limit=60)
    if not assets:
        st.info(t("ui.studio.library_empty"))
    grid = st.columns(4)
    for i, asset in enumerate(assets):
        with grid[i % 4].container(border=True):
            uploads.thumb(asset)
            label = media_svc.countdown_label(asset)
            st.markdown(
                f"**#{asset.id}**"
                + (f" :orange-badge[{label}]" if label else "")
                + f" {common.esc(asset.title)[:60]}"
            )
            size = f"{asset.width}×{asset.height}" if asset.width else ""
            kb = f"{common.fmt_int(round(asset.bytes / 1024))} KB"
            st.caption(" · ".join(p for p in (size, kb, common.fmt_dt(asset.created_at)) if p))
            if asset.tags:
                st.markdown(" ".join(f":blue-badge[{common.esc(tag)}]" for tag in asset.tags))
            if can_create and asset.id is not None:
                _details(asset.id, asset.title, asset.tags)
            if asset.kind in ("image", "video") and can_create:
                with st.expander(t("ui.studio.alt_text"), icon=":material/accessibility:"):
                    alt = st.text_area(
                        t("ui.studio.alt_text"),
                        value=asset.alt_text,
                        key=f"st_alt_{asset.id}",
                        max_chars=media_svc.ALT_TEXT_MAX,
                        help=t("ui.studio.alt_help"),
                        label_visibility="collapsed",
                    )
                    if st.button(t("ui.studio.alt_save"), key=f"st_alt_save_{asset.id}"):
                        common.write(
                            media_svc.set_alt_text,
                            actor,
                            int(asset.id or 0),
                            alt,
                            success=t("ui.studio.alt_saved"),
                        )
            near = dups.get(asset.id or 0) or []
            if near:
                st.warning(
                    t("ui.studio.duplicates", ids=", ".join(f"#{o.id}" for o, _ in near)),
                    icon=":material/content_copy:",
                )

with tab_brand:
    if actor.org_id is None:
        st.info(t("ui.brand.no_org"))
    else:
        kit = common.read(brandkit.describe, actor, actor.org_id)
        st.markdown(t("ui.brand.intro"))
        st.caption(
            t(
                "ui.brand.marks",
                logo=f"#{kit['logo_asset_id']}" if kit["logo_asset_id"] else t("ui.brand.no_mark"),
                emblem=f"#{kit['emblem_asset_id']}"
                if kit["emblem_asset_id"]
                else t("ui.brand.no_mark"),
            )
        )
        for check in kit["contrast"]:
            line = t(
                "brand.cli.check",
                pair=t(f"brand.pair.{check['pair']}"),
                ratio=f"{check['ratio']:.1f}",
                required=f"{check['required']:.1f}",
                px=check["smallest_px"],
            ).strip()
            if check["adjusted"]:
                st.warning(f"{line} — {check['reason']}", icon=":material/contrast:")
            else:
                st.caption(f"✓ {line}")
        if actor.can("campaign.manage"):
            with st.form("st_brand"):
                presets = ["", "government-red", "default"]
                preset = st.selectbox(
                    t("ui.brand.preset"),
                    presets,
                    key="st_brand_preset",
                    format_func=lambda k: t(f"ui.brand.preset.{k or 'keep'}"),
                )
                c1, c2 = st.columns(2)
                primary = c1.color_picker(
                    t("ui.brand.primary"), value=kit["primary"], key="st_brand_primary"
                )
                accent = c2.color_picker(
                    t("ui.brand.accent"), value=kit["accent"], key="st_brand_accent"
                )
                texts = {
                    key: st.text_input(
                        t(f"brand.cli.{key}"),
                        value=kit[key],
                        key=f"st_brand_{key}",
                        max_chars=brandkit.TEXT_LIMITS[key],
                    )
                    for key in brandkit.TEXT_LIMITS
                }
                u1, u2 = st.columns(2)
                logo_file = u1.file_uploader(
                    t("ui.brand.logo"), type=["png", "jpg", "jpeg", "webp"], key="st_brand_logo"
                )
                emblem_file = u2.file_uploader(
                    t("ui.brand.emblem"), type=["png", "jpg", "jpeg", "webp"],
                    key="st_brand_emblem",
                )  # fmt: skip
                if st.form_submit_button(t("ui.brand.save"), type="primary"):
                    colours_changed = (primary.upper(), accent.upper()) != (
                        kit["primary"].upper(),
                        kit["accent"].upper(),
                    )
                    with tempfile.TemporaryDirectory(prefix="brand-") as tmp:
                        # The service checks and stores files by path (as the CLI does).
                        marks = {
                            name: _spooled(upload, Path(tmp))
                            for name, upload in (("logo", logo_file), ("emblem", emblem_file))
                            if upload is not None
                        }
                        saved = common.write(
                            brandkit.update,
                            actor,
                            actor.org_id,
                            preset=preset or None,
                            primary=primary if colours_changed and not preset else None,
                            accent=accent if colours_changed and not preset else None,
                            texts=dict(texts),
                            success=t("ui.brand.saved"),
                            **marks,
                        )
                    if saved is not None:
                        st.rerun()  # show the checks of the kit just saved

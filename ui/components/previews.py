"""How a post will look on each platform: a Facebook post card, a Telegram channel message
bubble and the webhook's JSON payload.

User text is always escaped (``html.escape``) before it enters the HTML of a card.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from publisher.i18n import t
from ui.common import esc

_URL = re.compile(r"(https?://[^\s<]+)")
_TAG = re.compile(r"(^|\s)(#[\w\u00C0-\u1EF9]+)")

CSS = """
<style>
.pv-card{background:#fff;border:1px solid #dadde1;border-radius:10px;max-width:500px;
 font-family:Helvetica,Arial,sans-serif;color:#050505;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.pv-fb-head{display:flex;align-items:center;gap:10px;padding:12px 16px 4px}
.pv-avatar{width:40px;height:40px;border-radius:50%;background:#0B3D91;color:#fff;
 display:flex;align-items:center;justify-content:center;font-weight:700}
.pv-fb-name{font-weight:600;font-size:15px}.pv-fb-meta{color:#65676b;font-size:13px}
.pv-fb-text{padding:4px 16px 12px;font-size:15px;line-height:1.35;white-space:pre-wrap;
 word-wrap:break-word}
.pv-fb-img{width:100%;display:block}.pv-fb-bar{display:flex;justify-content:space-around;
 border-top:1px solid #ced0d4;margin:0 12px;padding:6px 0;color:#65676b;font-size:14px;
 font-weight:600}
.pv-link{color:#216fdb;text-decoration:none}.pv-tag{color:#216fdb}
.pv-tg{background:#8bb3d6;background-image:linear-gradient(160deg,#9fc3a0 0%,#7fb0cf 100%);
 padding:18px;border-radius:10px;max-width:460px}
.pv-tg-bubble{background:#fff;border-radius:12px 12px 12px 4px;max-width:400px;
 overflow:hidden;box-shadow:0 1px 1px rgba(0,0,0,.15);font-family:Roboto,Arial,sans-serif}
.pv-tg-name{color:#3a8ad0;font-weight:600;font-size:14px;padding:8px 12px 0}
.pv-tg-text{padding:4px 12px 4px;font-size:14.5px;line-height:1.4;white-space:pre-wrap;
 word-wrap:break-word;color:#000}
.pv-tg-meta{text-align:right;color:#8e9aa6;font-size:12px;padding:0 10px 6px}
.pv-tg-img{width:100%;display:block}
.pv-video{background:#111;color:#fff;padding:40px 0;text-align:center;font-size:14px}
.pv-zl{background:#e2e9f3;padding:16px;border-radius:10px;max-width:460px;
 font-family:Roboto,Arial,sans-serif}
.pv-zl-head{display:flex;align-items:center;gap:8px;margin-bottom:8px}
.pv-zl-logo{width:32px;height:32px;border-radius:50%;background:#0068ff;color:#fff;
 font-weight:700;font-size:13px;display:flex;align-items:center;justify-content:center}
.pv-zl-name{font-weight:600;font-size:14px;color:#081c36}
.pv-zl-oa{font-size:11px;color:#fff;background:#0068ff;border-radius:3px;padding:0 4px;
 margin-left:4px}
.pv-zl-card{background:#fff;border-radius:8px;overflow:hidden;max-width:400px;
 box-shadow:0 1px 2px rgba(0,0,0,.12)}
.pv-zl-text{padding:10px 12px;font-size:14.5px;line-height:1.45;white-space:pre-wrap;
 word-wrap:break-word;color:#081c36}
.pv-zl-img{width:100%;display:block}
.pv-zl-btn{border-top:1px solid #e4e8ec;text-align:center;padding:9px;color:#0068ff;
 font-weight:600;font-size:14px}
.pv-zl-meta{font-size:11.5px;color:#7589a3;padding:4px 2px 0}
.pv-vid{position:relative;background:#000}.pv-vid img{width:100%;display:block;opacity:.92}
.pv-play{position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);width:56px;
 height:56px;border-radius:50%;background:rgba(0,0,0,.55);color:#fff;font-size:24px;
 display:flex;align-items:center;justify-content:center;border:2px solid #fff}
.pv-dur{position:absolute;right:8px;bottom:8px;background:rgba(0,0,0,.7);color:#fff;
 font-size:12px;padding:1px 6px;border-radius:4px;font-family:Arial,sans-serif}
</style>
"""


def _rich(text: str) -> str:
    """Escape, then colour links and hashtags as the platforms do."""
    out = esc(text)
    out = _URL.sub(r'<span class="pv-link">\1</span>', out)
    return _TAG.sub(r'\1<span class="pv-tag">\2</span>', out)


def _img(path: Path, css: str) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return f'<img class="{css}" src="data:{mime};base64,{base64.b64encode(data).decode()}"/>'


def duration_text(seconds: float | None) -> str:
    """0:45, 1:05:30; "" when unknown."""
    if not seconds:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _video(path: Path, videos: Mapping[Path, Any]) -> str:
    """The clip as the platforms show it before it plays: its poster frame, a play button
    and its length (never the stored file's name, a hash)."""
    info = videos.get(path)
    poster = getattr(info, "poster", None)
    length = esc(duration_text(getattr(info, "duration", None)))
    badge = f'<span class="pv-dur">{length}</span>' if length else ""
    if poster is None:
        label = esc(t("ui.preview.video"))
        return f'<div class="pv-video">▶ {label}{" · " + length if length else ""}</div>'
    return f'<div class="pv-vid">{_img(poster, "")}<span class="pv-play">▶</span>{badge}</div>'


def _media_html(
    media: Sequence[tuple[str, Path]], css: str, videos: Mapping[Path, Any] | None = None
) -> str:
    parts = []
    for kind, path in media[:4]:
        if kind == "image":
            parts.append(_img(path, css))
        else:
            parts.append(_video(path, videos or {}))
    return "".join(parts)


def facebook_card(
    page_name: str,
    text: str,
    when: str,
    media: Sequence[tuple[str, Path]] = (),
    videos: Mapping[Path, Any] | None = None,
) -> None:
    initials = esc("".join(w[0] for w in page_name.split()[:2]).upper() or "F")
    st.html(
        CSS
        + f"""
<div class="pv-card">
 <div class="pv-fb-head"><div class="pv-avatar">{initials}</div>
  <div><div class="pv-fb-name">{esc(page_name)}</div>
  <div class="pv-fb-meta">{esc(when)} · {esc(t("ui.preview.public"))}</div></div></div>
 <div class="pv-fb-text">{_rich(text)}</div>
 {_media_html(media, "pv-fb-img", videos)}
 <div class="pv-fb-bar"><span>{esc(t("ui.preview.like"))}</span>
  <span>{esc(t("ui.preview.comment"))}</span><span>{esc(t("ui.preview.share"))}</span></div>
</div>"""
    )


def telegram_bubble(
    channel_name: str,
    text: str,
    when: str,
    media: Sequence[tuple[str, Path]] = (),
    videos: Mapping[Path, Any] | None = None,
) -> None:
    st.html(
        CSS
        + f"""
<div class="pv-tg"><div class="pv-tg-bubble">
 {_media_html(media, "pv-tg-img", videos)}
 <div class="pv-tg-name">{esc(channel_name)}</div>
 <div class="pv-tg-text">{_rich(text)}</div>
 <div class="pv-tg-meta">{esc(when)} ✓✓</div>
</div></div>"""
    )


def zalo_card(
    oa_name: str,
    text: str,
    when: str,
    media: Sequence[tuple[str, Path]] = (),
    videos: Mapping[Path, Any] | None = None,
    link: str | None = None,
) -> None:
    """A Zalo Official Account message as followers see it: the OA's name, the picture, the
    text and the link as a button."""
    button = f'<div class="pv-zl-btn">{esc(t("ui.preview.zalo_open"))}</div>' if link else ""
    st.html(
        CSS
        + f"""
<div class="pv-zl">
 <div class="pv-zl-head"><div class="pv-zl-logo">OA</div>
  <div class="pv-zl-name">{esc(oa_name)}<span class="pv-zl-oa">OA</span></div></div>
 <div class="pv-zl-card">
  {_media_html(media[:1], "pv-zl-img", videos)}
  <div class="pv-zl-text">{_rich(text)}</div>
  {button}
 </div>
 <div class="pv-zl-meta">{esc(when)}</div>
</div>"""
    )


def webhook_payload(payload_json: str) -> None:
    st.caption(t("ui.preview.webhook_caption"))
    st.code(payload_json, language="json")

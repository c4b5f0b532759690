"""How a post will look on a channel, by its connector's preview kind: a feed post card
(``card``, Facebook's look), a chat message bubble (``bubble``, Telegram's), the JSON body
sent (``payload``, webhooks) or an article with its broadcast (``article``, a Zalo OA).

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
.pv-za{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;
 font-family:Roboto,"Segoe UI",Arial,sans-serif}
.pv-za-art{background:#fff;border:1px solid #e4e6eb;border-radius:8px;width:360px;
 max-width:100%;overflow:hidden;color:#081c36}
.pv-za-oa{display:flex;align-items:center;gap:8px;padding:10px 12px;font-size:14px;
 font-weight:600}
.pv-za-av{width:32px;height:32px;border-radius:50%;background:#0068ff;color:#fff;
 display:flex;align-items:center;justify-content:center;font-weight:700;font-size:13px}
.pv-za-ok{background:#0068ff;color:#fff;border-radius:50%;width:14px;height:14px;
 font-size:10px;display:inline-flex;align-items:center;justify-content:center}
.pv-za-cover{width:100%;aspect-ratio:1200/630;object-fit:cover;display:block;
 background:#e9eef5}
.pv-za-title{font-size:19px;font-weight:700;line-height:1.3;padding:12px 14px 4px}
.pv-za-by{color:#7589a3;font-size:12.5px;padding:0 14px 8px}
.pv-za-body{font-size:15px;line-height:1.5;padding:0 14px 12px;color:#081c36}
.pv-za-body p{margin:0 0 8px}
.pv-za-foot{border-top:1px solid #e4e6eb;color:#7589a3;font-size:13px;padding:8px 14px}
.pv-za-chat{background:#e2e9f1;border-radius:8px;padding:14px;width:330px;max-width:100%}
.pv-za-day{text-align:center;color:#7589a3;font-size:12px;margin-bottom:8px}
.pv-za-row{display:flex;gap:8px;align-items:flex-end}
.pv-za-msg{background:#fff;border-radius:10px;overflow:hidden;width:250px;
 box-shadow:0 1px 1px rgba(0,0,0,.1)}
.pv-za-mtitle{font-weight:700;font-size:15px;padding:8px 10px 2px;color:#081c36}
.pv-za-mdesc{color:#5a6981;font-size:13px;padding:0 10px 8px;display:-webkit-box;
 -webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.pv-za-btn{border-top:1px solid #e4e6eb;color:#0068ff;text-align:center;font-weight:600;
 font-size:14px;padding:8px}
.pv-za-none{color:#5a6981;font-size:13px;width:330px}
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


def _media_html(media: Sequence[tuple[str, Path]], css: str) -> str:
    parts = []
    for kind, path in media[:4]:
        if kind == "image":
            parts.append(_img(path, css))
        else:
            parts.append(f'<div class="pv-video">▶ {esc(path.name)}</div>')
    return "".join(parts)


def feed_card(page_name: str, text: str, when: str, media: Sequence[tuple[str, Path]] = ()) -> None:
    initials = esc("".join(w[0] for w in page_name.split()[:2]).upper() or "F")
    st.html(
        CSS
        + f"""
<div class="pv-card">
 <div class="pv-fb-head"><div class="pv-avatar">{initials}</div>
  <div><div class="pv-fb-name">{esc(page_name)}</div>
  <div class="pv-fb-meta">{esc(when)} · {esc(t("ui.preview.public"))}</div></div></div>
 <div class="pv-fb-text">{_rich(text)}</div>
 {_media_html(media, "pv-fb-img")}
 <div class="pv-fb-bar"><span>{esc(t("ui.preview.like"))}</span>
  <span>{esc(t("ui.preview.comment"))}</span><span>{esc(t("ui.preview.share"))}</span></div>
</div>"""
    )


def chat_bubble(
    channel_name: str, text: str, when: str, media: Sequence[tuple[str, Path]] = ()
) -> None:
    st.html(
        CSS
        + f"""
<div class="pv-tg"><div class="pv-tg-bubble">
 {_media_html(media, "pv-tg-img")}
 <div class="pv-tg-name">{esc(channel_name)}</div>
 <div class="pv-tg-text">{_rich(text)}</div>
 <div class="pv-tg-meta">{esc(when)} ✓✓</div>
</div></div>"""
    )


def _cover(media: Sequence[tuple[str, Path]]) -> str:
    for kind, path in media:
        if kind == "image":
            return _img(path, "pv-za-cover")
        return f'<div class="pv-video">▶ {esc(path.name)}</div>'
    return '<div class="pv-za-cover"></div>'


def article(
    oa_name: str, info: Mapping[str, Any], when: str, media: Sequence[tuple[str, Path]] = ()
) -> None:
    """The article as a reader opens it, and — when the channel broadcasts — the message a
    follower receives in the OA's chat (cover, title, description, "Xem chi tiết")."""
    st.html(article_html(oa_name, info, when, media))


def article_html(
    oa_name: str, info: Mapping[str, Any], when: str, media: Sequence[tuple[str, Path]] = ()
) -> str:
    """The HTML of :func:`article` (user text escaped)."""
    initials = esc("".join(w[0] for w in oa_name.split()[:2]).upper() or "Z")
    cover = _cover(media)
    paragraphs = "".join(f"<p>{_rich(p)}</p>" for p in info.get("paragraphs") or [])
    by = " · ".join(x for x in (str(info.get("author") or ""), when) if x)
    if info.get("broadcast"):
        message = f"""
<div class="pv-za-chat"><div class="pv-za-day">{esc(when)}</div>
 <div class="pv-za-row"><div class="pv-za-av">{initials}</div>
  <div class="pv-za-msg">{cover}
   <div class="pv-za-mtitle">{esc(str(info.get("title") or ""))}</div>
   <div class="pv-za-mdesc">{esc(str(info.get("description") or ""))}</div>
   <div class="pv-za-btn">{esc(t("ui.preview.zalo_open"))}</div></div></div></div>"""
    else:
        message = f'<div class="pv-za-none">{esc(t("ui.preview.zalo_no_broadcast"))}</div>'
    return (
        CSS
        + f"""
<div class="pv-za">
 <div class="pv-za-art">
  <div class="pv-za-oa"><div class="pv-za-av">{initials}</div>{esc(oa_name)}
   <span class="pv-za-ok">✓</span></div>
  {cover}
  <div class="pv-za-title">{esc(str(info.get("title") or ""))}</div>
  <div class="pv-za-by">{esc(by)}</div>
  <div class="pv-za-body">{paragraphs}</div>
  <div class="pv-za-foot">{esc(t("ui.preview.zalo_footer"))}</div>
 </div>
 {message}
</div>"""
    )


def json_payload(payload_json: str) -> None:
    st.caption(t("ui.preview.webhook_caption"))
    st.code(payload_json, language="json")


def show(
    preview: str,
    name: str,
    text: str,
    when: str,
    media: Sequence[tuple[str, Path]] = (),
    payload: str = "",
    info: Mapping[str, Any] | None = None,
) -> None:
    """Draw one channel's preview in its kind's look (a card for an unknown kind)."""
    if preview == "bubble":
        chat_bubble(name, text, when, media)
    elif preview == "payload":
        json_payload(payload)
    elif preview == "article" and info:
        article(name, info, when, media)
    else:
        feed_card(name, text, when, media)

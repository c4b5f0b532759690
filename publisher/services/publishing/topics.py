"""Themes and target groups of posts (and of manual activities): the plan's breakdowns.

A post carries any number of themes (KH&CN, ĐMST, CĐS) and target groups (cán bộ, doanh
nghiệp, người dân, ...), stored one row each in :class:`PostTag`. Values are short codes;
:func:`parse_themes` and :func:`parse_audiences` also accept the Vietnamese labels and
abbreviations people type in a form or a CSV column ("KH&CN", "Doanh nghiệp").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, delete, select

from publisher.errors import InvalidInput
from publisher.models import PostTag

THEME, AUDIENCE = "theme", "audience"
#: khcn: khoa học và công nghệ; dmst: đổi mới sáng tạo; cds: chuyển đổi số.
THEMES: tuple[str, ...] = ("khcn", "dmst", "cds")
#: officials: cán bộ, công chức, viên chức; business: doanh nghiệp; citizens: người dân;
#: students: học sinh - sinh viên; scientists: nhà khoa học.
AUDIENCES: tuple[str, ...] = ("officials", "business", "citizens", "students", "scientists")

_ALIASES: dict[str, str] = {
    "khcn": "khcn",
    "khoahocvacongnghe": "khcn",
    "khoahoccongnghe": "khcn",
    "st": "khcn",
    "science": "khcn",
    "dmst": "dmst",
    "doimoisangtao": "dmst",
    "innovation": "dmst",
    "cds": "cds",
    "chuyendoiso": "cds",
    "digital": "cds",
    "digitaltransformation": "cds",
    "officials": "officials",
    "canbo": "officials",
    "canbocongchuc": "officials",
    "canbocongchucvienchuc": "officials",
    "congchuc": "officials",
    "business": "business",
    "businesses": "business",
    "doanhnghiep": "business",
    "citizens": "citizens",
    "nguoidan": "citizens",
    "public": "citizens",
    "students": "students",
    "hocsinh": "students",
    "sinhvien": "students",
    "hocsinhsinhvien": "students",
    "scientists": "scientists",
    "nhakhoahoc": "scientists",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def _split(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        out += [p for p in re.split(r"[;,|]", item or "") if p.strip()]
    return out


def _parse(values: str | Iterable[str] | None, allowed: Sequence[str], error: str) -> list[str]:
    found: list[str] = []
    for raw in _split(values):
        code = _ALIASES.get(_fold(raw))
        if code is None or code not in allowed:
            raise InvalidInput(error, value=raw.strip(), allowed=", ".join(allowed))
        if code not in found:
            found.append(code)
    return found


def parse_themes(values: str | Iterable[str] | None) -> list[str]:
    """Theme codes from codes or labels ("KH&CN; CĐS" -> ["khcn", "cds"]), in order, without
    repeats. Raises InvalidInput (``error.theme_invalid``) for anything else."""
    return _parse(values, THEMES, "error.theme_invalid")


def parse_audiences(values: str | Iterable[str] | None) -> list[str]:
    """Target-group codes from codes or labels; raises InvalidInput (``error.audience_invalid``)."""
    return _parse(values, AUDIENCES, "error.audience_invalid")


def write_post_tags(
    session: Session, post_id: int, themes: Sequence[str], audiences: Sequence[str]
) -> None:
    """Replace the post's tags with the given (already parsed) codes."""
    session.exec(delete(PostTag).where(col(PostTag.post_id) == post_id))  # type: ignore[call-overload]
    for kind, values in ((THEME, themes), (AUDIENCE, audiences)):
        for value in values:
            session.add(PostTag(post_id=post_id, kind=kind, value=value))
    session.flush()


def post_tags(session: Session, post_id: int) -> dict[str, list[str]]:
    """``{"themes": [...], "audiences": [...]}`` of one post, in the vocabulary's order."""
    rows = session.exec(select(PostTag).where(PostTag.post_id == post_id)).all()
    themes = [v for v in THEMES if any(r.kind == THEME and r.value == v for r in rows)]
    audiences = [v for v in AUDIENCES if any(r.kind == AUDIENCE and r.value == v for r in rows)]
    return {"themes": themes, "audiences": audiences}

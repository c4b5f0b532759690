"""Header cells of imported tables matched as people type them: Vietnamese or English,
with or without diacritics, any case, ``_`` or spaces (the S&T task register, the FAQ
knowledge base)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping


def fold(text: str) -> str:
    """Lower-case, accents removed (đ -> d), ``_`` read as a space, spaces collapsed: how
    headers are matched («Câu hỏi», «cau hoi» and «CAU_HOI» all fold to ``cau hoi``)."""
    text = unicodedata.normalize("NFD", str(text or "").strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.replace("_", " ").split())


def aliases(spellings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{column: [how people write it, ...]}`` -> ``{folded spelling: column}``; the column's
    own name is always one of its spellings."""
    out: dict[str, str] = {}
    for column, names in spellings.items():
        for name in (column, *names):
            out[fold(name)] = column
    return out

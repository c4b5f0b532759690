"""Header cells of imported tables matched as people type them: Vietnamese or English,
with or without diacritics, any case, ``_`` or spaces (the S&T task register, the FAQ
knowledge base, the plan of posts); and the separator of a CSV table, read from its header."""

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


def template_csv(label: str, columns: Iterable[str], lang: str | None = None) -> bytes:
    """An empty table to fill in: the header row with each column's name in ``lang``
    (``label``: a catalogue key with ``{column}``; Vietnamese by default), UTF-8 with a BOM
    so that Excel reads the diacritics."""
    from publisher.i18n import t

    names = [t(label.format(column=c), lang) for c in columns]
    return ("\ufeff" + ",".join(names) + "\r\n").encode("utf-8")


#: The separators a CSV header row may use: Excel writes ``;`` in a Vietnamese (or any
#: comma-decimal) locale, ``,`` elsewhere; a tab from a copy-paste.
DELIMITERS = (",", ";", "\t")


def delimiter(text: str) -> str:
    """The separator of a CSV table, read from its header row alone: the one of
    :data:`DELIMITERS` found most often outside quotes (``,`` on a tie or when there is
    none). Header cells are names, so unlike the cells below them (``Nghiên cứu, "Số hoá"``)
    they do not fool the count as ``csv.Sniffer`` is fooled by a body's quotes and commas."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text.lstrip("\ufeff"):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            break
        elif ch in counts and not quoted:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","

"""A long list shown a page at a time: «Trang x/y» with previous / next, the page in the URL.

The page number lives in ``st.query_params`` (``?trang=2``), like the filters of the audit log
and the calendar: a reload, a shared link or the back button open the same page. A number
that is not a page (``?trang=abc``, ``?trang=99``) opens the nearest page there is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from publisher.i18n import t

T = TypeVar("T")

#: Rows per page: short enough to scroll through on a 390 px phone.
PAGE_SIZE = 20
#: The URL's query parameter holding the page number (1 for the first page: no parameter).
PARAM = "trang"


@dataclass(frozen=True)
class Page:
    """Which page of ``total`` rows is shown (``number`` from 1 to ``pages``)."""

    number: int
    pages: int
    size: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    def of(self, rows: Sequence[T]) -> list[T]:
        """The rows of this page."""
        return list(rows[self.start : self.start + self.size])


def current(total: int, size: int = PAGE_SIZE, param: str = PARAM) -> Page:
    """The page the URL asks for, within the pages that ``total`` rows fill."""
    pages = max(1, -(-total // size))
    raw = str(st.query_params.get(param, "1"))
    number = int(raw) if raw.isdigit() else 1
    return Page(min(max(number, 1), pages), pages, size)


def go(number: int, param: str = PARAM) -> None:
    """Open page ``number`` (the first page keeps the URL without the parameter)."""
    if number <= 1:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(number)


def reset(param: str = PARAM) -> None:
    """Back to the first page (a filter changed: the old page number means nothing now)."""
    go(1, param)


def controls(page: Page, key: str, param: str = PARAM) -> None:
    """«Trang x/y» between a previous and a next button; nothing when one page holds all."""
    if page.pages <= 1:
        return
    row = st.container(horizontal=True, vertical_alignment="center", key=f"{key}_pager")
    row.button(
        t("ui.pager.previous"),
        key=f"{key}_prev",
        icon=":material/chevron_left:",
        disabled=page.number <= 1,
        on_click=go,
        args=(page.number - 1, param),
    )
    row.markdown(t("ui.pager.page", page=page.number, pages=page.pages), width="content")
    row.button(
        t("ui.pager.next"),
        key=f"{key}_next",
        icon=":material/chevron_right:",
        icon_position="right",
        disabled=page.number >= page.pages,
        on_click=go,
        args=(page.number + 1, param),
    )

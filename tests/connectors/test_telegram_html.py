"""The connector's HTML escaping always satisfies the Bot API's entity parser (emulated)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from connectors.sandbox.botapi import plain_text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_escaped_user_text_parses_back_to_itself(text: str) -> None:
    shown, error = plain_text(html.escape(text, quote=False), "HTML")
    assert error is None
    assert shown == text


def test_unescaped_markup_is_refused() -> None:
    assert plain_text("a <script>", "HTML")[1] is not None
    assert plain_text("<b>đậm</b> &amp; <i>nghiêng</i>", "HTML") == ("đậm & nghiêng", None)

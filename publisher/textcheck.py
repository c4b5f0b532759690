"""Checks for short one-line texts typed by users: names and tags.

A name or tag is shown in lists, alerts, reports and terminals, so it may not hold control
characters (a newline splits a log line, an escape sequence repaints a terminal, NUL is
refused by PostgreSQL) nor invisible format characters (zero-width spaces, bidirectional
overrides that make one name look like another).
"""

from __future__ import annotations

import unicodedata

#: Unicode categories refused in names and tags: control, format, surrogate, private use,
#: unassigned.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def has_hidden_chars(text: str) -> bool:
    """Whether ``text`` holds a control or invisible format character. Raises nothing."""
    return any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in text)

"""User-facing text: one catalogue, Vietnamese first, English second.

Messages live in ``publisher/i18n/catalog/<area>.py`` modules, each exporting
``MESSAGES: dict[str, tuple[str, str]]`` mapping a key to ``(vietnamese, english)``. Keys are
dotted (``post.created``); placeholders use ``str.format`` names (``{channel}``).
Nothing user-facing is hard-coded elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from contextvars import ContextVar
from functools import cache
from typing import Any

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current: ContextVar[str] = ContextVar("publisher_language", default=DEFAULT_LANGUAGE)


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """All messages of every catalogue module, merged; duplicate keys are a bug."""
    from publisher.i18n import catalog

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(catalog.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        for key, value in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"duplicate i18n key {key!r} in {info.name}")
            merged[key] = value
    return merged


def set_language(lang: str) -> None:
    """Set the language for the current context (thread / task)."""
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def get_language() -> str:
    return _current.get()


def t_known(key: str, lang: str | None = None, /, **params: Any) -> str | None:
    """:func:`t`, or None when the catalogue has no ``key`` (for a label that falls back to
    something else: a stored code, another key)."""
    return t(key, lang, **params) if key in catalogue() else None


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """Translate ``key`` into ``lang`` (default: the context's language), filling ``params``.

    An unknown key returns the key itself so that a missing entry is visible, never a crash.
    """
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry[0] if (lang or _current.get()) == "vi" else entry[1]
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text

"""The publisher's own errors: each carries a catalogue key so it reaches the user translated."""

from __future__ import annotations

from typing import Any

from publisher.i18n import t


class PublisherError(Exception):
    """A user-facing failure: ``key`` names a catalogue entry, ``params`` fill it."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str | None = None) -> str:
        """The one-line message in ``lang`` (default: the current language)."""
        return t(self.key, lang, **self.params)


class NotFound(PublisherError):
    pass


class PermissionDenied(PublisherError):
    pass


class InvalidInput(PublisherError):
    pass


class InvalidTransition(PublisherError):
    pass


class Conflict(PublisherError):
    pass


class ValidationFailed(InvalidInput):
    """A post cannot be published on one or more channels; ``problems`` says why."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        super().__init__(
            "error.validation_failed",
            detail=problem_text(first) if first else "",
            count=len(problems),
        )

    def message(self, lang: str | None = None) -> str:
        return "; ".join(problem_text(p, lang) for p in self.problems)


def problem_text(problem: Any, lang: str | None = None) -> str:
    """A connector's :class:`~connectors.base.Problem` in the reader's language (its own
    message when the catalogue has no entry for its code)."""
    key = f"problem.{problem.code}"
    params = dict(problem.params)
    if params.get("setting"):
        params["setting"] = setting_label(str(params["setting"]), params.get("kind"), lang)
    text = t(key, lang, **params)
    return problem.message if text == key else text


def setting_label(key: str, kind: object = None, lang: str | None = None) -> str:
    """A channel setting's or credential's name as the channel form shows it (the kind's own
    wording, else the shared one), so a problem never names a raw key such as ``page_id``;
    the key itself when the catalogue has no name for it."""
    names = [f"ui.channels.field.{kind}.{key}"] if kind else []
    for name in [*names, f"ui.channels.field.{key}"]:
        text = t(name, lang)
        if text != name:
            return text
    return key

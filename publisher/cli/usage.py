"""Command-line usage errors as one line in the user's language.

Typer prints a parse error (an unknown option, a missing one, a value of the wrong type) as a
usage line, a hint and a boxed panel in English. Scripts read stderr's one line like every
other failure of ours, so the top-level group turns Click's usage errors into one translated
line («Lỗi cú pháp lệnh: ...») ending with where to look for help; the exit code stays
Click's 2. Help itself (``--help``, a bare group name) is untouched. Light on purpose, like
:mod:`publisher.cli.common`: only Click, Typer and the catalogue.
"""

from __future__ import annotations

import contextlib
import re
from typing import IO, Any

# Typer 0.29 carries its own copy of Click (typer._click): its parser raises these classes,
# not the ones of the separately installed ``click`` package.
from typer import _click as click
from typer.core import TyperGroup

from publisher.i18n import set_language, t


def _hint(exc: click.exceptions.BadParameter) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(hint)
    return str(hint or "").replace("'", "")


#: Click's "No such command 'x'." with its optional "Did you mean 'y'?" (both in English).
_NO_SUCH_COMMAND = re.compile(
    r"No such command '(?P<command>.*?)'\.(?: Did you mean '(?P<close>.*?)'\?)?"
)

#: Fragments of a parameter type's (English) complaint -> our words for it.
_REASONS = (
    ("valid integer", "cli.usage.reason_integer"),
    ("valid number", "cli.usage.reason_number"),
    ("valid float", "cli.usage.reason_number"),
    ("is not one of", "cli.usage.reason_choice"),
    ("does not exist", "cli.usage.reason_no_file"),
)


def describe(exc: click.exceptions.UsageError) -> str:
    """What went wrong, in words (the value or option named as typed)."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        return t("cli.usage.no_such_option", option=exc.option_name)
    if isinstance(exc, click.exceptions.MissingParameter):
        return t("cli.usage.missing", param=_hint(exc))
    if isinstance(exc, click.exceptions.BadParameter):
        # The reason comes from the parameter's type, in English: the common ones in words.
        reason = next((t(key) for mark, key in _REASONS if mark in exc.message), exc.message)
        return t("cli.usage.bad_value", param=_hint(exc), reason=reason)
    if isinstance(exc, click.exceptions.BadOptionUsage):
        return t("cli.usage.option_needs_value", option=exc.option_name)
    message = exc.format_message()
    unknown = _NO_SUCH_COMMAND.match(message)  # Typer's ctx.fail, no class of its own
    if unknown:
        text = t("cli.usage.no_such_command", command=unknown["command"])
        if unknown["close"]:
            text += "; " + t("cli.usage.did_you_mean", name=unknown["close"])
        return text
    if message.startswith("Got unexpected extra argument"):
        extra = message.rpartition("(")[2].rstrip(")")
        return t("cli.usage.extra_arguments", args=extra)
    return message


class OneLineUsageError(click.exceptions.UsageError):
    """A Click usage error that shows itself as one translated line."""

    def __init__(self, original: click.exceptions.UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.original = original
        self.exit_code = original.exit_code

    def line(self) -> str:
        path = self.ctx.command_path if self.ctx is not None else "publisher"
        return t("cli.usage.line", detail=describe(self.original), command=path)

    def show(self, file: IO[Any] | None = None) -> None:
        click.utils.echo(self.line().replace("\n", " "), err=True, file=file)


class OneLineErrorsGroup(TyperGroup):
    """The top-level group: every usage error below it becomes one translated line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Usage errors are shown by ``e.show()`` (ours), not Typer's boxed panel; --help keeps
        # its rich formatting (it reads ``self.rich_markup_mode``, not this argument).
        from typer.core import _main

        return _main(self, *args, **kwargs, rich_markup_mode=None)

    def make_context(self, *args: Any, **kwargs: Any) -> click.core.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.UsageError as exc:
            raise self._one_line(exc) from None

    def invoke(self, ctx: click.core.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            raise self._one_line(exc) from None

    @staticmethod
    def _one_line(exc: click.exceptions.UsageError) -> click.exceptions.UsageError:
        if isinstance(exc, OneLineUsageError) or type(exc).__name__ == "NoArgsIsHelpError":
            return exc  # a bare group name prints its help, as before
        from publisher.config import get_settings

        # Settings that cannot be read are reported by the command itself; the usage line
        # then stays in the default language.
        with contextlib.suppress(Exception):
            set_language(get_settings().language)
        return OneLineUsageError(exc)

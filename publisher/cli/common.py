"""Shared CLI plumbing: one-line errors in the user's language, JSON output, the admin actor."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import PublisherError
from publisher.i18n import set_language, t
from publisher.services.actor import Actor
from publisher.timeutil import TimeParseError

F = TypeVar("F", bound=Callable[..., Any])

#: The CLI runs on the server with administrator rights, recorded as such in the audit log.
CLI_ACTOR = Actor.system("cli:admin")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit non-zero."""
    typer.echo(message.replace("\n", " "), err=True)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn every expected failure into one translated line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        set_language(get_settings().language)
        try:
            return fn(*args, **kwargs)
        except PublisherError as exc:
            fail(exc.message())
        except TimeParseError as exc:
            fail(t("error.time_invalid", value=str(exc)))
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
            if "no such table" in text or "does not exist" in text:
                fail(t("error.schema_outdated"))
            fail(t("error.database_unreachable", detail=text.splitlines()[0][:200]))

    return wrapper  # type: ignore[return-value]


@contextmanager
def admin_session() -> Iterator[tuple[Session, Actor]]:
    with session_scope() as session:
        yield session, CLI_ACTOR


def emit(data: Any, as_json: bool, human: str | Callable[[], str] | None = None) -> None:
    """Print ``data`` as JSON, or the human-readable text."""
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    text = human() if callable(human) else human
    if text is None:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    typer.echo(text)


def parse_kv(pairs: list[str] | None, option: str) -> dict[str, str]:
    """``["a=1", "b=2"]`` -> dict; raises PublisherError for an item without '='."""
    out: dict[str, str] = {}
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PublisherError("error.bad_option", detail=f"{option} {item}")
        out[key.strip()] = value.strip()
    return out

"""Shared CLI plumbing: one-line errors in the user's language, JSON output, the admin actor."""

from __future__ import annotations

import functools
import json
import os
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


#: Largest secret read from a file, standard input or the environment (tokens are < 1 KB).
SECRET_MAX_BYTES = 64 * 1024


def secret_value(
    value: str | None, file: str | None, env: str | None, *, option: str
) -> str | None:
    """The secret of ``option`` (``--token``) from at most one source: the value itself
    (``--token VALUE``, visible in ``ps`` and shell history), a file (``--token-file PATH``;
    ``-`` reads standard input) or an environment variable (``--token-env VAR``). Whitespace
    around a read secret (a file's final newline) is dropped. ``None`` when none is given.

    Raises PublisherError (one line) for two sources at once, an unreadable, over-long or
    non-UTF-8 file, an unset variable, and an empty secret read from a file or variable.
    """
    if sum(x is not None for x in (value, file, env)) > 1:
        raise PublisherError("error.secret_sources", option=option)
    if value is not None:
        return value
    if file is not None:
        raw = _read_secret_file(file, option)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PublisherError("error.secret_file_unreadable", option=option, path=file) from None
        source = t("cli.secret_stdin") if file == "-" else file
    elif env is not None:
        if env not in os.environ:
            raise PublisherError("error.secret_env_unset", option=option, var=env)
        text, source = os.environ[env], f"${env}"
        if len(text.encode("utf-8", "surrogateescape")) > SECRET_MAX_BYTES:
            raise PublisherError("error.secret_too_long", option=option, path=source)
    else:
        return None
    text = text.strip()
    if not text:
        raise PublisherError("error.secret_empty", option=option, path=source)
    return text


def _read_secret_file(path: str, option: str) -> bytes:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(SECRET_MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                raw = fh.read(SECRET_MAX_BYTES + 1)
    except FileNotFoundError:
        raise PublisherError("error.secret_file_missing", option=option, path=path) from None
    except (OSError, ValueError):  # a directory, no permission, a closed stdin
        raise PublisherError("error.secret_file_unreadable", option=option, path=path) from None
    if len(raw) > SECRET_MAX_BYTES:
        raise PublisherError("error.secret_too_long", option=option, path=path)
    return raw

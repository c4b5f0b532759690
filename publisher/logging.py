"""Logging setup: plain lines, or one JSON object per line (``PUBLISHER_LOG_JSON=1``).

Whatever the format, secrets never reach a log: every record's message, arguments,
exception text and extra fields pass through :func:`redact`, which removes

* every value registered with :func:`register_secret` (credentials are registered as they
  are encrypted or decrypted, and the configured secret key and database password here);
* tokens in the shapes platforms use even when never registered: Telegram bot tokens in
  URLs (``/bot123456:ABC…/``), ``access_token=`` parameters, ``Authorization`` headers,
  passwords inside database URLs.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Telegram Bot API paths: /bot<id>:<secret>/method and /file/bot<id>:<secret>/path
    (re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+"), r"\1" + REDACTED),
    # bare Telegram tokens ("123456789:AA…" is 35 chars after the colon in real tokens)
    (re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b"), REDACTED),
    # Graph API and OAuth query parameters / form fields
    (
        re.compile(
            r"((?:access_token|client_secret|appsecret_proof|password|secret)=)[^&\s\"']+",
            re.IGNORECASE,
        ),
        r"\1" + REDACTED,
    ),
    # HTTP headers as they appear in debug output
    (
        re.compile(
            r"((?:authorization|x-api-key|access_token)['\"]?\s*[:=]\s*['\"]?)"
            r"(?:bearer\s+|basic\s+)?[^\s'\",}]+",
            re.IGNORECASE,
        ),
        r"\1" + REDACTED,
    ),
    # user:password@host in database URLs
    (re.compile(r"(\w+://[^/\s:@]+:)[^@\s/]+@"), r"\1" + REDACTED + "@"),
)

#: Extra-field names whose values are never logged, whatever they contain.
SECRET_FIELDS = frozenset(
    {
        "password",
        "secret",
        "token",
        "access_token",
        "bot_token",
        "credentials",
        "secret_key",
        "authorization",
        "api_key",
    }
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
#: Shorter values are too likely to appear by chance in ordinary text.
MIN_SECRET_LENGTH = 6


def register_secret(value: str | None) -> None:
    """Never log ``value`` (a token, a password, the secret key) from now on."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def register_secrets(values: Any) -> None:
    """Register every string value of a credentials mapping."""
    for value in values.values() if isinstance(values, dict) else values:
        if isinstance(value, str):
            register_secret(value)


def redact(text: str) -> str:
    """``text`` with every known secret and token-shaped value replaced by ``[redacted]``."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def _redact_value(key: str, value: Any) -> Any:
    if key.lower() in SECRET_FIELDS:
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value("", v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


#: Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC ISO), level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "process": record.process,
            "thread": record.threadName,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _redact_value(key, value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingFormatter(logging.Formatter):
    """The plain one-line format, with the same redaction as the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "publisher"


def make_handler(stream: Any = None, *, json_format: bool = False) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JSONFormatter() if json_format else RedactingFormatter(PLAIN_FORMAT))
    return handler


LEVEL_ENV = "PUBLISHER_LOG_LEVEL"


def configure_logging(
    *, json_format: bool | None = None, level: int | str | None = None, stream: Any = None
) -> logging.Handler:
    """Install the publisher's handler on the root logger (idempotent: replaces its own).

    ``json_format`` None reads ``PUBLISHER_LOG_JSON``; ``level`` None reads
    ``PUBLISHER_LOG_LEVEL`` (default INFO; an unknown name falls back to INFO). Also
    registers the configured secret key and the database password as secrets.
    """
    from publisher.config import get_settings

    settings = get_settings()
    if json_format is None:
        json_format = settings.log_json
    register_secret(settings.read_secret_key())  # the variable's or the key file's value
    # The notification senders' secrets (SMTP password, the notification bot's token).
    for secret in (settings.smtp_password, settings.notify_telegram_token):
        if secret is not None:
            register_secret(secret.get_secret_value())
    if settings.database_url:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            register_secret(make_url(settings.database_url).password)  # type: ignore[arg-type]
        except ArgumentError:
            pass
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    handler = make_handler(stream, json_format=json_format)
    root.addHandler(handler)
    if level is None:
        name = os.environ.get(LEVEL_ENV, "INFO").strip().upper()
        level = name if isinstance(logging.getLevelName(name), int) else logging.INFO
    root.setLevel(level)
    # httpx logs every request URL at INFO; Telegram URLs carry the bot token (redacted above,
    # but a warning level keeps the volume sane too).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic narrates every migration step at INFO ("Context impl ..."): keep it to warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return handler

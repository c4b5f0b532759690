"""What a channel of one platform is configured with, declared as data.

A connector lists its settings and credentials as :class:`Field` rows in its ``fields``
class attribute. Everything that asks a person for a channel's configuration is generated
from those rows: the ``publisher channel add/edit`` options, the channels page form, the
keys a channel may hold and the offline checks of
:meth:`connectors.base.Connector.validate_config`. A field with ``kind=SECRET`` is a
credential (stored encrypted, never shown back); every other kind is a plain setting.

This module imports only the standard library, so the command line can build its options
from the schema without loading any client library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# -- field kinds ----------------------------------------------------------------------------
TEXT = "text"
SECRET = "secret"  # noqa: S105 (a field kind, not a password)
INT = "int"
BOOL = "bool"
URL = "url"
CHOICE = "choice"
LIST = "list"
FIELD_KINDS = frozenset({TEXT, SECRET, INT, BOOL, URL, CHOICE, LIST})
#: The words a ``BOOL`` setting given as text may be (command line, imports).
BOOL_WORDS = frozenset({"true", "false", "1", "0", "yes", "no", "on", "off"})

# -- how engagement is collected (``Connector.engagement``) --------------------------------
#: ``connector.fetch_metrics(external_id)`` per published delivery (Facebook).
FETCH = "fetch"
#: ``connector.poll_metrics(state, external_ids)``: the platform pushes updates that are read
#: with a cursor kept between runs (Telegram reaction counts).
POLL = "poll"
#: Signed events the receiver sends to ``POST /inbound/<channel>`` (webhooks).
INBOUND = "inbound"
ENGAGEMENT_MODES = frozenset({FETCH, POLL, INBOUND})

# -- how the composer previews a post (``Connector.preview``) -----------------------------
#: A social feed post card: name, time, text, picture grid (Facebook).
PREVIEW_CARD = "card"
#: A chat message bubble (Telegram).
PREVIEW_BUBBLE = "bubble"
#: The JSON body the connector would send (webhooks).
PREVIEW_PAYLOAD = "payload"
#: An article card, and the broadcast message as a follower sees it (Zalo OA): from the
#: connector's ``article_preview(post)``.
PREVIEW_ARTICLE = "article"
PREVIEW_KINDS = frozenset({PREVIEW_CARD, PREVIEW_BUBBLE, PREVIEW_PAYLOAD, PREVIEW_ARTICLE})

#: Catalogue keys of a field's label and help text (``publisher/i18n/catalog/ui.py``).
LABEL_KEY = "ui.channels.field.{key}"
HELP_KEY = "ui.channels.help.{key}"


@dataclass(frozen=True)
class Field:
    """One setting or credential a channel of a platform accepts.

    - ``key``: the key in ``Channel.settings`` (or the encrypted credentials for secrets).
    - ``kind``: one of :data:`FIELD_KINDS`. ``URL`` values are judged offline by
      :func:`connectors.outbound.url_problem` when saved; ``CHOICE`` takes one of
      ``choices``; ``INT``/``BOOL``/``LIST`` are parsed (a list may be given comma-separated).
    - ``required``: a channel without it is refused (``missing_setting`` /
      ``missing_credential``). ``required_if=(other_key, value)``: required only when the
      other setting has that value (a Zalo-signed webhook needs ``app_id``).
    - ``pattern``: a regular expression the value must match whole (after trimming spaces;
      secrets after trimming all whitespace); ``problem`` is the ``problem.<code>`` catalogue
      key used when it does not (or when a choice is not one of ``choices``), with the
      params ``channel``, ``value`` (never for secrets) and ``platform``; ``message`` is its
      English fallback.
    - ``url_problems``: the codes for a refused URL: (not http(s), private target).
    - ``default``: the value the command line's ``channel add`` and the form start with.
    - ``cli``: the option name without dashes (``None``: not on the command line). Fields of
      different platforms may share an option (``--token`` sets Facebook's ``access_token``
      and Telegram's ``bot_token``); a secret's option also gets ``-file`` and ``-env``
      forms. ``cli_help`` is its English help.
    - ``clearable``: an empty value on edit returns the setting to the platform's default.
    - The label and help are catalogue keys (:data:`LABEL_KEY`, :data:`HELP_KEY`), in
      Vietnamese first and English second like every user-facing text.
    """

    key: str
    kind: str = TEXT
    required: bool = False
    required_if: tuple[str, str] | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""
    problem: str = ""
    message: str = ""
    url_problems: tuple[str, str] = ("url_scheme", "url_private")
    default: str | None = None
    cli: str | None = None
    cli_help: str = ""
    clearable: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.key!r}: unknown kind {self.kind!r}")
        if self.kind == CHOICE and not self.choices:
            raise ValueError(f"field {self.key!r}: a choice needs choices")

    @property
    def secret(self) -> bool:
        """A credential: stored encrypted, never shown back, never in a problem's params."""
        return self.kind == SECRET

    @property
    def label_key(self) -> str:
        return LABEL_KEY.format(key=self.key)

    @property
    def help_key(self) -> str:
        return HELP_KEY.format(key=self.key)

    @property
    def option(self) -> str | None:
        """The command-line option (``--page-id``), or None."""
        return f"--{self.cli}" if self.cli else None

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    def applies(self, settings: Mapping[str, Any]) -> bool:
        """Whether the field is required for a channel with these settings."""
        if self.required:
            return True
        if self.required_if is None:
            return False
        other, value = self.required_if
        return str(settings.get(other) or "").strip().lower() == value


#: Settings every platform accepts: the size of campaign cards made for the channel.
#: ``internal``: a test/internal channel; what only it published never reaches the public
#: feeds and pages (publisher.services.publishing.feeds).
COMMON_FIELDS: tuple[Field, ...] = (
    Field("image_size"),
    Field(
        "internal",
        kind=BOOL,
        cli="internal",
        cli_help="Internal/test channel: kept out of the public feeds and pages.",
    ),
)


def settings_of(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The plain settings among ``fields``."""
    return tuple(f for f in fields if not f.secret)


def credentials_of(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The credentials among ``fields``."""
    return tuple(f for f in fields if f.secret)

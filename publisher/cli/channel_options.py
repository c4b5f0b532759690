"""The ``channel add``/``channel edit`` options, generated from the connectors' settings schema.

Every registered connector lists its settings and credentials as
:class:`connectors.settings.Field` rows; a field with ``cli`` set becomes an option here.
Fields of different platforms may share an option (``--token`` is Facebook's
``access_token`` and Telegram's ``bot_token``): the channel's kind decides which setting
it fills. A credential's option also comes as ``--X-file PATH`` and ``--X-env VAR``, since
``--X VALUE`` is visible in ``ps`` and shell history.

Only :mod:`connectors.registry` and the connector classes are imported (they load no client
library), so ``publisher --help`` stays quick.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer

from connectors import registry
from connectors.settings import BOOL, Field

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Option:
    """One generated option and the field it sets for each kind that has it."""

    name: str  # without dashes: "token", "page-id"
    secret: bool
    #: Every field behind it is a BOOL: a ``--x/--no-x`` switch.
    switch: bool
    by_kind: Mapping[str, Field]
    help: str
    clearable: bool

    @property
    def param(self) -> str:
        """The Python parameter name (``page_id``)."""
        return self.name.replace("-", "_")

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    def key_for(self, kind: str) -> str | None:
        field = self.by_kind.get(kind)
        return field.key if field else None

    def any_key(self) -> str:
        """A setting key this option names (for a kind without it: the refusal names it)."""
        return next(iter(self.by_kind.values())).key


def options() -> tuple[Option, ...]:
    """Every option the registered connectors declare, in registry and field order."""
    found: dict[str, dict[str, Field]] = {}
    for cls in registry.classes():
        for field in cls.all_fields():
            if field.cli:
                found.setdefault(field.cli, {})[cls.kind] = field
    out = []
    for name, by_kind in found.items():
        fields = list(by_kind.values())
        secrets = {f.secret for f in fields}
        if len(secrets) != 1:
            raise TypeError(f"option --{name} is a secret for one platform, not for another")
        helps = list(dict.fromkeys(f.cli_help for f in fields if f.cli_help))
        out.append(
            Option(
                name=name,
                secret=secrets.pop(),
                switch=all(f.kind == BOOL for f in fields),
                by_kind=by_kind,
                help=" or ".join(helps),
                clearable=any(f.clearable for f in fields),
            )
        )
    return tuple(out)


def _parameters(*, edit: bool) -> list[inspect.Parameter]:
    params: list[inspect.Parameter] = []

    def add(name: str, option: Any, kind: Any = str) -> None:
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[kind | None, option],
                default=None,
            )
        )

    for opt in options():
        if opt.secret:
            what = opt.help[:1].lower() + opt.help[1:] if opt.help else opt.name
            add(
                opt.param,
                typer.Option(
                    opt.flag,
                    help=f"{opt.help or opt.name} (visible in ps and shell history: prefer "
                    f"{opt.flag}-file or {opt.flag}-env).",
                ),
            )
            add(
                f"{opt.param}_file",
                typer.Option(
                    f"{opt.flag}-file",
                    metavar="PATH",
                    help=f"Read the {what} from PATH ('-': standard input).",
                ),
            )
            add(
                f"{opt.param}_env",
                typer.Option(
                    f"{opt.flag}-env",
                    metavar="VAR",
                    help=f"Read the {what} from environment variable VAR.",
                ),
            )
            continue
        text = opt.help
        if opt.switch:
            add(opt.param, typer.Option(f"{opt.flag}/--no-{opt.name}", help=text or None), bool)
            continue
        if edit and opt.clearable:
            text = f"{text} ('' returns to the default.)" if text else "'' returns to the default."
        add(opt.param, typer.Option(opt.flag, help=text or None))
    return params


def with_schema_options(*, edit: bool) -> Callable[[F], F]:
    """Give a command taking ``**options`` one keyword option per schema option, inserted
    before its last parameter (``--json``). The command receives them in ``options``."""

    def decorate(func: F) -> F:
        sig = inspect.signature(func, eval_str=True)
        fixed = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
        fixed = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            if p.kind is p.POSITIONAL_OR_KEYWORD
            else p
            for p in fixed
        ]
        func.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[*fixed[:-1], *_parameters(edit=edit), *fixed[-1:]]
        )
        return func

    return decorate


def secrets_given(values: Mapping[str, Any]) -> dict[str, str]:
    """``{option name: secret}`` of the secret options given (each from at most one of its
    three sources). Raises PublisherError as :func:`publisher.cli.common.secret_value`."""
    from publisher.cli.common import secret_value

    out: dict[str, str] = {}
    for opt in options():
        if not opt.secret:
            continue
        value = secret_value(
            values.get(opt.param),
            values.get(f"{opt.param}_file"),
            values.get(f"{opt.param}_env"),
            option=opt.flag,
        )
        if value is not None:
            out[opt.name] = value
    return out


def for_add(
    kind: str, values: Mapping[str, Any], secrets: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(settings, credentials) of a new channel of ``kind`` from the options given. Options
    no field of ``kind`` declares are not used; a setting left out takes its field's default."""
    try:
        cls = registry.get(kind)
    except registry.UnknownKindError:
        return {}, {}  # the service refuses the kind, in the user's language
    settings: dict[str, Any] = {}
    credentials: dict[str, str] = {}
    for field in cls.all_fields():
        if not field.cli:
            continue
        if field.secret:
            credentials[field.key] = secrets.get(field.cli) or ""
        else:
            value = values.get(field.cli.replace("-", "_"))
            settings[field.key] = field.default if value is None else value
    return settings, credentials


def for_edit(
    kind: str, values: Mapping[str, Any], secrets: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(settings, credentials) to change on a channel of ``kind``. A secret option the kind
    has no field for is refused (``error.secret_option_kind``); a setting option it has no
    field for is passed on under its key, which the service refuses as unknown."""
    from publisher.errors import PublisherError

    settings: dict[str, Any] = {}
    credentials: dict[str, str] = {}
    for opt in options():
        if opt.secret:
            if opt.name not in secrets:
                continue
            key = opt.key_for(kind)
            if key is None:
                raise PublisherError("error.secret_option_kind", kind=kind, option=opt.flag)
            credentials[key] = secrets[opt.name]
        elif values.get(opt.param) is not None:
            settings[opt.key_for(kind) or opt.any_key()] = values[opt.param]
    return settings, credentials

"""Explicit registry of connector kinds (no folder scanning).

Adding a platform adds one row to :data:`CONNECTORS`; everything else about the platform
is on its connector class (see ``docs/connectors.md``, "Adding a platform").
"""

from __future__ import annotations

import importlib
from functools import cache

from connectors.base import Connector

#: kind -> "module:Class"; imported lazily so that importing the registry stays cheap.
CONNECTORS: dict[str, str] = {
    "facebook": "connectors.facebook:FacebookConnector",
    "telegram": "connectors.telegram:TelegramConnector",
    "webhook": "connectors.webhook:WebhookConnector",
    "zalo_oa": "connectors.zalo_oa:ZaloOAConnector",
    "grassroots": "connectors.grassroots:GrassrootsConnector",
}

KINDS: tuple[str, ...] = tuple(CONNECTORS)


class UnknownKindError(KeyError):
    pass


@cache
def get(kind: str) -> type[Connector]:
    """Return the connector class for ``kind``; raises :class:`UnknownKindError`."""
    try:
        target = CONNECTORS[kind]
    except KeyError:
        raise UnknownKindError(kind) from None
    module_name, _, class_name = target.partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), class_name)
    return cls


def classes() -> tuple[type[Connector], ...]:
    """Every registered connector class, in registry order."""
    return tuple(get(kind) for kind in KINDS)

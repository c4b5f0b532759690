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


#: What a first publish would otherwise import (the connectors load their client libraries
#: on first use, so that commands which never publish stay quick to start).
PUBLISH_PATH_MODULES = (
    "httpx",
    "requests",
    "facebook",
    "telegram",
    "telegram.constants",
    "telegram.request",
    "connectors.failures",
    "connectors.outbound",
    "connectors.guarded_http",
    "connectors.guarded_requests",
    "connectors.facebook_graph",
    "connectors.facebook_errors",
    "connectors.telegram_errors",
    "connectors.webhook_errors",
    "connectors.grassroots_errors",
)


def warm_up() -> None:
    """Import every connector, the client libraries a publish uses and the TLS trust store
    now (a process about to publish: the engine's worker and call processes), not during
    the first due post's call (about 0.2 s cold). Raises ImportError only if a dependency
    is missing."""
    from connectors import tls

    for kind in KINDS:
        get(kind)
    for name in PUBLISH_PATH_MODULES:
        importlib.import_module(name)
    tls.client_context()

"""A platform that exists only in tests: registered by the schema tests to show that the
command line, the channels form and the service's checks come from a connector's fields."""

from __future__ import annotations

from typing import ClassVar

from connectors.base import Connector, OutgoingPost, PublishResult
from connectors.settings import BOOL, CHOICE, INT, SECRET, URL, Field

KIND = "dummy"
TARGET = "tests.core.dummy_platform:DummyConnector"


class DummyConnector(Connector):
    kind: ClassVar[str] = KIND
    platform: ClassVar[str] = "Dummy"
    fields: ClassVar[tuple[Field, ...]] = (
        Field(
            "board",
            required=True,
            pattern=r"[a-z]{3,12}",
            problem="invalid_setting",
            cli="board",
            cli_help="Board name",
        ),
        Field("page_size", INT, cli="page-size"),
        Field("pinned", BOOL),  # on the form only
        Field("flavour", CHOICE, choices=("plain", "rich"), default="plain", cli="flavour"),
        Field("api_url", URL, cli="api-url", clearable=True),
        Field("api_key", SECRET, required=True, cli="api-key", cli_help="Dummy API key"),
    )

    def publish(self, post: OutgoingPost) -> PublishResult:
        return PublishResult("1")

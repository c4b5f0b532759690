"""Facebook token ends from /debug_token, recorded on the channel and alerted before they lapse."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from connectors.sandbox.client import SandboxClient

from .conftest import FB_TOKEN, PAGE, ConnectorFactory


def test_check_reports_the_earlier_end(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    soon = int(time.time()) + 3 * 86400
    later = int(time.time()) + 60 * 86400
    sb.add_accounts(
        {
            "facebook": [
                {
                    "page_id": PAGE,
                    "token": FB_TOKEN,
                    "expires_at": later,
                    "data_access_expires_at": soon,
                }
            ]
        }
    )
    result = make_connector("facebook").check()
    assert result.ok and result.expires_at == datetime.fromtimestamp(soon, UTC)


def test_a_token_that_never_expires_reports_its_data_access_end(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    result = make_connector("facebook").check()
    assert result.ok and result.expires_at is not None
    days = (result.expires_at - datetime.now(UTC)).days
    assert 88 <= days <= 90


def test_channel_test_records_the_end_and_the_unit_is_alerted(
    sqlite_db: Any, clock: Any, sb: SandboxClient, sandbox: Any
) -> None:
    from publisher.db import session_scope
    from publisher.models import Alert, Channel
    from publisher.services import channels as channels_svc
    from tests.factories import ADMIN, make_office

    office = make_office(
        "so-khcn",
        channels={
            "fb": {
                "kind": "facebook",
                "settings": {"page_id": PAGE, "graph_url": sandbox.url + "/"},
                "credentials": {"access_token": FB_TOKEN},
            }
        },
    )
    ends = int(clock.now().timestamp()) + 5 * 86400
    sb.add_accounts(
        {"facebook": [{"page_id": PAGE, "token": FB_TOKEN, "data_access_expires_at": ends}]}
    )
    channel_id = office.channels["fb"].id
    assert channel_id is not None
    with session_scope() as s:
        assert channels_svc.test_channel(s, ADMIN, channel_id).ok
    with session_scope() as s:
        row = s.get(Channel, channel_id)
        assert row is not None and row.token_expires_at == datetime.fromtimestamp(ends, UTC)
        assert channels_svc.alert_token_ends(s) == 1
        assert channels_svc.alert_token_ends(s) == 1  # the open alert is not repeated
    with session_scope(readonly=True) as s:
        [alert] = s.exec(select(Alert).where(Alert.kind == "token"))
    assert alert.message_key == "alert.token_expiring" and alert.params["channel"] == "fb"

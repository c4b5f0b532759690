"""The source the login page hands to the login throttling (``ui.common.source_of``)."""

from __future__ import annotations

import pytest

from ui import common


@pytest.mark.parametrize(
    ("peer", "forwarded", "source"),
    [
        ("198.51.100.66", None, "ip:198.51.100.66"),
        (None, None, None),  # localhost: Streamlit gives no address, the service's fallback
        (None, "203.0.113.7", "ip:203.0.113.7"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.7", "ip:203.0.113.7"),  # our proxy's entry is last
        ("10.0.0.2", " , ", "ip:10.0.0.2"),
    ],
)
def test_the_login_source_is_the_address_the_proxy_saw_or_the_peer(peer, forwarded, source):
    assert common.source_of(peer, forwarded) == source

"""The SSRF guard: address table, resolution, redirects."""

from __future__ import annotations

import time

import pytest

from connectors import netguard
from connectors.base import OutgoingPost
from connectors.errors import ConfigError, PermanentError, TransientError
from connectors.netguard import BlockedTargetError, check_url, forbidden_reason
from connectors.sandbox.client import SandboxClient

from .conftest import ConnectorFactory, Redirector


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "private"),  # AWS IPv6 metadata
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("2002:7f00:1::1", "loopback"),  # 6to4 around 127.0.0.1
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_forbidden_reason_table(address: str, reason: str | None) -> None:
    assert forbidden_reason(address) == reason


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(netguard.ALLOW_ENV, raising=False)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://hooks.example.org/in", None),
        ("http://93.184.216.34/in", None),
        ("ftp://hooks.example.org/in", ConfigError),
        ("file:///etc/passwd", ConfigError),
        ("https:///nohost", ConfigError),
        ("http://localhost:8080/", BlockedTargetError),
        ("http://metadata.google.internal/computeMetadata/v1/", BlockedTargetError),
        ("http://127.0.0.1:8000/", BlockedTargetError),
        ("http://[::1]/", BlockedTargetError),
        ("http://[::ffff:7f00:1]/", BlockedTargetError),
        ("http://169.254.169.254/latest/meta-data/", BlockedTargetError),
        ("http://2130706433/", BlockedTargetError),  # 127.0.0.1 as one integer
        ("http://rebind.example/", BlockedTargetError),  # one public, one private address
    ],
)
def test_check_url_table(strict: None, url: str, error: type[Exception] | None) -> None:
    answers = {
        "hooks.example.org": ["93.184.216.34"],
        "rebind.example": ["93.184.216.34", "10.0.0.7"],
        "2130706433": ["127.0.0.1"],
    }

    def resolver(host: str, port: int) -> list[str]:
        return answers[host]

    if error is None:
        check_url(url, resolver=resolver)
    else:
        with pytest.raises(error):
            check_url(url, resolver=resolver)


def test_unresolvable_host_is_transient(strict: None) -> None:
    with pytest.raises(TransientError):
        check_url("https://no-such-host.invalid/")


def test_env_flag_and_allowlist_open_private_targets(
    strict: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(BlockedTargetError):
        check_url("http://10.0.0.5:8443/hook")
    monkeypatch.setenv(netguard.ALLOWLIST_ENV, "10.0.0.5:8443")
    check_url("http://10.0.0.5:8443/hook")
    with pytest.raises(BlockedTargetError):
        check_url("http://10.0.0.5:8444/hook")  # exact host:port only
    monkeypatch.setenv(netguard.ALLOW_ENV, "1")
    check_url("http://10.0.0.6/hook")


def post() -> OutgoingPost:
    return OutgoingPost("Tin mới", idempotency_key=f"k-{time.time_ns()}")


def test_webhook_to_a_private_address_is_refused_before_sending(
    strict: None, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    connector = make_connector("webhook-hmac")
    problems = connector.validate(post())
    assert [p.code for p in problems] == ["webhook_private_url"]
    with pytest.raises(ConfigError):
        connector.publish(post())
    assert sb.records() == []


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/iam/", "http://127.0.0.1:{sandbox_port}/hooks/x"],
)
def test_a_redirect_into_the_private_network_is_not_followed(
    strict: None,
    target: str,
    monkeypatch: pytest.MonkeyPatch,
    redirector: Redirector,
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    # Only the redirector itself is allowed; everything it points to must be re-checked.
    monkeypatch.setenv(netguard.ALLOWLIST_ENV, f"127.0.0.1:{redirector.port}")
    redirector.target = target.format(sandbox_port=sb.url.rsplit(":", 1)[1])
    connector = make_connector("webhook-hmac", settings={"url": redirector.url})

    with pytest.raises(BlockedTargetError):
        connector.publish(post())

    assert redirector.hits == 1
    assert sb.records() == []


def test_an_allowed_redirect_is_followed_with_the_same_signed_body(
    redirector: Redirector, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    redirector.target = f"{sb.url}/hooks/moved"
    result = make_connector("webhook-hmac", settings={"url": redirector.url}).publish(post())
    [record] = sb.published("webhook")
    assert record["account"] == "moved" and record["signature"] == "hmac"
    assert result.external_id == record["external_id"]


def test_a_redirect_loop_stops(redirector: Redirector, make_connector: ConnectorFactory) -> None:
    redirector.target = redirector.url
    with pytest.raises(PermanentError):
        make_connector("webhook-hmac", settings={"url": redirector.url}).publish(post())
    assert redirector.hits == 4  # first request + 3 redirects

"""The SSRF guard: address table, resolution, redirects."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from connectors import guarded_http, netguard
from connectors.base import OutgoingPost
from connectors.errors import ConfigError, PermanentError, TransientError
from connectors.netguard import BlockedTargetError, check_url, forbidden_reason
from connectors.sandbox.client import SandboxClient

from .conftest import DEFAULT_TIMEOUT, ConnectorFactory, Redirector


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


# -- DNS rebinding: the connection is judged on its own resolution -------------------------------
class FakeDNS:
    """A resolver answering each name from a sequence (the last answer repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        sequence = self.answers[host]
        return sequence[min(self.calls.count(host), len(sequence)) - 1]


@pytest.fixture
def fake_dns() -> Iterator[Callable[[dict[str, list[list[str]]]], FakeDNS]]:
    def install(answers: dict[str, list[list[str]]]) -> FakeDNS:
        dns = FakeDNS(answers)
        netguard.set_resolver(dns)
        return dns

    yield install
    netguard.set_resolver(None)


REBIND = "hook.rebind.test"  # not resolvable by the system: only the fake DNS knows it


def test_a_name_rebinding_to_loopback_after_the_check_is_refused_at_connect(
    strict: None,
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS],
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    dns = fake_dns({REBIND: [["93.184.216.34"], ["127.0.0.1"]]})  # public, then loopback
    port = sb.url.rsplit(":", 1)[1]
    connector = make_connector("webhook-hmac", settings={"url": f"http://{REBIND}:{port}/hooks/x"})

    with pytest.raises(BlockedTargetError) as caught:
        connector.publish(post())

    assert str(caught.value) == f"{REBIND} resolves to 127.0.0.1, a loopback address [ssrf]"
    assert dns.calls == [REBIND, REBIND]  # the check, then the connection's own resolution
    assert sb.records() == []


def test_the_connection_goes_to_the_resolved_address_once_private_targets_are_allowed(
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS],
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    # 127.0.0.2 is loopback too, but the sandbox listens on 127.0.0.1 only: the first address
    # refuses the connection and the next one is tried, as socket.create_connection does.
    dns = fake_dns({REBIND: [["127.0.0.2", "127.0.0.1"], ["127.0.0.3"]]})
    port = sb.url.rsplit(":", 1)[1]
    connector = make_connector(
        "webhook-hmac", settings={"url": f"http://{REBIND}:{port}/hooks/renamed"}
    )

    result = connector.publish(post())

    [record] = sb.published("webhook")
    assert record["account"] == "renamed" and result.external_id == record["external_id"]
    assert dns.calls == [REBIND]  # resolved once, by the connection (the check is opened)


def test_an_unresolvable_name_at_connect_is_transient(
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS],
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    fake_dns({REBIND: [[]]})
    connector = make_connector("webhook-hmac", settings={"url": f"http://{REBIND}/hooks/x"})
    with pytest.raises(TransientError):
        connector.publish(post())
    assert sb.records() == []


@pytest.mark.parametrize(
    ("host", "port", "answers", "expected"),
    [
        ("hooks.example.org", 443, ["93.184.216.34"], ["93.184.216.34"]),
        ("rebind.example", 443, ["93.184.216.34", "10.0.0.7"], BlockedTargetError),
        ("2130706433", 80, [], ["127.0.0.1"]),  # allowed below through the allowlist
        ("0x7f000001", 81, [], BlockedTargetError),
        ("metadata.google.internal", 80, ["93.184.216.34"], BlockedTargetError),
        ("Hooks.Example.ORG.", 443, ["93.184.216.34"], ["93.184.216.34"]),
    ],
)
def test_connect_addresses_table(
    strict: None,
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS],
    host: str,
    port: int,
    answers: list[str],
    expected: list[str] | type[Exception],
) -> None:
    fake_dns({host.rstrip(".").lower(): [answers]})
    allowed = frozenset({"2130706433:80"})
    if isinstance(expected, list):
        assert netguard.connect_addresses(host, port, allowed=allowed) == expected
    else:
        with pytest.raises(expected):
            netguard.connect_addresses(host, port, allowed=allowed)


# -- TLS: the name still goes in SNI, the certificate check and the Host header -----------------
class TLSServer:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for ``name``; it records
    the SNI name and Host header of each request."""

    def __init__(self, name: str, directory: Path) -> None:
        self.sni: list[str | None] = []
        self.hosts: list[str | None] = []
        self.cert = directory / "cert.pem"
        key_path = directory / "key.pem"
        _self_signed(name, self.cert, key_path)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hosts.append(self.headers.get("host"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key_path)

        def remember(sock: ssl.SSLObject, server_name: str | None, ctx: ssl.SSLContext) -> None:
            owner.sni.append(server_name)

        context.sni_callback = remember  # type: ignore[assignment]
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _self_signed(name: str, cert_path: Path, key_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TLSServer]:
    server = TLSServer(REBIND, tmp_path)
    yield server
    server.close()


def test_tls_to_the_resolved_address_verifies_and_announces_the_host_name(
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS], tls_server: TLSServer
) -> None:
    fake_dns({REBIND: [["127.0.0.1"]]})
    context = ssl.create_default_context(cafile=str(tls_server.cert))  # verifies the name
    with guarded_http.client(timeout=DEFAULT_TIMEOUT, ssl_context=context) as client:
        response = client.get(f"https://{REBIND}:{tls_server.port}/")
    assert response.status_code == 200
    assert tls_server.sni == [REBIND]
    assert tls_server.hosts == [f"{REBIND}:{tls_server.port}"]


def test_tls_to_an_address_whose_certificate_names_another_host_fails(
    fake_dns: Callable[[dict[str, list[list[str]]]], FakeDNS], tls_server: TLSServer
) -> None:
    # The certificate is checked against the URL's name, not against the address connected to.
    fake_dns({"other.rebind.test": [["127.0.0.1"]]})
    context = ssl.create_default_context(cafile=str(tls_server.cert))
    with (
        guarded_http.client(timeout=DEFAULT_TIMEOUT, ssl_context=context) as client,
        pytest.raises(httpx.ConnectError, match="certificate verify failed"),
    ):
        client.get(f"https://other.rebind.test:{tls_server.port}/")
    assert tls_server.hosts == []

"""One outbound guard for the platform base URLs (issue 14, finding 2).

``graph_url`` (and ``PUBLISHER_FACEBOOK_GRAPH_URL``) and ``api_base_url`` are judged by the
same rules as webhook URLs: when a channel is saved (offline, see test_validation.py) and
when the real client libraries connect — facebook-sdk's requests session and
python-telegram-bot's httpx transport resolve each name once, judge every address and
connect only to a judged one, so a name resolving to loopback and a redirect into the
private network never carry the token there. A trap server stands for the private target
and counts what reaches it.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from connectors import netguard, outbound
from connectors.base import ChannelConfig, Connector, OutgoingPost
from connectors.clients import ClientCache
from connectors.errors import ConfigError, ConnectorError
from connectors.facebook import GRAPH_URL_ENV, FacebookConnector
from connectors.netguard import BlockedTargetError
from connectors.sandbox.client import SandboxClient
from connectors.telegram import TelegramConnector

from .conftest import DEFAULT_TIMEOUT, ConnectorFactory, Redirector, make_config
from .test_netguard import TLSServer

NAME = "platform.rebind.test"  # not resolvable by the system: only the fake DNS knows it


class Trap:
    """A server on 127.0.0.1 answering 200 with a Graph-like JSON body; records each
    request line (the token would be in it)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits.append(self.path)
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                body = json.dumps({"id": "1001", "name": "trap", "ok": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    server = Trap()
    yield server
    server.close()


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        netguard.ALLOW_ENV,
        netguard.ALLOW_ENV_ALIAS,
        netguard.ALLOWLIST_ENV,
        netguard.ALLOWLIST_ENV_ALIAS,
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def dns() -> Iterator[Callable[[dict[str, list[str]]], list[str]]]:
    calls: list[str] = []

    def install(answers: dict[str, list[str]]) -> list[str]:
        def resolver(host: str, port: int) -> list[str]:
            calls.append(host)
            return answers[host]

        netguard.set_resolver(resolver)
        return calls

    yield install
    netguard.set_resolver(None)


def post() -> OutgoingPost:
    return OutgoingPost("Tin mới", idempotency_key=f"k-{time.time_ns()}")


def connector(kind: str, url: str, clients: ClientCache | None = None) -> Connector:
    config = make_config(kind, url)
    cls = FacebookConnector if kind == "facebook" else TelegramConnector
    return cls(config, timeout=DEFAULT_TIMEOUT, clients=clients)


@pytest.mark.parametrize("kind", ["facebook", "telegram"])
@pytest.mark.parametrize("kept", [False, True], ids=["per-call", "kept-client"])
def test_a_base_url_whose_name_resolves_to_loopback_is_refused_when_connecting(
    strict: None,
    dns: Callable[[dict[str, list[str]]], list[str]],
    trap: Trap,
    kind: str,
    kept: bool,
) -> None:
    calls = dns({NAME: ["127.0.0.1"]})
    clients = ClientCache() if kept else None
    try:
        channel = connector(kind, f"http://{NAME}:{trap.port}", clients)
        assert channel.validate(post()) == []  # a name passes offline; DNS is judged on connect
        with pytest.raises(BlockedTargetError, match="loopback"):
            channel.publish(post())
        with pytest.raises(BlockedTargetError):
            channel.check()
    finally:
        if clients is not None:
            clients.close()
    assert trap.hits == []
    assert calls and set(calls) == {NAME}


@pytest.mark.parametrize("kind", ["facebook", "telegram"])
def test_a_redirect_from_an_allowed_base_url_into_the_private_network_is_refused(
    strict: None,
    monkeypatch: pytest.MonkeyPatch,
    redirector: Redirector,
    trap: Trap,
    kind: str,
) -> None:
    # Only the redirector is opened (through the general allowlist name); its target is not.
    monkeypatch.setenv(netguard.ALLOWLIST_ENV_ALIAS, f"127.0.0.1:{redirector.port}")
    redirector.target = f"http://127.0.0.1:{trap.port}/stolen"
    channel = connector(kind, f"http://127.0.0.1:{redirector.port}")
    expected = BlockedTargetError if kind == "facebook" else ConnectorError  # PTB never follows
    with pytest.raises(expected):
        channel.publish(post())
    assert redirector.hits == 1
    assert trap.hits == []


def test_a_graph_redirect_to_a_name_resolving_to_loopback_is_refused_at_connect(
    strict: None,
    monkeypatch: pytest.MonkeyPatch,
    dns: Callable[[dict[str, list[str]]], list[str]],
    redirector: Redirector,
    trap: Trap,
) -> None:
    monkeypatch.setenv(netguard.ALLOWLIST_ENV, f"127.0.0.1:{redirector.port}")
    calls = dns({NAME: ["127.0.0.1"]})
    redirector.target = f"http://{NAME}:{trap.port}/stolen"
    channel = connector("facebook", f"http://127.0.0.1:{redirector.port}")
    with pytest.raises(BlockedTargetError, match="loopback"):
        channel.check()
    assert redirector.hits == 1 and calls == [NAME]
    assert trap.hits == []


def test_the_graph_url_from_the_environment_is_guarded_too(
    strict: None, monkeypatch: pytest.MonkeyPatch, trap: Trap
) -> None:
    monkeypatch.setenv(GRAPH_URL_ENV, f"http://127.0.0.1:{trap.port}/")
    config = ChannelConfig("facebook", "fb", {"page_id": "1001"}, {"access_token": "tok-env"})
    channel = FacebookConnector(config, timeout=DEFAULT_TIMEOUT)
    with pytest.raises(BlockedTargetError):
        channel.publish(post())
    with pytest.raises(BlockedTargetError):
        channel.check()
    assert trap.hits == []


@pytest.mark.parametrize("kind", ["facebook", "telegram"])
@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://platform.example.org/", "http://169.254.169.254"]
)
def test_a_refused_base_url_never_sends(
    strict: None, kind: str, url: str, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    setting = "graph_url" if kind == "facebook" else "api_base_url"
    channel = make_connector(kind, settings={setting: url})
    with pytest.raises(ConfigError):
        channel.publish(post())
    assert sb.records() == []


@pytest.mark.parametrize("kind", ["facebook", "telegram"])
def test_the_general_switch_opens_private_targets_like_the_old_name(
    strict: None,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    with pytest.raises(ConfigError, match="private"):
        make_connector(kind).publish(post())  # the sandbox is on loopback
    monkeypatch.setenv(netguard.ALLOW_ENV_ALIAS, "1")
    make_connector(kind).publish(post())
    assert len(sb.published(kind)) == 1


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://graph.facebook.com/", None),
        ("http://93.184.216.34:8081/", None),
        ("http://127.0.0.1/", "private"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://metadata.google.internal/", "private"),
        ("javascript:alert(1)", "scheme"),
        ("//graph.example.org/", "scheme"),
        ("", "scheme"),
    ],
)
def test_url_problem_is_the_offline_judgement(strict: None, url: str, problem: str | None) -> None:
    assert outbound.url_problem(url) == problem


# -- TLS through the guarded requests session: the name stays in SNI and the certificate check --
@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TLSServer]:
    server = TLSServer(NAME, tmp_path)
    yield server
    server.close()


def test_the_requests_session_verifies_tls_against_the_name_at_the_judged_address(
    dns: Callable[[dict[str, list[str]]], list[str]], tls_server: TLSServer
) -> None:
    dns({NAME: ["127.0.0.1"]})  # private targets allowed (conftest): only the address changes
    with outbound.requests_session() as session:
        response = session.get(f"https://{NAME}:{tls_server.port}/", verify=str(tls_server.cert))
    assert response.status_code == 200
    assert tls_server.sni == [NAME]
    assert tls_server.hosts == [f"{NAME}:{tls_server.port}"]


def test_the_requests_session_refuses_a_certificate_for_another_name(
    dns: Callable[[dict[str, list[str]]], list[str]], tls_server: TLSServer
) -> None:
    import requests

    dns({"other.rebind.test": ["127.0.0.1"]})
    with (
        outbound.requests_session() as session,
        pytest.raises(requests.exceptions.SSLError),
    ):
        session.get(f"https://other.rebind.test:{tls_server.port}/", verify=str(tls_server.cert))
    assert tls_server.hosts == []


def test_the_async_transport_is_a_guarded_one() -> None:
    transport = outbound.httpx_async_transport(ssl_context=ssl.create_default_context())
    assert type(transport).__name__ == "GuardedAsyncTransport"

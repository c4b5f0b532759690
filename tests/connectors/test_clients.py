"""Kept clients (connectors.clients.ClientCache): one client and connection per thread and
kind, credentials read per call, the SSRF guard on kept connections, a clean close."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors import netguard
from connectors.base import Connector, OutgoingPost
from connectors.clients import ClientCache
from connectors.errors import AuthError
from connectors.netguard import BlockedTargetError
from connectors.sandbox.client import SandboxClient

from .conftest import KINDS, ConnectorFactory, Redirector, connections_to, platform_of

BAD_CREDENTIALS = {
    "facebook": {"access_token": "revoked-token"},
    "telegram": {"bot_token": "4242:revoked"},
    "webhook-zalo": {"secret": "rotated-secret"},
    "webhook-hmac": {"secret": "rotated-secret"},
    "zalo_oa": {"access_token": "zat-revoked", "refresh_token": "zrt-revoked"},
    "grassroots": {"secret": "rotated-secret"},
}


def post(text: str = "Tin mới: Ngày Chuyển đổi số quốc gia 10/10") -> OutgoingPost:
    return OutgoingPost(text, idempotency_key=f"k-{time.time_ns()}")


@pytest.fixture
def opened(sb: SandboxClient) -> Callable[[], int]:
    """Connections to the sandbox opened since the test started (other modules may hold
    kept connections of their own)."""
    base = connections_to(sb.url)
    return lambda: connections_to(sb.url) - base


@pytest.fixture
def clients() -> Iterator[ClientCache]:
    cache = ClientCache()
    yield cache
    cache.close()


def kept(make: ConnectorFactory, kind: str, clients: ClientCache, **kw: object) -> Connector:
    connector = make(kind, **kw)
    connector.clients = clients
    return connector


@pytest.mark.parametrize("kind", KINDS)
def test_publishes_of_one_thread_share_one_client_and_one_connection(
    kind: str,
    make_connector: ConnectorFactory,
    clients: ClientCache,
    sb: SandboxClient,
    opened: Callable[[], int],
) -> None:
    for i in range(3):  # a new connector per publish, as the engine makes them
        kept(make_connector, kind, clients).publish(post(f"Bài {i}"))

    assert len(sb.published(platform_of(kind))) == 3
    assert clients.size() == 1
    assert opened() == 1  # kept alive (a per-call client leaves none)


@pytest.mark.parametrize("kind", KINDS)
def test_changed_credentials_are_used_on_the_next_publish(
    kind: str, make_connector: ConnectorFactory, clients: ClientCache, sb: SandboxClient
) -> None:
    kept(make_connector, kind, clients).publish(post("Trước"))
    bad = BAD_CREDENTIALS[kind]
    with pytest.raises(AuthError):
        kept(make_connector, kind, clients, credentials=bad).publish(post("Khoá cũ"))
    kept(make_connector, kind, clients).publish(post("Sau"))

    assert [r["text"] for r in sb.published(platform_of(kind))] == ["Trước", "Sau"]
    assert clients.size() == 1


def test_each_thread_has_its_own_clients_and_loop(
    make_connector: ConnectorFactory,
    clients: ClientCache,
    sb: SandboxClient,
    opened: Callable[[], int],
) -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    def publish() -> None:
        for kind in KINDS:
            kept(make_connector, kind, clients).publish(post(f"{kind} {threading.get_ident()}"))
        loops.append(clients.loop())

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert len(sb.published()) == 2 * len(KINDS)
    # Per thread: Graph session, Bot API request, webhooks, Zalo, grassroots uploads.
    assert clients.size() == 2 * 5
    assert len({id(loop) for loop in loops}) == 2
    assert opened() == 2 * 5

    clients.close()

    assert clients.size() == 0
    assert all(loop.is_closed() for loop in loops)
    assert opened() == 0


def test_the_least_recently_used_client_is_closed_past_the_bound(
    make_connector: ConnectorFactory, opened: Callable[[], int]
) -> None:
    cache = ClientCache(per_thread=1)
    try:
        kept(make_connector, "webhook-hmac", cache).publish(post("Một"))
        kept(make_connector, "facebook", cache).publish(post("Hai"))
        assert cache.size() == 1
        assert opened() == 1  # the webhook client went with its connection
    finally:
        cache.close()


def test_a_kept_connection_does_not_outlive_the_guard(
    monkeypatch: pytest.MonkeyPatch,
    make_connector: ConnectorFactory,
    clients: ClientCache,
    sb: SandboxClient,
    opened: Callable[[], int],
) -> None:
    # A name (not an address literal), so that only the guard at send time can judge it.
    previous = netguard.set_resolver(lambda host, port: ["127.0.0.1"])
    try:
        port = sb.url.rsplit(":", 1)[1]
        url = {"url": f"http://hook.kept.test:{port}/hooks/kept"}
        kept(make_connector, "webhook-hmac", clients, settings=url).publish(post("Được phép"))
        assert opened() == 1
        # The operator closes private targets: the open connection must not be used any more.
        monkeypatch.delenv(netguard.ALLOW_ENV)

        with pytest.raises(BlockedTargetError):
            kept(make_connector, "webhook-hmac", clients, settings=url).publish(post("Bị chặn"))
    finally:
        netguard.set_resolver(previous)

    assert [r["text"] for r in sb.published("webhook")] == ["Được phép"]


def test_a_redirect_hop_is_judged_with_a_kept_client(
    monkeypatch: pytest.MonkeyPatch,
    redirector: Redirector,
    make_connector: ConnectorFactory,
    clients: ClientCache,
    sb: SandboxClient,
) -> None:
    redirector.target = f"{sb.url}/hooks/moved"
    kept(make_connector, "webhook-hmac", clients, settings={"url": redirector.url}).publish(post())
    monkeypatch.delenv(netguard.ALLOW_ENV)
    monkeypatch.setenv(netguard.ALLOWLIST_ENV, f"127.0.0.1:{redirector.port}")

    with pytest.raises(BlockedTargetError):
        kept(make_connector, "webhook-hmac", clients, settings={"url": redirector.url}).publish(
            post()
        )

    assert redirector.hits == 2
    assert len(sb.published("webhook")) == 1


class CookieReceiver:
    """A webhook receiver that sets a cookie on every answer and notes the cookies sent."""

    def __init__(self) -> None:
        self.cookies: list[str | None] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                owner.cookies.append(self.headers.get("cookie"))
                body = json.dumps({"id": f"m{len(owner.cookies)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Set-Cookie", f"visitor=v{len(owner.cookies)}; Path=/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_no_cookie_passes_from_one_publish_to_the_next(
    make_connector: ConnectorFactory, clients: ClientCache
) -> None:
    receiver = CookieReceiver()
    try:
        for name in ("Kênh A", "Kênh B"):
            kept(make_connector, "webhook-hmac", clients, settings={"url": receiver.url}).publish(
                post(name)
            )
        assert receiver.cookies == [None, None]
        assert connections_to(receiver.url) == 1  # the same kept client and connection
    finally:
        clients.close()
        receiver.close()

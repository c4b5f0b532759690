"""Fixtures for the connector tests: one sandbox server per session, real media files,
connectors of every kind pointed at the sandbox, and a redirecting helper server."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest
from PIL import Image

from connectors import registry, zalo_oa
from connectors.base import ChannelConfig, Connector, MediaItem, OutgoingPost
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
)
from connectors.sandbox import SandboxHandle

#: Client timeout of the timeout tests (short, so that the suite stays fast).
FAST_TIMEOUT = 0.5
#: Client timeout of every other test: generous, so that a loaded machine does not flake.
DEFAULT_TIMEOUT = 10.0
PAGE = "1001"
FB_TOKEN = "sandbox-fb-1001"
TG_TOKEN = "4242:sandbox-test"
TG_CHAT = "@sandbox_news"
HOOK_SECRET = "sandbox-secret"
ZALO_OA = "4242"
ZALO_TOKEN = "sandbox-zalo-4242"
ZALO_REFRESH = "sandbox-zalo-refresh-4242"
ZALO_SECRET = "sandbox-zalo-secret"


@pytest.fixture(autouse=True)
def _memory_token_keeper(monkeypatch: pytest.MonkeyPatch) -> None:
    # Connector tests have no database: Zalo tokens stay in the connector.
    monkeypatch.setattr(zalo_oa, "KEEPER", None)


@pytest.fixture(autouse=True)
def _allow_loopback_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox listens on 127.0.0.1; tests of the guard itself override this.
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    monkeypatch.delenv("PUBLISHER_WEBHOOK_ALLOWLIST", raising=False)
    monkeypatch.delenv("PUBLISHER_FACEBOOK_GRAPH_URL", raising=False)


# -- media ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media")
    Image.new("RGB", (320, 240), (200, 30, 30)).save(root / "red.jpg", "JPEG")
    Image.new("RGB", (200, 200), (30, 30, 200)).save(root / "blue.png", "PNG")
    Image.new("RGB", (100, 80), (30, 200, 30)).save(root / "green.jpg", "JPEG")
    video = root / "clip.mp4"
    try:
        import imageio_ffmpeg

        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "color=c=red:s=64x64:d=0.5",
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                str(video),
            ],
            check=True,
            timeout=30,
        )
    except (ImportError, OSError, subprocess.SubprocessError):
        # The emulators only check the ISO-media signature.
        video.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64))
    (root / "notes.txt").write_text("not media")
    return root


@pytest.fixture
def photo(media_dir: Path) -> MediaItem:
    return MediaItem.from_path(media_dir / "red.jpg")


@pytest.fixture
def album(media_dir: Path) -> tuple[MediaItem, ...]:
    return tuple(MediaItem.from_path(media_dir / n) for n in ("red.jpg", "blue.png", "green.jpg"))


@pytest.fixture
def video(media_dir: Path) -> MediaItem:
    return MediaItem.from_path(media_dir / "clip.mp4")


# -- the contract table: one row per platform (per signing scheme for webhooks) ------------------
@dataclass(frozen=True)
class ContractRow:
    """How the contract tests (test_contract.py) drive one registered connector against its
    emulator in the sandbox. Adding a platform adds one row here."""

    #: Registry kind of the connector.
    kind: str
    #: Sandbox URL -> (settings, credentials) of a channel the emulator accepts.
    channel: Callable[[str], tuple[dict[str, Any], dict[str, str]]]
    #: The ``platform`` of the emulator's records and faults.
    platform: str
    #: The fault (``SandboxClient.add_fault`` keywords) that provokes each error class;
    #: None where the platform has no such answer.
    faults: Mapping[type[ConnectorError], Mapping[str, Any] | None]
    #: Seconds the rate-limited fault asks to wait.
    retry_after: float
    #: Credentials the emulator refuses (a revoked token).
    revoked: Mapping[str, str]
    #: Whether ``check()`` asks the platform who the credentials belong to.
    checks_credentials: bool = True
    #: The post shapes of the publishing test the platform takes (a loudspeaker system
    #: plays audio only; its own shapes are tested in test_grassroots.py).
    shapes: tuple[str, ...] = ("text", "photo", "album", "video")
    #: How a contract post becomes one the platform takes (None: as it is).
    adapt: Callable[[OutgoingPost], OutgoingPost] | None = None


def _webhook(scheme: str) -> Callable[[str], tuple[dict[str, Any], dict[str, str]]]:
    def channel(url: str) -> tuple[dict[str, Any], dict[str, str]]:
        settings = {"url": f"{url}/hooks/{scheme}-hook", "signature": scheme, "app_id": "app-1"}
        return settings, {"secret": HOOK_SECRET}

    return channel


_WEBHOOK_FAULTS: dict[type[ConnectorError], Mapping[str, Any] | None] = {
    AuthError: {"action": "error", "status": 401},
    RateLimitedError: {"action": "error", "status": 429, "retry_after": 9},
    PermanentError: {"action": "error", "status": 422},
    DuplicateError: {"action": "error", "status": 409},
    AmbiguousError: {"action": "error", "status": 500},
}


def contract_mp3() -> MediaItem:
    """A one-second MP3 (made once per process): what a grassroots channel delivers."""
    import tempfile

    import imageio_ffmpeg

    path = Path(tempfile.gettempdir()) / f"contract-bulletin-{os.getpid()}.mp3"
    if not path.is_file():
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "64k",
                str(path),
            ],
            check=True,
            timeout=30,
        )
    return MediaItem(path=path, kind="audio", mime="audio/mpeg", size_bytes=path.stat().st_size)


def _with_bulletin(post: OutgoingPost) -> OutgoingPost:
    return replace(post, media=(contract_mp3(),))


CONTRACT: dict[str, ContractRow] = {
    "facebook": ContractRow(
        kind="facebook",
        channel=lambda url: ({"page_id": PAGE, "graph_url": url}, {"access_token": FB_TOKEN}),
        platform="facebook",
        faults={
            AuthError: {"action": "error", "code": 190},
            RateLimitedError: {"action": "error", "code": 613, "retry_after": 120},
            PermanentError: {"action": "error", "code": 368},
            DuplicateError: {"action": "error", "code": 506},
            AmbiguousError: {"action": "error", "status": 503},
        },
        retry_after=120,
        revoked={"access_token": "EAAB-revoked"},
    ),
    "telegram": ContractRow(
        kind="telegram",
        channel=lambda url: ({"chat_id": TG_CHAT, "api_base_url": url}, {"bot_token": TG_TOKEN}),
        platform="telegram",
        faults={
            AuthError: {"action": "error", "status": 403},
            RateLimitedError: {"action": "error", "status": 429, "retry_after": 7},
            PermanentError: {"action": "error", "status": 400},
            DuplicateError: None,
            AmbiguousError: {"action": "error", "status": 502},
        },
        retry_after=7,
        revoked={"bot_token": "1:revoked"},
    ),
    "webhook-zalo": ContractRow(
        kind="webhook",
        channel=_webhook("zalo"),
        platform="webhook",
        faults=_WEBHOOK_FAULTS,
        retry_after=9,
        revoked={"secret": "wrong-secret"},
        checks_credentials=False,  # a webhook has no "who am I" call
    ),
    "webhook-hmac": ContractRow(
        kind="webhook",
        channel=_webhook("hmac"),
        platform="webhook",
        faults=_WEBHOOK_FAULTS,
        retry_after=9,
        revoked={"secret": "wrong-secret"},
        checks_credentials=False,
    ),
    "zalo_oa": ContractRow(
        kind="zalo_oa",
        channel=lambda url: (
            {
                "oa_id": ZALO_OA,
                "app_id": "app-1",
                "oauth_url": f"{url}/zalo/oauth",
                "openapi_url": f"{url}/zalo/openapi",
            },
            {"app_secret": ZALO_SECRET, "access_token": ZALO_TOKEN, "refresh_token": ZALO_REFRESH},
        ),
        platform="zalo",
        # HTTP 200 with a negative ``error`` (-216/-220 refresh first: see test_zalo_oa.py).
        faults={
            AuthError: {"action": "error", "code": -223},
            RateLimitedError: {"action": "error", "code": -32},
            PermanentError: {"action": "error", "code": -201},
            DuplicateError: None,
            AmbiguousError: {"action": "error", "status": 502},
        },
        retry_after=60,
        # The refresh after -216 is refused too.
        revoked={"access_token": "zat-revoked", "refresh_token": "zrt-revoked"},
    ),
}
CONTRACT["grassroots"] = ContractRow(
    kind="grassroots",
    channel=lambda url: ({"url": f"{url}/grassroots/xa-tan-phong"}, {"secret": HOOK_SECRET}),
    platform="grassroots",
    faults=_WEBHOOK_FAULTS,
    retry_after=9,
    revoked={"secret": "wrong-secret"},
    checks_credentials=False,  # an upload endpoint has no "who am I" call either
    shapes=(),
    adapt=_with_bulletin,
)
KINDS = tuple(CONTRACT)


def make_config(kind: str, url: str, **overrides: Any) -> ChannelConfig:
    """A channel of contract kind ``kind`` (a key of :data:`CONTRACT`) pointed at the
    sandbox at ``url``."""
    row = CONTRACT[kind]
    settings, creds = row.channel(url)
    settings.update(overrides.pop("settings", {}))
    creds.update(overrides.pop("credentials", {}))
    return ChannelConfig(row.kind, f"Test {kind}", settings, creds)


ConnectorFactory = Callable[..., Connector]


@pytest.fixture
def make_connector(sandbox: SandboxHandle) -> ConnectorFactory:
    def factory(
        kind: str, *, timeout: float = DEFAULT_TIMEOUT, url: str | None = None, **overrides: Any
    ) -> Connector:
        config = make_config(kind, url or sandbox.url, **overrides)
        cls = registry.get(config.kind)
        adapt = CONTRACT[kind].adapt
        if adapt is not None:
            cls = _adapted(cls, adapt)
        return cls(config, timeout=timeout)

    return factory


def _adapted(
    cls: type[Connector], adapt: Callable[[OutgoingPost], OutgoingPost]
) -> type[Connector]:
    """``cls`` whose publish and validate see the contract post adapted to the platform."""

    def publish(self: Connector, post: OutgoingPost) -> Any:
        return cls.publish(self, adapt(post))

    def validate(self: Connector, post: OutgoingPost) -> Any:
        return cls.validate(self, adapt(post))

    return type(f"Contract{cls.__name__}", (cls,), {"publish": publish, "validate": validate})


def platform_of(kind: str) -> str:
    """The emulator platform of contract kind ``kind``."""
    return CONTRACT[kind].platform


def closed_port_url() -> str:
    """An http URL on loopback where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def connections_to(url: str) -> int:
    """Established TCP connections of this process to the server at ``url``.

    Garbage is collected first: a Facebook publish that fails with a client per call leaves
    its connection open until the garbage collector runs (a reference cycle, seen with the
    old per-call code too), and an earlier test's leftovers must not count. Kept clients are
    referenced by their cache, so collecting does not close them.
    """
    gc.collect()
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    return sum(
        1
        for c in psutil.Process().net_connections("tcp")
        if c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
    )


# -- redirector ----------------------------------------------------------------------------------
class Redirector:
    """A tiny server answering every request with a redirect to ``target``."""

    def __init__(self) -> None:
        self.target = "http://169.254.169.254/latest/meta-data/"
        self.status = 307
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.hits += 1
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self.send_response(owner.status)
                self.send_header("Location", owner.target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST  # Graph reads (GET /me) are redirected the same way

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/in"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def redirector() -> Iterator[Redirector]:
    r = Redirector()
    yield r
    r.close()


# -- the office's public site -------------------------------------------------------------------
@pytest.fixture(scope="session")
def public_site(media_dir: Path) -> Iterator[str]:
    """A static web server on loopback serving ``media_dir`` (what ``publisher api``'s
    ``/m/...`` is for a platform fetching a picture by URL): its base URL."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(media_dir)))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()

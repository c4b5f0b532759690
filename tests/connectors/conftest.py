"""Fixtures for the connector tests: one sandbox server per session, real media files,
connectors of every kind pointed at the sandbox, and a redirecting helper server."""

from __future__ import annotations

import gc
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest
from PIL import Image

from connectors import zalo_oa
from connectors.base import ChannelConfig, Connector, MediaItem
from connectors.facebook import FacebookConnector
from connectors.sandbox import SandboxHandle
from connectors.telegram import TelegramConnector
from connectors.webhook import WebhookConnector
from connectors.zalo_oa import ZaloOAConnector

#: Client timeout of the timeout tests (short, so that the suite stays fast).
FAST_TIMEOUT = 0.5
#: Client timeout of every other test: generous, so that a loaded machine does not flake.
DEFAULT_TIMEOUT = 10.0
PAGE = "1001"
FB_TOKEN = "sandbox-fb-1001"
TG_TOKEN = "4242:sandbox-test"
TG_CHAT = "@sandbox_news"
HOOK_SECRET = "sandbox-secret"
KINDS = ("facebook", "telegram", "webhook-zalo", "webhook-hmac", "zalo_oa")
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


# -- connectors ----------------------------------------------------------------------------------
def make_config(kind: str, url: str, **overrides: Any) -> ChannelConfig:
    """A channel of ``kind`` (one of :data:`KINDS`) pointed at the sandbox at ``url``."""
    if kind == "facebook":
        settings: dict[str, Any] = {"page_id": PAGE, "graph_url": url}
        creds = {"access_token": FB_TOKEN}
    elif kind == "telegram":
        settings = {"chat_id": TG_CHAT, "api_base_url": url}
        creds = {"bot_token": TG_TOKEN}
    elif kind == "zalo_oa":
        settings = {
            "oa_id": ZALO_OA,
            "app_id": "app-1",
            "oauth_url": f"{url}/zalo/oauth",
            "openapi_url": f"{url}/zalo/openapi",
        }
        creds = {
            "app_secret": ZALO_SECRET,
            "access_token": ZALO_TOKEN,
            "refresh_token": ZALO_REFRESH,
        }
    else:
        scheme = kind.split("-", 1)[1]
        settings = {"url": f"{url}/hooks/{scheme}-hook", "signature": scheme, "app_id": "app-1"}
        creds = {"secret": HOOK_SECRET}
    settings.update(overrides.pop("settings", {}))
    creds.update(overrides.pop("credentials", {}))
    platform = kind.split("-", 1)[0]
    return ChannelConfig(platform, f"Test {kind}", settings, creds)


CLASSES: dict[str, type[Connector]] = {
    "facebook": FacebookConnector,
    "telegram": TelegramConnector,
    "webhook": WebhookConnector,
    "zalo_oa": ZaloOAConnector,
}

ConnectorFactory = Callable[..., Connector]


@pytest.fixture
def make_connector(sandbox: SandboxHandle) -> ConnectorFactory:
    def factory(
        kind: str, *, timeout: float = DEFAULT_TIMEOUT, url: str | None = None, **overrides: Any
    ) -> Connector:
        config = make_config(kind, url or sandbox.url, **overrides)
        return CLASSES[config.kind](config, timeout=timeout)

    return factory


def platform_of(kind: str) -> str:
    """The sandbox's platform name of a test kind (records, faults)."""
    return "zalo" if kind == "zalo_oa" else kind.split("-", 1)[0]


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

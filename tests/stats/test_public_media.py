"""Our own public URLs of media files (a Zalo OA cover when Zalo's upload gives no URL):
signed, served by ``publisher api`` only for the file they name, only jpg/png, only when a
public address is configured; the engine hands them to the connector."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from publisher.api.app import create_app
from publisher.config import get_settings
from publisher.services.publishing import public_media


@pytest.fixture
def files(sqlite_db, clock, monkeypatch) -> Path:
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "https://sokhcn.example.vn")
    folder = get_settings().media_dir / "fitted"
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(folder / "bia.jpg", "JPEG")
    (folder / "ghi-chu.txt").write_text("không phục vụ")
    return folder


def test_a_signed_url_serves_exactly_its_file(files: Path, clock) -> None:
    url = public_media.url_for(files / "bia.jpg")
    assert url is not None and url.startswith("https://sokhcn.example.vn/m/")
    client = TestClient(create_app(clock=clock))
    got = client.get(url.removeprefix("https://sokhcn.example.vn"))
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert got.content == (files / "bia.jpg").read_bytes()


def test_an_altered_or_foreign_url_is_not_found(files: Path, clock) -> None:
    url = public_media.url_for(files / "bia.jpg")
    assert url is not None
    client = TestClient(create_app(clock=clock))
    path = url.removeprefix("https://sokhcn.example.vn")
    assert client.get(path[:-1] + ("0" if path[-1] != "0" else "1")).status_code == 404
    assert client.get("/m/Li4vLi4vc2VjcmV0LmtleQ.0123").status_code == 404
    assert public_media.url_for(files / "ghi-chu.txt") is None  # only pictures
    assert public_media.url_for(Path("/etc/hostname.jpg")) is None  # outside the media folder


def test_no_url_without_a_public_address(files: Path, monkeypatch) -> None:
    monkeypatch.delenv("PUBLISHER_PUBLIC_URL")
    assert public_media.url_for(files / "bia.jpg") is None

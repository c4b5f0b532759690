"""A bulletin delivered by the engine to an SFTP drop (paramiko over loopback to the
in-process server): once, also when the lease runs out after it landed; a server whose host
key is not the pinned one gets nothing, and the delivery says why in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from connectors.grassroots_sftp import fingerprint
from connectors.sandbox.sftp import SftpServer, SftpUser, new_key
from media.tts import espeak_path
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs
from publisher.engine.executor import ExecContext
from publisher.models import Delivery
from publisher.services.publishing import bulletins, posts
from tests.factories import Office, make_office

from .conftest import run_once

pytestmark = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
PASSWORD = "mat-khau-loa-sftp"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    (tmp_path / "srv" / "in").mkdir(parents=True)
    users = {"loa": SftpUser(password=PASSWORD)}
    with SftpServer(tmp_path / "srv", users=users) as srv:
        yield srv


def commune(server: SftpServer, host_key: str) -> Office:
    spec = {
        "kind": "grassroots",
        "settings": {"sftp_url": server.url("loa", "/in"), "sftp_host_key": host_key},
        "credentials": {"sftp_password": PASSWORD},
    }
    return make_office("xa-tan-phong", channels={"loa-sftp": spec})


def scheduled(office: Office, clock: Any) -> int:
    with session_scope() as s:
        made = bulletins.make(s, office.actor("officer"), "Bản tin.\n\nTin một.")
        assert made.asset_id is not None
        post = bulletins.schedule(
            s, office.actor("officer"), made.asset_id, ["loa-sftp"], clock.now()
        )
        assert post.id is not None
        posts.approve(s, office.actor("editor"), post.id)
        return post.id


def deliveries(post_id: int) -> list[Delivery]:
    with session_scope(readonly=True) as s:
        return list(s.exec(select(Delivery).where(Delivery.post_id == post_id)))


def test_a_bulletin_reaches_the_sftp_drop_once(
    db: Any, clock: Any, server: SftpServer, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    office = commune(server, server.fingerprint)
    post_id = scheduled(office, clock)

    assert list(run_once(ctx, specs).values()) == ["sent"]
    # The lease ran out unnoticed after the file landed: sent again, nothing doubles.
    with session_scope() as s:
        for d in s.exec(select(Delivery).where(Delivery.post_id == post_id)):
            d.status, d.error_kind = "pending", "ambiguous"
            s.add(d)
    assert list(run_once(ctx, specs).values()) == ["sent"]

    [delivery] = deliveries(post_id)
    assert [n for n in server.files("/in") if n.endswith(".mp3")] == [
        f"bulletin-{delivery.idempotency_key}.mp3"
    ]
    assert len(server.delivered) == 1


def test_a_server_with_another_host_key_gets_nothing(
    db: Any, clock: Any, server: SftpServer, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    office = commune(server, fingerprint(new_key()))
    post_id = scheduled(office, clock)

    run_once(ctx, specs)

    [delivery] = deliveries(post_id)
    assert delivery.status == "failed" and delivery.error_kind == "config"
    assert "không khớp dấu vân tay" in (delivery.last_error or "")
    assert PASSWORD not in (delivery.last_error or "")
    assert server.auth_attempts == [] and server.files("/in") == []

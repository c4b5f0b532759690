"""The FAQ bot on a Zalo OA: signed user_send_text events in through the api, customer-
service messages out to the Zalo emulator; forged and replayed events are never answered."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from connectors import signing
from connectors.sandbox import SandboxHandle
from publisher.api.server import run_in_thread
from publisher.bots.telegram import load_channel
from publisher.bots.zalo import ZaloOutbox
from publisher.db import session_scope
from publisher.models import InboundEvent
from publisher.services.insight import inbound
from publisher.services.publishing import faq_inbox
from publisher.timeutil import utcnow
from tests.bots.conftest import VNEID, seed_answers, wait_for
from tests.factories import make_office

OA_SECRET = "oa-secret-key-0123"
APP = "demo-app"


@pytest.fixture
def zalo_office(sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    inbound.clear_cache()
    spec = {
        "kind": "zalo_oa",
        "settings": {
            "oa_id": "1000001",
            "app_id": APP,
            "faq_bot": True,
            "oauth_url": f"{sandbox.url}/zalo/oauth",
            "openapi_url": f"{sandbox.url}/zalo/openapi",
        },
        "credentials": {
            "app_secret": "sandbox-zalo-secret",
            "access_token": "sandbox-zalo-1000001",
            "refresh_token": "sandbox-zalo-refresh-1000001",
            "oa_secret_key": OA_SECRET,
        },
    }
    office = make_office("so-khcn-zalo", channels={"zalo-faq": spec})
    seed_answers(office.org.id)
    return office


@pytest.fixture
def api(zalo_office: Any) -> Iterator[httpx.Client]:
    with run_in_thread() as handle, httpx.Client(base_url=handle.url, timeout=10) as client:
        yield client


def text_event(user: str, text: str, msg_id: str) -> dict[str, Any]:
    return {
        "app_id": APP,
        "oa_id": "1000001",
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": user},
        "recipient": {"id": "1000001"},
        "message": {"msg_id": msg_id, "text": text},
    }


def send(api: httpx.Client, body: dict[str, Any], secret: str = OA_SECRET) -> httpx.Response:
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = signing.zalo_signature(APP, raw, body["timestamp"], secret)
    return api.post("/inbound/zalo-faq", content=raw, headers={signing.ZALO_HEADER: mac})


def cs_to(sandbox: SandboxHandle, user: str) -> list[str]:
    state = sandbox.client.zalo()
    return [m["text"] for m in state["cs_messages"] if m["user_id"] == user]


def test_a_signed_question_gets_the_answer_with_its_source_as_a_cs_message(
    api: httpx.Client, sandbox: SandboxHandle
) -> None:
    body = text_event("2468", "lam sao de dang ky tai khoan dinh danh dien tu muc 2?", "m1")
    assert send(api, body).status_code == 200
    (reply,) = wait_for(lambda: cs_to(sandbox, "2468"))
    assert "VNeID" in reply and f"Nguồn: {VNEID}" in reply


def test_forged_and_replayed_events_are_never_answered(
    api: httpx.Client, sandbox: SandboxHandle
) -> None:
    forged = send(api, text_event("1111", "Ngày Chuyển đổi số quốc gia là ngày nào?", "f1"), "x")
    assert forged.status_code == 401
    once = text_event("2222", "Ngày Chuyển đổi số quốc gia là ngày nào?", "r1")
    assert send(api, once).json()["duplicate"] is False
    assert send(api, once).json()["duplicate"] is True
    # A later, genuine question from someone else is answered: the earlier ones are done.
    send(api, text_event("3333", "Ngày Chuyển đổi số quốc gia là ngày nào?", "g1"))
    wait_for(lambda: cs_to(sandbox, "3333"))
    assert cs_to(sandbox, "1111") == []
    assert len(cs_to(sandbox, "2222")) == 1


def test_an_unknown_question_is_handed_over_and_the_staff_reply_goes_out_on_zalo(
    api: httpx.Client, sandbox: SandboxHandle, zalo_office: Any
) -> None:
    send(api, text_event("4444", "Quán phở nào ngon nhất gần chợ Biên Hòa vậy bạn?", "u1"))
    (handed,) = wait_for(lambda: cs_to(sandbox, "4444"))
    assert "chuyển tới cán bộ" in handed
    editor = zalo_office.actor("editor")
    with session_scope() as session:
        (row,) = faq_inbox.list_handovers(session, editor)
        faq_inbox.reply(session, editor, row.id, "Ngoài phạm vi của Sở.", now=utcnow())
    outbox = ZaloOutbox(load_channel("zalo-faq", kind="zalo_oa"))
    assert outbox.send_staff_replies() == 1
    assert cs_to(sandbox, "4444")[-1] == "Cán bộ trả lời:\nNgoài phạm vi của Sở."


def test_the_stored_event_keeps_no_words_of_the_follower(
    api: httpx.Client, sandbox: SandboxHandle
) -> None:
    send(api, text_event("5555", "Số căn cước của tôi là 079123456789, hỏi về VNeID", "p1"))
    wait_for(lambda: cs_to(sandbox, "5555"))
    with session_scope() as session:
        (event,) = session.exec(select(InboundEvent)).all()
    assert event.payload["message"] == {"msg_id": "p1"}
    assert "079123456789" not in json.dumps(event.payload)

"""The emulators are as strict as the real platforms, record everything, inject faults."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors import signing
from connectors.sandbox import SandboxHandle, run_in_thread
from connectors.sandbox.client import SandboxClient
from connectors.sandbox.state import RECORDS_FILE

from .conftest import FB_TOKEN, PAGE, TG_CHAT, TG_TOKEN

#: One client for the module: building one per request (TLS context, pool) is slow.
HTTP = httpx.Client(timeout=10)


def graph(sb: SandboxHandle, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return HTTP.request(method, f"{sb.url}/v23.0/{path}", **kwargs)


def bot(sb: SandboxHandle, method: str, token: str = TG_TOKEN, **kwargs: Any) -> httpx.Response:
    return HTTP.post(f"{sb.url}/bot{token}/{method}", **kwargs)


def graph_code(response: httpx.Response) -> int:
    assert response.headers["content-type"].startswith("application/json")
    return int(response.json()["error"]["code"])


# -- Graph --------------------------------------------------------------------------------------
def test_graph_rejects_unknown_tokens_with_190(sandbox: SandboxHandle) -> None:
    r = graph(sandbox, "POST", f"{PAGE}/feed", data={"message": "x", "access_token": "junk"})
    assert graph_code(r) == 190


def test_graph_rejects_posting_to_another_page(sandbox: SandboxHandle) -> None:
    r = graph(sandbox, "POST", "2002/feed", data={"message": "x", "access_token": FB_TOKEN})
    assert graph_code(r) == 200


def test_graph_requires_a_message_or_attachment(sandbox: SandboxHandle) -> None:
    r = graph(sandbox, "POST", f"{PAGE}/feed", data={"access_token": FB_TOKEN})
    assert graph_code(r) == 100


def test_graph_photos_need_a_real_image(sandbox: SandboxHandle) -> None:
    files = {"source": ("x.jpg", b"not an image", "image/jpeg")}
    r = graph(sandbox, "POST", f"{PAGE}/photos", data={"access_token": FB_TOKEN}, files=files)
    assert graph_code(r) == 324
    r = graph(sandbox, "POST", f"{PAGE}/photos", data={"access_token": FB_TOKEN})
    assert graph_code(r) == 324


def test_graph_videos_need_an_mp4(sandbox: SandboxHandle) -> None:
    files = {"source": ("x.mp4", b"plain text", "video/mp4")}
    r = graph(sandbox, "POST", f"{PAGE}/videos", data={"access_token": FB_TOKEN}, files=files)
    assert graph_code(r) == 352


def test_graph_attached_media_must_be_this_pages_unpublished_photos(
    sandbox: SandboxHandle,
) -> None:
    data = {
        "message": "x",
        "access_token": FB_TOKEN,
        "attached_media": json.dumps([{"media_fbid": "999999"}]),
    }
    assert graph_code(graph(sandbox, "POST", f"{PAGE}/feed", data=data)) == 100


def test_graph_insights_reject_retired_metrics(sandbox: SandboxHandle) -> None:
    post_id = graph(
        sandbox, "POST", f"{PAGE}/feed", data={"message": "x", "access_token": FB_TOKEN}
    ).json()["id"]
    params = {"access_token": FB_TOKEN}
    ok = graph(sandbox, "GET", f"{post_id}/insights", params=params | {"metric": "post_media_view"})
    assert ok.json()["data"][0]["name"] == "post_media_view"
    for retired in ("post_impressions", "post_media_view,post_impressions_unique"):
        r = graph(sandbox, "GET", f"{post_id}/insights", params=params | {"metric": retired})
        assert graph_code(r) == 100


def test_graph_object_summaries_and_unknown_fields(
    sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    post_id = graph(
        sandbox, "POST", f"{PAGE}/feed", data={"message": "x", "access_token": FB_TOKEN}
    ).json()["id"]
    sb.set_metrics(post_id, reactions=12, comments=3, shares=2)
    fields = "shares,reactions.summary(total_count),comments.summary(true)"
    body = graph(
        sandbox, "GET", post_id, params={"access_token": FB_TOKEN, "fields": fields}
    ).json()
    assert body["shares"] == {"count": 2}
    assert body["reactions"]["summary"]["total_count"] == 12
    assert body["comments"]["summary"]["total_count"] == 3
    r = graph(sandbox, "GET", post_id, params={"access_token": FB_TOKEN, "fields": "nope"})
    assert graph_code(r) == 100


def test_graph_requires_a_version_prefix(sandbox: SandboxHandle) -> None:
    r = HTTP.get(f"{sandbox.url}/latest/me", params={"access_token": FB_TOKEN})
    assert r.status_code == 400


# -- Bot API ------------------------------------------------------------------------------------
def test_bot_api_rejects_unknown_tokens(sandbox: SandboxHandle) -> None:
    r = bot(sandbox, "getMe", token="12:not-sandbox")
    assert r.status_code == 401 and r.json()["ok"] is False


def test_bot_api_rejects_unknown_chats(sandbox: SandboxHandle) -> None:
    r = bot(sandbox, "sendMessage", data={"chat_id": "@someone_else", "text": "x"})
    assert r.status_code == 400 and "chat not found" in r.json()["description"]


def test_bot_api_rejects_missing_text_and_unknown_methods(sandbox: SandboxHandle) -> None:
    assert bot(sandbox, "sendMessage", data={"chat_id": TG_CHAT}).status_code == 400
    assert bot(sandbox, "sendSticker", data={"chat_id": TG_CHAT}).status_code == 404


def test_bot_api_counts_caption_length_after_html_parsing(sandbox: SandboxHandle) -> None:
    png = Path(__file__)  # any file: the length check comes first
    files = {"photo": ("a.jpg", png.read_bytes(), "image/jpeg")}
    fits = "<b>" + "a" * 1024 + "</b>"
    too_long = "a" * 1025
    r = bot(sandbox, "sendPhoto", data={"chat_id": TG_CHAT, "caption": too_long}, files=files)
    assert r.status_code == 400 and "caption is too long" in r.json()["description"]
    r = bot(
        sandbox,
        "sendPhoto",
        data={"chat_id": TG_CHAT, "caption": fits, "parse_mode": "HTML"},
        files=files,
    )
    assert "caption is too long" not in r.json().get("description", "")


@pytest.mark.parametrize("text", ["<x>hi</x>", "<b>open", "a < b", "Tom & Jerry"])
def test_bot_api_rejects_unparseable_html(sandbox: SandboxHandle, text: str) -> None:
    r = bot(sandbox, "sendMessage", data={"chat_id": TG_CHAT, "text": text, "parse_mode": "HTML"})
    assert r.status_code == 400 and "can't parse entities" in r.json()["description"]


def test_bot_api_media_groups_need_two_to_ten_items_and_their_attachments(
    sandbox: SandboxHandle,
) -> None:
    one = json.dumps([{"type": "photo", "media": "https://example.org/a.jpg"}])
    r = bot(sandbox, "sendMediaGroup", data={"chat_id": TG_CHAT, "media": one})
    assert r.status_code == 400
    missing = json.dumps(
        [{"type": "photo", "media": "attach://a"}, {"type": "photo", "media": "attach://b"}]
    )
    r = bot(sandbox, "sendMediaGroup", data={"chat_id": TG_CHAT, "media": missing})
    assert r.status_code == 400 and "attach://a" in r.json()["description"]


# -- webhook receiver ---------------------------------------------------------------------------
def hook_post(
    sandbox: SandboxHandle, body: bytes, headers: dict[str, str], name: str = "office"
) -> httpx.Response:
    return HTTP.post(
        f"{sandbox.url}/hooks/{name}",
        content=body,
        headers={"content-type": "application/json"} | headers,
    )


def hmac_headers(
    body: bytes, secret: str = "sandbox-secret", key: str = "k1", ts: str | None = None
) -> dict[str, str]:
    stamp = ts or str(int(time.time()))
    return {
        "Idempotency-Key": key,
        "X-Timestamp": stamp,
        "X-Signature": signing.hmac_signature(secret, stamp, body),
    }


BODY = json.dumps({"event": "post.published", "text": "x"}).encode()


def test_hook_rejects_bad_or_missing_signatures(sandbox: SandboxHandle) -> None:
    assert hook_post(sandbox, BODY, hmac_headers(BODY, secret="wrong")).status_code == 401
    assert hook_post(sandbox, BODY, {"Idempotency-Key": "k"}).status_code == 401
    stale = str(int(time.time()) - 3600)
    assert hook_post(sandbox, BODY, hmac_headers(BODY, ts=stale)).status_code == 401


def test_hook_verifies_zalo_signatures_with_the_body_timestamp(sandbox: SandboxHandle) -> None:
    stamp = str(int(time.time() * 1000))
    body = json.dumps({"event": "post.published", "app_id": "a1", "timestamp": stamp}).encode()
    good = signing.zalo_signature("a1", body, stamp, "sandbox-secret")
    headers = {"Idempotency-Key": "z1", signing.ZALO_HEADER: good}
    assert hook_post(sandbox, body, headers).status_code == 200
    bad = {"Idempotency-Key": "z2", signing.ZALO_HEADER: good.replace("mac=", "mac=0")}
    assert hook_post(sandbox, body, bad).status_code == 401


def test_hook_requires_an_idempotency_key_and_replays_duplicates(
    sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    headers = hmac_headers(BODY)
    del headers["Idempotency-Key"]
    assert hook_post(sandbox, BODY, headers).status_code == 400
    first = hook_post(sandbox, BODY, hmac_headers(BODY, key="same"))
    again = hook_post(sandbox, BODY, hmac_headers(BODY, key="same"))
    assert first.json() == again.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(sb.published("webhook")) == 1


def test_registered_hooks_and_strict_mode(sandbox: SandboxHandle, sb: SandboxClient) -> None:
    sb.add_hook("cms", "cms-secret", scheme="hmac")
    assert hook_post(sandbox, BODY, hmac_headers(BODY, "cms-secret"), "cms").status_code == 200
    sb.set_permissive(False)
    assert hook_post(sandbox, BODY, hmac_headers(BODY, key="k9"), "office").status_code == 404
    assert bot(sandbox, "getMe").status_code == 401
    sb.add_telegram_bot(TG_TOKEN)
    assert bot(sandbox, "getMe").status_code == 200


# -- records and faults -------------------------------------------------------------------------
def test_records_carry_receipt_time_and_filter_by_seq_and_time(
    sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    before = time.time()
    hook_post(sandbox, BODY, hmac_headers(BODY, key="r1"))
    middle = time.time()
    hook_post(sandbox, BODY, hmac_headers(BODY, key="r2"))
    rows = sb.records("webhook")
    assert [r["idempotency_key"] for r in rows] == ["r1", "r2"]
    assert before <= rows[0]["received_at"] <= middle
    assert [r["idempotency_key"] for r in sb.records(since=rows[0]["seq"])] == ["r2"]
    assert [r["idempotency_key"] for r in sb.records(after=middle)] == ["r2"]
    assert sb.records("telegram") == []
    assert [r["idempotency_key"] for r in sb.records(tail=1)] == ["r2"]
    assert [r["idempotency_key"] for r in sb.records(limit=1)] == ["r1"]


def test_records_are_appended_to_a_json_lines_file(tmp_path: Path) -> None:
    with run_in_thread(data_dir=tmp_path) as handle:
        hook_post(handle, BODY, hmac_headers(BODY, key="f1"))
    lines = (tmp_path / RECORDS_FILE).read_text().splitlines()
    assert json.loads(lines[-1])["idempotency_key"] == "f1"


def test_faults_apply_n_times_and_match_accounts(sandbox: SandboxHandle, sb: SandboxClient) -> None:
    sb.add_fault("webhook", "error", status=503, times=2, account="office")
    statuses = [
        hook_post(sandbox, BODY, hmac_headers(BODY, key=f"n{i}")).status_code for i in range(3)
    ]
    assert statuses == [503, 503, 200]
    sb.add_fault("webhook", "error", status=500, times=None, account="other")
    assert hook_post(sandbox, BODY, hmac_headers(BODY, key="n9")).status_code == 200
    assert len(sb.faults()) == 1
    sb.clear_faults()
    assert sb.faults() == []


def test_telegram_429_fault_carries_retry_after(sandbox: SandboxHandle, sb: SandboxClient) -> None:
    sb.add_fault("telegram", "error", status=429, retry_after=4, method="sendMessage")
    r = bot(sandbox, "sendMessage", data={"chat_id": TG_CHAT, "text": "x"})
    assert r.status_code == 429 and r.json()["parameters"]["retry_after"] == 4


def test_bad_fault_specs_are_refused(sb: SandboxClient) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        sb.add_fault("myspace", "error")
    with pytest.raises(httpx.HTTPStatusError):
        sb.add_fault("facebook", "explode")


def test_global_latency_delays_every_answer(sandbox: SandboxHandle, sb: SandboxClient) -> None:
    sb.set_latency(0.2)
    started = time.monotonic()
    bot(sandbox, "getMe")
    assert time.monotonic() - started >= 0.2
    sb.set_latency(0)

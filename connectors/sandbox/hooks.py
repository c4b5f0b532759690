"""Signed-webhook receiver: verifies both schemes, de-duplicates on Idempotency-Key."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from connectors import signing
from connectors.sandbox.exchange import Outcome, exchange
from connectors.sandbox.faults import Fault
from connectors.sandbox.state import SandboxState

#: Accepted clock difference for signed timestamps, seconds.
TOLERANCE_S = 300.0


def fault_answer(fault: Fault) -> Outcome:
    status = fault.status or fault.code or 500
    headers: dict[str, str] = {}
    body: dict[str, Any] = {"error": fault.message or f"sandbox injected {status}"}
    if status == 429:
        headers["Retry-After"] = str(int(fault.retry_after if fault.retry_after is not None else 5))
    if status == 409:
        body = {"error": "duplicate", "duplicate": True}
    return Outcome(status, body, accepted=False, headers=headers)


def _summarise(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without inline base64 (records stay small)."""
    media = []
    for item in payload.get("media") or []:
        if isinstance(item, dict) and "data_base64" in item:
            item = {k: v for k, v in item.items() if k != "data_base64"} | {
                "inline_base64_chars": len(item["data_base64"])
            }
        media.append(item)
    return {**payload, "media": media}


async def handle(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    name = request.path_params["name"]
    raw = await request.body()
    key = request.headers.get("idempotency-key", "")
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    details: dict[str, Any] = {
        "idempotency_key": key,
        "payload": _summarise(payload) if isinstance(payload, dict) else None,
        "text": payload.get("text") if isinstance(payload, dict) else None,
    }

    def process() -> Outcome:
        hook = state.accounts.hook(name)
        if hook is None:
            return Outcome(404, {"error": f"unknown hook {name}"}, accepted=False)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return Outcome(415, {"error": "content type must be application/json"}, accepted=False)
        if not isinstance(payload, dict):
            return Outcome(400, {"error": "body is not a JSON object"}, accepted=False)
        if not key:
            return Outcome(400, {"error": "missing Idempotency-Key header"}, accepted=False)
        scheme = _verify(request, hook.secret, hook.scheme, hook.app_id, raw, payload)
        if scheme is None:
            return Outcome(
                401,
                {"error": "bad or missing signature"},
                accepted=False,
                details={"signature": "invalid"},
            )
        if not payload.get("event"):
            return Outcome(400, {"error": "missing field: event"}, accepted=False)
        with state.lock:
            previous = state.hook_seen.get((name, key))
        if previous is not None:
            # Stripe-style replay: the same answer again, marked, nothing new accepted.
            return Outcome(
                200,
                previous,
                accepted=False,
                headers={"Idempotent-Replayed": "true"},
                external_id=str(previous["id"]),
                details={"signature": scheme, "duplicate": True},
            )
        answer: dict[str, Any] = {"id": f"evt_{state.next_id()}", "received": True}
        with state.lock:
            state.hook_seen[(name, key)] = answer
        return Outcome(
            200, answer, external_id=answer["id"], published=True, details={"signature": scheme}
        )

    return await exchange(
        request,
        state,
        platform="webhook",
        method="hook",
        account=name,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
        echo=_echo(state, name),
    )


def _echo(state: SandboxState, name: str) -> str:
    """What an echoing fault quotes besides the request: the receiver's own configuration,
    secret included (a receiver's debug page may show anything)."""
    hook = state.accounts.hook(name)
    if hook is None:
        return ""
    return f"(receiver config: secret {hook.secret}, encoded {quote(hook.secret, safe='')})"


def _verify(
    request: Request,
    secret: str,
    scheme: str | None,
    app_id: str | None,
    raw: bytes,
    payload: dict[str, Any],
) -> str | None:
    """The scheme whose signature verified, or ``None``."""
    zalo = request.headers.get(signing.ZALO_HEADER)
    if zalo and scheme in (None, "zalo"):
        body_app = str(payload.get("app_id") or "")
        if app_id and body_app != app_id:
            return None
        ok = signing.verify_zalo(
            body_app,
            raw,
            str(payload.get("timestamp") or ""),
            secret,
            zalo,
            tolerance_s=TOLERANCE_S,
        )
        return "zalo" if ok else None
    mac = request.headers.get(signing.HMAC_HEADER)
    if mac and scheme in (None, "hmac"):
        ok = signing.verify_hmac(
            secret, request.headers.get(signing.TIMESTAMP_HEADER), raw, mac, tolerance_s=TOLERANCE_S
        )
        return "hmac" if ok else None
    return None

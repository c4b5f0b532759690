"""The request life cycle shared by all emulators: faults, recording, latency, answer."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from connectors.sandbox.faults import Fault
from connectors.sandbox.state import SandboxState

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a platform handler decided: the answer and what to record about it."""

    status: int
    body: Any
    accepted: bool = True
    #: A post became public (what the UI shows as "would have been published").
    published: bool = False
    external_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    # Graph clients (facebook-sdk) crash without a JSON content type: always send it (a text
    # body is an injected HTML error page, see ``Fault.plain``).
    if isinstance(body, str):
        return HTMLResponse(body, status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def abort_connection(request: Request) -> None:
    """Close the client's socket without any answer.

    ASGI has no "drop" message, so reach the uvicorn transport behind ``receive`` (its
    ``RequestResponseCycle``). Raises :class:`RuntimeError` if the server is not uvicorn; the
    client then sees a 500, still an ambiguous outcome.
    """
    owner = getattr(request.receive, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection under this server")
    transport.abort()


async def exchange(
    request: Request,
    state: SandboxState,
    *,
    platform: str,
    method: str,
    account: str | None,
    received_at: float,
    details: dict[str, Any],
    process: Callable[[], Outcome],
    error_answer: Callable[[Fault], Outcome],
    echo: str = "",
) -> Response:
    """Run one emulated request: apply a matching fault, call ``process``, record, answer.

    ``echo`` is what an echoing fault adds to the request line (the credential fields of the
    body, which the URL does not show)."""
    fault = state.faults.take(platform, account, method, request.method)
    if fault and fault.action == "error" and fault.message and "{request}" in fault.message:
        fault = _echoing(fault, request, echo)
    base = {
        "received_at": received_at,
        "http_method": request.method,
        "platform": platform,
        "method": method,
        "account": account,
        "path": request.url.path,
        **details,
    }
    fault_label = f"{fault.action}:{fault.when}" if fault else None
    if fault and fault.when == "before":
        if fault.action == "latency":
            await asyncio.sleep(fault.seconds)
        elif fault.action == "error":
            outcome = _plain(fault) if fault.plain else error_answer(fault)
            state.record(
                {
                    **base,
                    "status": outcome.status,
                    "accepted": False,
                    "fault": fault_label,
                    "response": outcome.body,
                }
            )
            await _latency(state)
            return json_response(outcome.status, outcome.body, outcome.headers)
        else:  # timeout / drop before accepting: the post is not published
            state.record({**base, "status": None, "accepted": False, "fault": fault_label})
            if fault.action == "timeout":
                await asyncio.sleep(fault.seconds)
            abort_connection(request)
            return Response(status_code=500)
    outcome = process()
    state.record(
        {
            **base,
            **outcome.details,
            "status": outcome.status,
            "accepted": outcome.accepted,
            "published": outcome.published,
            "external_id": outcome.external_id,
            "fault": fault_label,
            "response": outcome.body if not outcome.accepted else None,
        }
    )
    await _latency(state)
    if fault and fault.when == "after":
        if fault.action == "latency":
            await asyncio.sleep(fault.seconds)
        elif fault.action == "timeout":
            await asyncio.sleep(fault.seconds)  # the client has given up by now
        elif fault.action == "drop":
            abort_connection(request)
            return Response(status_code=500)
        elif fault.action == "error":  # accepted, then answered with an error (a 5xx)
            answer = _plain(fault) if fault.plain else error_answer(fault)
            return json_response(answer.status, answer.body, answer.headers)
    return json_response(outcome.status, outcome.body, outcome.headers)


def _echoing(fault: Fault, request: Request, echo: str) -> Fault:
    """A copy of ``fault`` whose message quotes the request (see :class:`Fault`)."""
    seen = f"{request.method} {request.url}"
    auth = request.headers.get("authorization")
    if auth:
        seen += f" Authorization: {auth}"
    if echo:
        seen += f" {echo}"
    return replace(
        fault, message=fault.message.replace("{request}", seen) if fault.message else seen
    )


def _plain(fault: Fault) -> Outcome:
    """An HTML error page (no JSON): what a proxy or a debugging server answers."""
    status = fault.status or 502
    return Outcome(status, f"<html><body>{status} {fault.message or ''}</body></html>", False)


async def _latency(state: SandboxState) -> None:
    if state.latency > 0:
        await asyncio.sleep(state.latency)


async def file_info(upload: UploadFile) -> tuple[bytes, dict[str, Any]]:
    """Read an uploaded part; returns its bytes and a small description to record."""
    data = await upload.read()
    return data, {
        "filename": upload.filename,
        "content_type": upload.content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def is_mp4(data: bytes) -> bool:
    """ISO media (MP4/MOV) files carry ``ftyp`` at byte 4."""
    return len(data) >= 12 and data[4:8] == b"ftyp"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) if Pillow can read ``data`` as an image, else ``None``."""
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as img:
            return img.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None

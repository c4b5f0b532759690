"""Emulators for audio bulletins: a loudspeaker system's upload endpoint and a province's
contracted text-to-speech service.

``POST /grassroots/<name>``: multipart ``file`` (the MP3), ``script`` and ``meta``,
HMAC-signed like our webhooks (the hook
secrets of :class:`connectors.sandbox.state.Accounts`; the demo secret in permissive mode);
de-duplicates on ``Idempotency-Key`` (a replay is answered with the first answer and
``Idempotent-Replayed: true``); refuses a body that is not MP3.

``POST /tts/synthesize``: ``Authorization: Bearer <key>`` (``sandbox-tts-key``), JSON
``{"text", "voice"}``; answers a 16-bit mono WAV whose length follows the text (a tone, not
speech: it stands in for the contracted voice). Faults (platform ``tts``) give its
timeouts and errors.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
import time
import wave
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from connectors import signing
from connectors.sandbox.exchange import Outcome, exchange
from connectors.sandbox.hooks import TOLERANCE_S, fault_answer
from connectors.sandbox.state import SandboxState

TTS_KEY = "sandbox-tts-key"
TTS_RATE = 16000
#: Seconds of "speech" per character of text.
TTS_SECONDS_PER_CHAR = 0.06


def is_mp3(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame sync at the start."""
    return data[:3] == b"ID3" or (len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


async def upload(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    name = request.path_params["name"]
    raw = await request.body()
    key = request.headers.get("idempotency-key", "")
    mp3, text, filename = b"", None, None
    try:
        form = await request.form()
        upload_part = form.get("file")
        if upload_part is not None and not isinstance(upload_part, str):
            mp3, filename = await upload_part.read(), upload_part.filename
        script = form.get("script")
        text = script if isinstance(script, str) else None
    except Exception:
        mp3 = b""
    details: dict[str, Any] = {
        "idempotency_key": key,
        "size": len(mp3),
        "sha256": hashlib.sha256(mp3).hexdigest(),
        "filename": filename,
        "text": text,
    }

    def process() -> Outcome:
        hook = state.accounts.hook(name)
        if hook is None:
            return Outcome(404, {"error": f"unknown system {name}"}, accepted=False)
        ok = signing.verify_hmac(
            hook.secret,
            request.headers.get(signing.TIMESTAMP_HEADER),
            raw,
            request.headers.get(signing.HMAC_HEADER),
            tolerance_s=TOLERANCE_S,
        )
        if not ok:
            return Outcome(401, {"error": "bad or missing signature"}, accepted=False)
        if not key:
            return Outcome(400, {"error": "missing Idempotency-Key header"}, accepted=False)
        if not is_mp3(mp3):
            return Outcome(415, {"error": "the file part is not an MP3 file"}, accepted=False)
        with state.lock:
            previous = state.hook_seen.get((f"grassroots:{name}", key))
        if previous is not None:
            return Outcome(
                200,
                previous,
                accepted=False,
                headers={"Idempotent-Replayed": "true"},
                external_id=str(previous["id"]),
                details={"duplicate": True},
            )
        answer: dict[str, Any] = {"id": f"bul_{state.next_id()}", "received": True}
        with state.lock:
            state.hook_seen[(f"grassroots:{name}", key)] = answer
        return Outcome(200, answer, external_id=answer["id"], published=True)

    return await exchange(
        request,
        state,
        platform="grassroots",
        method="upload",
        account=name,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
    )


def tone_wav(seconds: float) -> bytes:
    """A quiet 220 Hz tone with a slow tremolo, as a WAV file."""
    frames = max(1, round(seconds * TTS_RATE))
    samples = (
        int(6000 * math.sin(2 * math.pi * 220 * n / TTS_RATE) * (0.6 + 0.4 * math.sin(n / 2000)))
        for n in range(frames)
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(TTS_RATE)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buf.getvalue()


async def synthesize(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    raw = await request.body()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    text = payload.get("text") if isinstance(payload, dict) else None
    details: dict[str, Any] = {"chars": len(text) if isinstance(text, str) else None}
    audio: list[bytes] = []

    def process() -> Outcome:
        if request.headers.get("authorization", "") != f"Bearer {TTS_KEY}":
            return Outcome(401, {"error": "bad API key"}, accepted=False)
        if not isinstance(text, str) or not text.strip():
            return Outcome(400, {"error": "text is required"}, accepted=False)
        audio.append(tone_wav(min(120.0, len(text) * TTS_SECONDS_PER_CHAR)))
        return Outcome(200, {"ok": True}, published=True)

    answer = await exchange(
        request,
        state,
        platform="tts",
        method="synthesize",
        account=None,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
    )
    if audio and answer.status_code == 200:
        return Response(audio[0], media_type="audio/wav")
    return answer

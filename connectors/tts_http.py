"""A province's contracted text-to-speech service, over HTTP (the pluggable voice).

``POST <url>`` with ``Authorization: Bearer <key>`` and JSON ``{"text", "voice", "format":
"wav"}``; the answer's body is the audio (WAV or MP3; ffmpeg reads either). Used by the
bulletin service as a :class:`media.tts.Voice`. The emulator is
:mod:`connectors.sandbox.grassroots` (``/tts/synthesize``).

Failures use :mod:`connectors.errors`: a timeout or dropped connection is
:class:`AmbiguousError` (nothing was received: safe to retry the whole bulletin, which is
made again from scratch), a refused key :class:`AuthError`, a 4xx :class:`PermanentError`,
a refused connection or 5xx :class:`TransientError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.retry import parse_retry_after

#: The largest answer accepted (a paragraph is seconds of audio, not minutes).
MAX_AUDIO_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class HttpVoice:
    """A contracted TTS endpoint. ``key`` is a secret: never in an error text."""

    url: str
    key: str = field(repr=False)
    voice: str = "vi-female"
    timeout: float = 30.0
    name: str = "provider"

    def synthesise(self, text: str, out: Path) -> None:
        """Write the spoken ``text`` to ``out``. Raises :class:`ConnectorError` subclasses."""
        import httpx

        from connectors import failures, guarded_http, netguard, tls

        try:
            netguard.check_url(self.url)
            with guarded_http.client(
                timeout=self.timeout, ssl_context=tls.client_context()
            ) as client:
                response = client.post(
                    self.url,
                    json={"text": text, "voice": self.voice, "format": "wav"},
                    headers={"Authorization": f"Bearer {self.key}"},
                )
        except (ConnectorError, httpx.HTTPError) as exc:
            raise failures.translate(exc, classify, (self.key,)) from None
        status = response.status_code
        if status == 200 and 44 < len(response.content) <= MAX_AUDIO_BYTES:
            out.write_bytes(response.content)
            return
        raise classify_status(status, response.headers.get("retry-after"))


def classify_status(status: int, retry_after: str | None = None) -> ConnectorError:
    """The provider's status table. Raises nothing."""
    message = f"TTS provider answered {status}"
    if status in (401, 403):
        return AuthError(message, code=f"http:{status}")
    if status == 429:
        wait = parse_retry_after(retry_after)
        return RateLimitedError(message, retry_after=30.0 if wait is None else wait)
    if status == 200:
        return PermanentError("TTS provider sent no usable audio", code="empty")
    if 400 <= status < 500:
        return PermanentError(message, code=f"http:{status}")
    return TransientError(message, code=f"http:{status}")


def classify(exc: BaseException) -> ConnectorError:
    """Transport failures of the provider. Raises nothing."""
    import httpx

    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransientError(f"cannot connect to the TTS provider: {exc}", code="connect")
    if isinstance(exc, httpx.TimeoutException):
        return AmbiguousError("the TTS provider did not answer in time", code="timeout")
    return AmbiguousError(f"TTS provider connection failed: {exc!r}", code="dropped")

"""Text-to-speech voices for audio bulletins.

A voice turns one paragraph of Vietnamese text into a WAV file. The embedded default is
espeak-ng's Vietnamese voice (Debian package ``espeak-ng``), run as a subprocess with a
timeout. A province's contracted HTTP service plugs in as any object with the same
``synthesise`` method (``connectors.tts_http.HttpVoice``; the service layer chooses).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from media import errors

#: espeak-ng voices of Vietnamese: Northern (default), Central, Southern.
ESPEAK_VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")


class Voice(Protocol):
    """What the bulletin assembly needs from a voice."""

    @property
    def name(self) -> str:
        """Short name recorded with the bulletin (``espeak``, ``provider``)."""

    def synthesise(self, text: str, out: Path) -> None:
        """Write ``text`` spoken as a WAV file at ``out``. Raises :class:`MediaError`."""


def espeak_path() -> str | None:
    """The espeak-ng binary, or None when it is not installed."""
    return shutil.which("espeak-ng")


@dataclass(frozen=True)
class EspeakVoice:
    """espeak-ng's Vietnamese voice. ``speed`` in words per minute (espeak's ``-s``)."""

    voice: str = "vi"
    speed: int = 150
    pitch: int = 45
    timeout: float = 60.0
    name: str = "espeak"

    def synthesise(self, text: str, out: Path) -> None:
        """Raises :class:`MediaError`: ``tts_missing`` (espeak-ng not installed),
        ``tts_timeout``, ``tts_failed``."""
        exe = espeak_path()
        if exe is None:
            raise errors.MediaError(errors.TTS_MISSING, "espeak-ng is not installed")
        cmd = [exe, "-v", self.voice, "-s", str(self.speed), "-p", str(self.pitch)]
        cmd += ["-w", str(out), "--stdin"]
        try:
            done = subprocess.run(
                cmd,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise errors.MediaError(
                errors.TTS_TIMEOUT, "espeak-ng timed out", seconds=round(self.timeout)
            ) from None
        except OSError as exc:
            raise errors.MediaError(errors.TTS_FAILED, str(exc), detail=str(exc)[:200]) from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
            detail = done.stderr.decode("utf-8", "replace").strip()[:200] or "no audio"
            raise errors.MediaError(errors.TTS_FAILED, detail, detail=detail)

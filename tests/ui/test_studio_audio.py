"""The studio's library shows an audio file (a bulletin) in words: no English kind name, no
dangling separator where an image has its size."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

from publisher.db import session_scope
from publisher.services.studio import library as media
from tests.ui.conftest import texts


def _tone(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(8000)))
    return path


def test_an_audio_item_in_the_library_is_described_in_vietnamese(office, app_as, tmp_path):
    with session_scope() as s:
        media.add_file(s, office.actor("officer"), _tone(tmp_path / "ban-tin.wav"), title="Bản tin")
    at = app_as(office, "officer", "views/studio.py")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "Âm thanh" in captions and "audio" not in captions
    assert not [c for c in captions if c.startswith(" · ") or c.startswith("· ")]
    assert "Bản tin" in texts(at)

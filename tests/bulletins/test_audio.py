"""Making the MP3 (media.bulletin): a real espeak-ng render measured for sanity, the jingle,
and the refusals of a person's recording."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from media import bulletin as audio
from media.errors import MediaError
from media.tts import EspeakVoice, espeak_path

needs_espeak = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)

ITEMS = [
    ("Ngày KH&CN 18/5", "Sáng 18/5/2026, UBND tỉnh gặp mặt 120 nhà khoa học."),
    ("Chuyển đổi số", "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 65%."),
]


def tone(path: Path, seconds: float, amplitude: float, rate: int = 22050) -> Path:
    frames = b"".join(
        # Louder than full scale is cut at full scale, as an overdriven microphone does.
        struct.pack("<h", max(-32767, min(32767, round(amplitude * 32767 * _sine(n, rate)))))
        for n in range(round(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def _sine(n: int, rate: int) -> float:
    return math.sin(2 * math.pi * 440 * n / rate)


def not_audio(path: Path) -> Path:
    path.write_bytes(b"this is not audio at all")
    return path


def test_a_script_has_an_intro_one_paragraph_per_item_and_an_outro() -> None:
    script = audio.build_script(ITEMS, unit="xã Tân Phong", day="10/10/2026")

    assert len(script.paragraphs) == 4
    assert script.paragraphs[0].startswith("Đây là bản tin phát thanh cơ sở của xã Tân Phong")
    assert "mười tháng mười năm hai nghìn không trăm hai mươi sáu" in script.paragraphs[0]
    assert script.paragraphs[1].startswith("Tin thứ nhất.")
    assert "Ủy ban nhân dân" in script.paragraphs[1]
    assert "sáu mươi lăm phần trăm" in script.paragraphs[2]
    assert audio.Script.parse(script.text) == script


@pytest.mark.parametrize("text", ["", "   \n\n  ", "🎉 #CĐS https://x.vn"])
def test_a_bulletin_with_no_text_is_refused(text: str) -> None:
    with pytest.raises(MediaError) as info:
        if text.startswith("🎉"):
            audio.build_script([("", text)], unit="xã", day="10/10/2026")
        else:
            audio.Script.parse(text)
    assert info.value.key == "media.error.bulletin_no_text"


@needs_espeak
def test_the_embedded_voice_makes_a_loudness_normalised_mp3(tmp_path: Path) -> None:
    script = audio.build_script(ITEMS, unit="xã Tân Phong", day="10/10/2026")
    out = tmp_path / "b.mp3"

    measured = audio.make(script, out, voice=EspeakVoice(), opts=audio.AudioOptions())

    assert out.read_bytes()[:3] == b"ID3" or out.read_bytes()[0] == 0xFF
    # Sanity bounds, not timing: four spoken paragraphs between two jingles.
    assert 15 < measured.duration < 120
    assert abs(measured.lufs - (-23.0)) <= 1.5  # EBU R128 target
    assert measured.true_peak <= -0.5
    assert not list(tmp_path.glob(".*.part"))


@needs_espeak
@pytest.mark.parametrize(("kbps", "channels"), [(96, 1), (128, 2)])
def test_the_mp3_has_the_bitrate_and_channels_asked_for(
    tmp_path: Path, kbps: int, channels: int
) -> None:
    from media.probe import probe

    out = tmp_path / "b.mp3"
    opts = audio.AudioOptions(bitrate_kbps=kbps, channels=channels)
    audio.make(audio.Script(("Xin chào bà con.",)), out, voice=EspeakVoice(), opts=opts)

    info = probe(out)
    assert info.audio_codec and "mp3" in info.audio_codec
    size_kbps = out.stat().st_size * 8 / 1000 / info.duration
    assert kbps * 0.8 < size_kbps < kbps * 1.25


def test_a_bitrate_the_systems_do_not_take_is_refused() -> None:
    with pytest.raises(MediaError) as info:
        audio.AudioOptions(bitrate_kbps=100).check()
    assert info.value.key == "media.error.bad_bitrate"


def test_a_person_s_recording_is_framed_and_normalised(tmp_path: Path) -> None:
    rec = tone(tmp_path / "rec.wav", 3.0, 0.2)
    out = tmp_path / "b.mp3"

    measured = audio.make(audio.Script(("Bản tin.",)), out, recording=rec)

    jingles = 2 * audio.decode(audio.JINGLE).size / audio.RATE
    assert measured.duration == pytest.approx(3.0 + jingles + 2 * audio.EDGE_PAUSE_S, abs=0.2)
    assert abs(measured.lufs + 23.0) <= 1.5


def _level(samples: np.ndarray) -> float:
    """RMS of ``samples`` in dBFS."""
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))))


@pytest.mark.parametrize("amplitude", [0.02, 0.6], ids=["quiet-recording", "loud-recording"])
def test_the_jingle_sits_at_the_voice_s_level_however_loud_the_recording(
    tmp_path: Path, amplitude: float
) -> None:
    """A quiet recording (a phone held far away) is not drowned by a jingle 12 dB louder at
    the end (loudnorm's dynamic mode pumped the mix when the jingle and the voice were far
    apart), and a loud one does not make the jingle a whisper."""
    rec = tone(tmp_path / "rec.wav", 8.0, amplitude)
    out = tmp_path / "b.mp3"

    measured = audio.make(audio.Script(("Bản tin.",)), out, recording=rec)

    samples = audio.decode(out)
    jingle = audio.decode(audio.JINGLE).size
    edge = round(audio.EDGE_PAUSE_S * audio.RATE)
    first, last = samples[: jingle - audio.RATE // 2], samples[-jingle + audio.RATE // 2 :]
    voice = samples[jingle + edge + audio.RATE : -(jingle + edge + audio.RATE)]
    for tune in (first, last):
        assert abs(_level(tune) - _level(voice)) <= 4.0, (_level(tune), _level(voice))
    assert abs(measured.lufs + 23.0) <= 1.0


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (not_audio, "recording_not_audio"),
        (lambda p: tone(p, 2.0, 0.0), "recording_silent"),
        (lambda p: tone(p, 2.0, 0.0005), "recording_silent"),
        (lambda p: tone(p, 2.0, 1.6), "recording_clipped"),
        (lambda p: tone(p, 5.0, 0.3), "recording_too_long"),
    ],
    ids=["not-audio", "silence", "whisper", "clipping", "too-long"],
)
def test_a_bad_recording_is_refused_with_its_reason(tmp_path: Path, make: object, key: str) -> None:
    path = make(tmp_path / "rec.wav")  # type: ignore[operator]
    out = tmp_path / "b.mp3"

    with pytest.raises(MediaError) as info:
        audio.make(
            audio.Script(("Bản tin.",)),
            out,
            recording=path,
            opts=audio.AudioOptions(max_seconds=4.0),
        )

    assert info.value.key == f"media.error.{key}"
    assert not out.exists()


def test_a_bulletin_longer_than_the_system_takes_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "b.mp3"
    with pytest.raises(MediaError) as info:
        audio.encode(
            np.zeros(audio.RATE * 10, dtype=np.float32), out, audio.AudioOptions(max_seconds=5)
        )
    assert info.value.key == "media.error.bulletin_too_long"
    assert not out.exists()


def test_the_shipped_jingle_is_the_one_the_generator_makes(tmp_path: Path) -> None:
    audio.make_jingle(tmp_path / "j.wav")
    assert (tmp_path / "j.wav").read_bytes() == audio.JINGLE.read_bytes()


def test_a_missing_espeak_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("media.tts.espeak_path", lambda: None)
    with pytest.raises(MediaError) as info:
        EspeakVoice().synthesise("Xin chào", tmp_path / "x.wav")
    assert info.value.key == "media.error.tts_missing"

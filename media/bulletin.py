"""Audio bulletins for the grassroots loudspeaker systems («bản tin phát thanh cơ sở»).

A bulletin is a :class:`Script` (paragraphs: intro, one per item, outro) spoken by a
:class:`media.tts.Voice` or read by a person (a recording), framed by the shipped jingle
with pauses between paragraphs, loudness-normalised to EBU R128 (ffmpeg's ``loudnorm``, two
passes, linear) and encoded as MP3 at a bitrate loudspeaker systems take. Audio is handled
as float samples in numpy between ffmpeg decodes, so parts of any rate join cleanly.

Plain inputs and files only: nothing here knows of posts or channels.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from media import errors
from media.probe import ffmpeg_exe
from media.tts import Voice

RATE = 44100
BITRATES = (32, 48, 64, 96, 128, 160, 192)
JINGLE = Path(__file__).parent / "sounds" / "jingle.wav"
#: Seconds of silence between paragraphs, and after the intro jingle / before the outro.
PAUSE_S = 1.2
EDGE_PAUSE_S = 0.5
#: A recording quieter than this (RMS, dBFS) is silence; more than this share of samples at
#: full scale is clipping.
SILENCE_DBFS = -50.0
CLIP_LEVEL = 0.999
CLIP_SHARE = 0.001
#: Working levels before the final normalisation (active RMS, dBFS): the voice, the jingle
#: this many dB under it, and no working peak above WORK_PEAK.
VOICE_DBFS = -20.0
JINGLE_UNDER_VOICE_DB = 2.0
WORK_PEAK = 0.95


@dataclass(frozen=True)
class AudioOptions:
    """How the MP3 is made. ``lufs``: integrated loudness target (EBU R128: -23)."""

    bitrate_kbps: int = 64
    channels: int = 1
    lufs: float = -23.0
    true_peak: float = -1.0
    max_seconds: float = 900.0
    timeout: float = 300.0

    def check(self) -> None:
        """Raises :class:`MediaError` ``bad_bitrate`` for a bitrate or layout we do not make."""
        if self.bitrate_kbps not in BITRATES or self.channels not in (1, 2):
            raise errors.MediaError(
                errors.BAD_BITRATE,
                "unsupported MP3 layout",
                bitrate=self.bitrate_kbps,
                allowed=", ".join(str(b) for b in BITRATES),
            )


@dataclass(frozen=True)
class Script:
    """What is read, paragraph by paragraph; the text form separates them by blank lines."""

    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @classmethod
    def parse(cls, text: str) -> Script:
        """Paragraphs of an (edited) script; raises ``bulletin_no_text`` when there are none."""
        parts = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip())
        if not parts or not any(re.search(r"\w", p) for p in parts):
            raise errors.MediaError(errors.BULLETIN_NO_TEXT, "the bulletin has no text")
        return cls(parts)


@dataclass(frozen=True)
class Measured:
    """Facts of a finished bulletin."""

    duration: float
    lufs: float
    true_peak: float
    bytes: int
    extra: dict[str, float] = field(default_factory=dict)


def build_script(
    items: Sequence[tuple[str, str]], *, unit: str, day: str, intro: str = "", outro: str = ""
) -> Script:
    """A script from ``(title, text)`` items, read for listening (:mod:`media.speech`).

    ``day`` is the broadcast date as dd/mm/yyyy. Raises ``bulletin_no_text`` when no item
    has any text.
    """
    from media.speech import for_listening, ordinal

    spoken = []
    for title, body in items:
        text = for_listening(body)
        head = for_listening(title) if title.strip() else ""
        if head and text.startswith(head.rstrip(".")):
            head = ""  # the text opens with its title: read it once
        joined = " ".join(p for p in (head, text) if p)
        if joined:
            spoken.append(joined)
    if not spoken:
        raise errors.MediaError(errors.BULLETIN_NO_TEXT, "the bulletin has no text")
    many = len(spoken) > 1
    paragraphs = [
        for_listening(intro or f"Đây là bản tin phát thanh cơ sở của {unit}, ngày {day}.")
    ]
    for n, text in enumerate(spoken, start=1):
        paragraphs.append(f"Tin {ordinal(n)}. {text}" if many else text)
    paragraphs.append(
        for_listening(outro or "Bản tin đến đây là kết thúc. Cảm ơn bà con đã lắng nghe.")
    )
    return Script(tuple(paragraphs))


# -- samples ----------------------------------------------------------------------------------
def decode(path: Path, *, timeout: float = 120.0) -> np.ndarray:
    """Mono float32 samples at :data:`RATE` of any audio file ffmpeg reads.

    Raises :class:`MediaError` ``recording_not_audio`` when ffmpeg finds no audio in it.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path)]
    cmd += ["-vn", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise errors.MediaError(
            errors.FFMPEG_TIMEOUT, "ffmpeg timed out", seconds=round(timeout)
        ) from None
    samples = np.frombuffer(done.stdout, dtype="<f4")
    if done.returncode != 0 or samples.size == 0:
        raise errors.MediaError(errors.RECORDING_NOT_AUDIO, "not audio", file=path.name)
    return samples.astype(np.float32)


def check_recording(path: Path, *, max_seconds: float, name: str | None = None) -> np.ndarray:
    """A person's recording, refused when it is not audio, silent, clipped or too long.

    Returns its samples. Raises :class:`MediaError` ``recording_not_audio``,
    ``recording_silent``, ``recording_clipped``, ``recording_too_long``.
    """
    label = name or path.name
    try:
        samples = decode(path)
    except errors.MediaError as exc:
        raise errors.MediaError(errors.RECORDING_NOT_AUDIO, str(exc), file=label) from None
    seconds = samples.size / RATE
    if seconds > max_seconds:
        raise errors.MediaError(
            errors.RECORDING_TOO_LONG,
            "recording too long",
            file=label,
            seconds=round(seconds),
            limit=round(max_seconds),
        )
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    if rms <= 0 or 20 * np.log10(rms) < SILENCE_DBFS:
        raise errors.MediaError(errors.RECORDING_SILENT, "recording is silent", file=label)
    clipped = float(np.mean(np.abs(samples) >= CLIP_LEVEL))
    if clipped > CLIP_SHARE:
        raise errors.MediaError(
            errors.RECORDING_CLIPPED,
            "recording is clipped",
            file=label,
            percent=round(clipped * 100, 2),
        )
    return samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), dtype=np.float32)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit mono PCM (the intermediate before normalisation)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def speak(script: Script, voice: Voice, workdir: Path) -> list[np.ndarray]:
    """Each paragraph spoken by ``voice``. Raises what the voice raises."""
    parts = []
    for n, paragraph in enumerate(script.paragraphs):
        wav = workdir / f"part-{n:03d}.wav"
        voice.synthesise(paragraph, wav)
        parts.append(decode(wav))
    return parts


def active_level(samples: np.ndarray) -> float | None:
    """RMS (dBFS) of the 50 ms blocks of ``samples`` louder than :data:`SILENCE_DBFS` (the
    pauses between words do not count); None when every block is silent."""
    block = RATE // 20
    n = samples.size // block
    if n == 0:
        return None
    power = np.mean(np.square(samples[: n * block].reshape(n, block), dtype=np.float64), axis=1)
    loud = power[power > 10 ** (SILENCE_DBFS / 10)]
    return float(10 * np.log10(np.mean(loud))) if loud.size else None


def at_level(samples: np.ndarray, dbfs: float) -> np.ndarray:
    """``samples`` scaled so that their :func:`active_level` is ``dbfs``, with no peak above
    :data:`WORK_PEAK` (a louder peak lowers the gain instead)."""
    level = active_level(samples)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if level is None or peak <= 0:
        return samples
    gain = min(10 ** ((dbfs - level) / 20), WORK_PEAK / peak)
    return (samples * gain).astype(np.float32)


def frame(parts: Sequence[np.ndarray], *, jingle: Path = JINGLE) -> np.ndarray:
    """Jingle, pause, the parts with pauses between them, pause, jingle.

    The voice and the jingle are first brought to fixed working levels, the jingle
    :data:`JINGLE_UNDER_VOICE_DB` under the voice, whatever the recording's own level: the
    final normalisation then only scales the whole (loudnorm's linear mode; a quiet
    recording framed by a loud jingle made it fall back to its dynamic mode, which pumped
    the closing jingle 12 dB over the voice)."""
    tune = at_level(decode(jingle), VOICE_DBFS - JINGLE_UNDER_VOICE_DB)
    speech: list[np.ndarray] = []
    for n, part in enumerate(parts):
        if n:
            speech.append(silence(PAUSE_S))
        speech.append(part)
    pieces = [tune, silence(EDGE_PAUSE_S)]
    if speech:
        pieces.append(at_level(np.concatenate(speech), VOICE_DBFS))
    pieces += [silence(EDGE_PAUSE_S), tune]
    return np.concatenate(pieces)


# -- loudness and encoding --------------------------------------------------------------------
_JSON = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}", re.S)


def _ffmpeg(args: list[str], timeout: float) -> str:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise errors.MediaError(
            errors.FFMPEG_TIMEOUT, "ffmpeg timed out", seconds=round(timeout)
        ) from None
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        last = (err.strip().splitlines() or [f"exit {done.returncode}"])[-1][:200]
        raise errors.MediaError(errors.FFMPEG_FAILED, last, detail=last)
    return err


def loudness(path: Path, opts: AudioOptions | None = None) -> dict[str, float]:
    """EBU R128 measurement of ``path`` (``input_i`` LUFS, ``input_tp`` dBTP, ``input_lra``,
    ``input_thresh``). Raises :class:`MediaError` (``ffmpeg_*``)."""
    o = opts or AudioOptions()
    flt = f"loudnorm=I={o.lufs}:TP={o.true_peak}:LRA=11:print_format=json"
    err = _ffmpeg(["-i", str(path), "-af", flt, "-f", "null", "-"], o.timeout)
    found = _JSON.search(err)
    if found is None:
        raise errors.MediaError(errors.FFMPEG_FAILED, "no loudness", detail="no loudness")
    data = json.loads(found.group(0))
    return {k: float(v) for k, v in data.items() if k.startswith("input_")}


def encode(samples: np.ndarray, out: Path, opts: AudioOptions) -> None:
    """Normalise (two-pass linear ``loudnorm``) and write the MP3 at ``out`` atomically.

    Raises :class:`MediaError`: ``bulletin_too_long``, ``bad_bitrate``, ``ffmpeg_*``.
    """
    opts.check()
    seconds = samples.size / RATE
    if seconds > opts.max_seconds:
        raise errors.MediaError(
            errors.BULLETIN_TOO_LONG,
            "bulletin too long",
            seconds=round(seconds),
            limit=round(opts.max_seconds),
        )
    with tempfile.TemporaryDirectory(prefix="bulletin-") as tmp:
        wav = Path(tmp) / "mix.wav"
        write_wav(wav, samples)
        m = loudness(wav, opts)
        flt = (
            f"loudnorm=I={opts.lufs}:TP={opts.true_peak}:LRA=11:measured_I={m['input_i']}"
            f":measured_TP={m['input_tp']}:measured_LRA={m['input_lra']}"
            f":measured_thresh={m['input_thresh']}:linear=true"
        )
        part = out.with_name(f".{out.name}.part")
        try:
            _ffmpeg(
                [
                    "-y",
                    "-loglevel",
                    "error",
                    "-i",
                    str(wav),
                    "-af",
                    flt,
                    "-ar",
                    str(RATE),
                    "-ac",
                    str(opts.channels),
                    "-c:a",
                    "libmp3lame",
                    "-b:a",
                    f"{opts.bitrate_kbps}k",
                    "-f",
                    "mp3",
                    str(part),
                ],
                opts.timeout,
            )
            part.replace(out)  # the finished file appears at once, or not at all
        finally:
            part.unlink(missing_ok=True)


def measure(path: Path, opts: AudioOptions | None = None) -> Measured:
    """Duration, integrated loudness and true peak of a finished bulletin."""
    m = loudness(path, opts)
    duration = decode(path).size / RATE
    return Measured(
        duration=round(duration, 2),
        lufs=round(m["input_i"], 1),
        true_peak=round(m["input_tp"], 1),
        bytes=path.stat().st_size,
    )


def make(
    script: Script,
    out: Path,
    *,
    voice: Voice | None = None,
    recording: Path | None = None,
    recording_name: str | None = None,
    opts: AudioOptions | None = None,
) -> Measured:
    """Render ``script`` (spoken by ``voice``) or frame ``recording`` into the MP3 ``out``.

    Raises :class:`MediaError` (voice, recording and encoding errors); ``out`` is then
    untouched.
    """
    o = opts or AudioOptions()
    o.check()
    if recording is not None:
        parts = [check_recording(recording, max_seconds=o.max_seconds, name=recording_name)]
    else:
        if voice is None:
            from media.tts import EspeakVoice

            voice = EspeakVoice()
        with tempfile.TemporaryDirectory(prefix="tts-") as tmp:
            parts = speak(script, voice, Path(tmp))
    encode(frame(parts), out, o)
    return measure(out, o)


def make_jingle(path: Path, *, seconds: float = 2.6) -> None:
    """The shipped jingle (``sounds/jingle.wav``), synthesised: a rising C-major arpeggio of
    soft bell tones ending on a chord. Made by this function, so free of any licence."""
    t = np.arange(round(seconds * RATE)) / RATE
    mix = np.zeros_like(t)
    notes = (523.25, 659.25, 783.99, 1046.5)  # C5 E5 G5 C6
    for n, freq in enumerate(notes):
        start = 0.28 * n
        local = np.clip(t - start, 0, None)
        env = np.where(t >= start, np.exp(-local * 2.2) * (1 - np.exp(-local * 60)), 0.0)
        tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
        mix += 0.22 * env * tone
    fade = np.minimum(1.0, (t[-1] - t) / 0.3)
    write_wav(path, (mix * fade).astype(np.float32))

"""A small music library made here, by code: four background tracks synthesised with numpy.

Why synthesised: an office needs music it may post anywhere without a licence question. These
tracks are generated on first use from the parameters below (chords, tempo, instruments made
of sine partials with envelopes, a little filtered noise for drums), so they are our own work,
released with the project under CC0 1.0 (public domain dedication). Each track is a seamless
loop of a few bars (note tails wrap round to the start), loudness-normalised by ffmpeg's
``loudnorm`` (EBU R128) to -16 LUFS integrated, true peak -1.5 dBTP, and stored as AAC in a
cache directory; clips loop them to any length and normalise again at mixing.

Generation is deterministic (fixed seeds), so every machine makes the same tracks.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from media import errors
from media.files import atomic_path
from media.probe import ffmpeg_exe

RATE = 48000
VERSION = 1  # bump when a recipe changes: the cache file name carries it
#: Words that mean "no music" (the clip still gets a silent audio track).
SILENCE = frozenset({"", "none", "silence", "im-lang", "khong"})


@dataclass(frozen=True)
class Track:
    name: str  # its label is ``media.music.<name>`` in media/labels.py
    bpm: int
    chords: tuple[tuple[int, ...], ...]  # MIDI notes per bar
    style: str  # pad | arp | bell | march
    seed: int


TRACKS: dict[str, Track] = {
    t.name: t
    for t in (
        Track("trang-trong", 72,
              ((48, 55, 60, 64), (45, 52, 57, 60), (41, 53, 57, 60), (43, 50, 55, 59)),
              "pad", 1),
        Track("tuoi-sang", 112,
              ((48, 60, 64, 67), (43, 59, 62, 67), (45, 57, 60, 64), (41, 57, 60, 65)),
              "arp", 2),
        Track("nhe-nhang", 84,
              ((50, 62, 66, 69), (47, 59, 62, 66), (43, 59, 62, 67), (45, 57, 61, 64)),
              "bell", 3),
        Track("hanh-khuc", 104,
              ((48, 60, 64, 67), (41, 60, 65, 69), (43, 59, 62, 67), (48, 60, 64, 67)),
              "march", 4),
    )
}  # fmt: skip


def _freq(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _tone(note: float, seconds: float, partials: tuple[float, ...], attack: float,
          decay: float | None) -> np.ndarray:  # fmt: skip
    """A note of sine partials with a linear attack and an exponential (or no) decay."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    f = _freq(note)
    wave_ = sum(a * np.sin(2 * np.pi * f * (k + 1) * t) for k, a in enumerate(partials))
    env = np.minimum(1.0, t / max(attack, 1e-3))
    if decay is not None:
        env = env * np.exp(-t / decay)
    else:  # a held note: release over its last fifth
        env = env * np.clip((seconds - t) / (seconds * 0.2), 0, 1)
    return np.asarray(wave_ * env, dtype=np.float64)


def _add(buf: np.ndarray, start: float, sig: np.ndarray, pan: float = 0.0) -> None:
    """Mix ``sig`` into stereo ``buf`` at ``start`` s, wrapping round the end (seamless loop)."""
    i = int(start * RATE) % len(buf)
    left, right = np.sqrt(0.5 * (1 - pan)), np.sqrt(0.5 * (1 + pan))
    idx = (np.arange(len(sig)) + i) % len(buf)
    np.add.at(buf[:, 0], idx, sig * left)
    np.add.at(buf[:, 1], idx, sig * right)


def synthesise(track: Track, bars: int = 8) -> np.ndarray:
    """The track as float stereo samples (``bars`` bars of 4 beats, looping seamlessly)."""
    beat = 60.0 / track.bpm
    bar = 4 * beat
    buf = np.zeros((int(bars * bar * RATE), 2))
    rng = np.random.default_rng(track.seed)
    for b in range(bars):
        chord = track.chords[b % len(track.chords)]
        t0 = b * bar
        bass, upper = chord[0], chord[1:]
        # Pad: every style has a soft bed of the upper notes and the bass.
        for k, note in enumerate(upper):
            pad = _tone(note, bar * 1.05, (0.5, 0.18, 0.08), bar * 0.3, None)
            _add(buf, t0, pad * 0.16, pan=(k - 1) * 0.5)
        _add(buf, t0, _tone(bass - 12 if bass > 40 else bass, bar, (0.7, 0.25), 0.02, None) * 0.3)
        if track.style == "arp":
            for s in range(8):
                note = upper[s % len(upper)] + (12 if s >= 4 else 0)
                pluck = _tone(note, beat * 1.5, (0.6, 0.3, 0.12, 0.06), 0.004, beat * 0.35)
                _add(buf, t0 + s * beat / 2, pluck * 0.22, pan=0.4 if s % 2 else -0.4)
        elif track.style == "bell":
            scale = (0, 2, 4, 7, 9)
            for s in range(4):
                note = 74 + scale[int(rng.integers(0, 5))] - (12 if s == 3 else 0)
                bell = _tone(note, beat * 3, (0.5, 0.0, 0.2, 0.0, 0.08), 0.002, beat * 0.9)
                _add(buf, t0 + s * beat, bell * 0.18, pan=float(rng.uniform(-0.5, 0.5)))
        elif track.style == "march":
            for s in range(4):
                kick_t = np.arange(int(0.25 * RATE)) / RATE
                kick = np.sin(2 * np.pi * (55 + 90 * np.exp(-kick_t * 30)) * kick_t)
                _add(buf, t0 + s * beat, kick * np.exp(-kick_t * 14) * 0.55)
                if s % 2:
                    noise = rng.standard_normal(int(0.18 * RATE))
                    noise = np.convolve(noise, np.ones(4) / 4, mode="same")
                    env = np.exp(-np.arange(len(noise)) / RATE * 22)
                    _add(buf, t0 + s * beat, noise * env * 0.18)
                stab = sum(_tone(n, beat * 0.6, (0.5, 0.2, 0.1), 0.005, beat * 0.25)
                           for n in upper)  # fmt: skip
                _add(buf, t0 + s * beat + beat / 2, np.asarray(stab) * 0.08)
    peak = float(np.abs(buf).max()) or 1.0
    return buf / peak * 0.5


def cache_dir() -> Path:
    """Where generated tracks are kept when the caller names no folder (the publisher passes
    ``<data dir>/media/music``): a folder in the temp dir."""
    return Path(tempfile.gettempdir()) / "media-music"


def track_path(name: str, directory: Path | None = None) -> Path:
    """The library track ``name`` as an AAC file, generated on first use.

    Raises :class:`MediaError` (``unknown_track``, ``ffmpeg_failed``).
    """
    track = TRACKS.get(name)
    if track is None:
        raise errors.MediaError(
            errors.UNKNOWN_TRACK, f"unknown track {name!r}", file=name, tracks=", ".join(TRACKS)
        )
    directory = directory or cache_dir()
    out = directory / f"{name}-v{VERSION}.m4a"
    if out.is_file() and out.stat().st_size > 0:
        return out
    directory.mkdir(parents=True, exist_ok=True)
    samples = (synthesise(track) * 32767).astype("<i2")
    with tempfile.TemporaryDirectory(prefix="music-", dir=directory) as tmp:
        raw = Path(tmp) / "raw.wav"
        with wave.open(str(raw), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        with atomic_path(out) as partial:
            done = subprocess.run(
                [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                 "-i", str(raw), "-af", "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000",
                 "-c:a", "aac", "-b:a", "160k", "-f", "mp4", str(partial)],
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                detail = done.stderr.decode("utf-8", "replace").strip()[-200:]
                raise errors.MediaError(errors.FFMPEG_FAILED, detail, detail=detail)
    return out


def resolve(value: str | Path | None, directory: Path | None = None) -> tuple[Path | None, bool]:
    """What ``--audio`` names: ``(file, loop)``. A library track's name gives its file
    (looped), a silence word (``none``, ``silence``...) or nothing gives ``(None, False)``,
    anything else is a file of the user's (padded with silence, not looped).

    A value that is neither a track, a silence word nor an existing file, and has no file
    extension, is taken for a mistyped track name. Raises :class:`MediaError`
    (``unknown_track``, ``ffmpeg_failed``).
    """
    if value is None:
        return None, False
    key = str(value).strip()
    if key.lower() in SILENCE:
        return None, False
    if key in TRACKS:
        return track_path(key, directory), True
    path = Path(key)
    if not path.exists() and not path.suffix:
        raise errors.MediaError(
            errors.UNKNOWN_TRACK, f"unknown track {key!r}", file=key, tracks=", ".join(TRACKS)
        )
    return path, False


def choices() -> list[str]:
    """Every value a user may pick: ``none`` (silence) and the track names."""
    return ["none", *TRACKS]

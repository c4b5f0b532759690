from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media import errors
from media.brand import BrandKit
from media.probe import probe
from media.video import VideoSpec, render_video
from media.video_graph import Segment, chunks, plan, single_command

SMALL = (320, 320)


def _spec(assets: dict[str, Path], **changes: object) -> VideoSpec:
    base: dict[str, object] = {
        "images": [assets["photo0"], assets["photo1"], assets["photo2"]],
        "size": SMALL,
        "seconds_per_image": 1.5,
        "crossfade": 0.5,
        "brand": BrandKit(org_name="UBND tỉnh Đồng Nai", hashtag="#NQ57"),
    }
    base.update(changes)
    return VideoSpec(**base)  # type: ignore[arg-type]


def test_a_slideshow_has_the_promised_duration_codec_and_frames(
    assets: dict[str, Path], no_stray_files: Path
) -> None:
    seen: list[float] = []
    result = render_video(_spec(assets), no_stray_files / "clip.mp4", on_progress=seen.append)
    info = probe(result.path, count_frames=True)
    expected = 3 * 1.5 - 2 * 0.5
    assert result.duration == pytest.approx(expected)
    assert info.duration == pytest.approx(expected, abs=0.05)
    assert (info.width, info.height) == SMALL
    assert info.video_codec == "h264"
    assert info.pix_fmt == "yuv420p"
    assert info.fps == 30
    assert info.frames == round(expected * 30)
    assert info.has_audio  # silence: a clip always has an audio track
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_faststart_puts_the_index_before_the_media(assets: dict[str, Path], tmp_path: Path) -> None:
    result = render_video(_spec(assets, images=[assets["photo0"]]), tmp_path / "clip.mp4")
    head = result.path.read_bytes()[:4096]
    assert head.find(b"moov") != -1
    assert head.find(b"moov") < max(head.find(b"mdat"), 4096)


def test_title_end_card_captions_zoom_and_audio(
    assets: dict[str, Path], audio: Path, no_stray_files: Path
) -> None:
    spec = _spec(
        assets,
        title="Ngày Chuyển đổi số quốc gia 10/10",
        subtitle="Chung tay xây dựng chính quyền số",
        end_card=True,
        campaign="Hưởng ứng Nghị quyết 57-NQ/TW",
        captions=["Trung tâm Hành chính công tỉnh 🎉", "", "Người dân tra cứu hồ sơ"],
        zoom=True,
        audio=audio,  # 2 s of sound for a longer clip: padded with silence, faded
        title_seconds=1.5,
        end_seconds=1.5,
    )
    result = render_video(spec, no_stray_files / "full.mp4")
    info = probe(result.path, count_frames=True)
    expected = 5 * 1.5 - 4 * 0.5
    assert info.duration == pytest.approx(expected, abs=0.06)
    assert info.frames == round(expected * 30)
    assert info.audio_codec == "aac"
    assert result.thumbnail is not None and result.thumbnail.is_file()
    assert Image.open(result.thumbnail).size == SMALL
    assert result.recipe["title"] == spec.title


@pytest.mark.parametrize(
    ("size", "name"), [((1080, 1920), "9:16"), ((1080, 1080), "1:1"), ((1280, 720), "16:9")]
)
def test_every_aspect_ratio_preset_renders(
    assets: dict[str, Path], tmp_path: Path, size: tuple[int, int], name: str
) -> None:
    # Full-size presets, kept short: one still image, one second.
    spec = _spec(
        assets,
        images=[assets["photo1"]],
        size=size,
        seconds_per_image=1.0,
        captions=["Chú thích tiếng Việt"],
    )
    info = probe(render_video(spec, tmp_path / f"{name.replace(':', 'x')}.mp4").path)
    assert (info.width, info.height) == size
    assert info.pix_fmt == "yuv420p"


def test_odd_sizes_are_made_even_for_yuv420p(assets: dict[str, Path], tmp_path: Path) -> None:
    spec = _spec(assets, images=[assets["photo0"]], size=(321, 241), seconds_per_image=1.0)
    info = probe(render_video(spec, tmp_path / "odd.mp4").path)
    assert (info.width, info.height) == (320, 240)


@pytest.mark.parametrize("bad", ["truncated", "bomb", "text", "empty"])
def test_a_bad_image_fails_cleanly_without_output(
    assets: dict[str, Path], no_stray_files: Path, bad: str
) -> None:
    out = no_stray_files / "clip.mp4"
    with pytest.raises(errors.MediaError):
        render_video(_spec(assets, images=[assets["photo0"], assets[bad]]), out)
    assert not out.exists()


def test_zero_length_audio_is_refused(assets: dict[str, Path], tmp_path: Path) -> None:
    silent = tmp_path / "empty.mp3"
    silent.write_bytes(b"")
    out = tmp_path / "clip.mp4"
    with pytest.raises(errors.MediaError) as caught:
        render_video(_spec(assets, audio=silent), out)
    assert caught.value.key == errors.BAD_AUDIO
    assert not out.exists()


def test_audio_without_sound_is_refused(assets: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_video(_spec(assets, audio=assets["text"]), tmp_path / "clip.mp4")
    assert caught.value.key == errors.BAD_AUDIO


def test_huge_audio_is_refused(
    assets: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import media.probe

    monkeypatch.setattr(media.probe, "MAX_AUDIO_BYTES", 10)
    big = tmp_path / "big.mp3"
    big.write_bytes(b"\x00" * 100)
    with pytest.raises(errors.MediaError) as caught:
        render_video(_spec(assets, audio=big), tmp_path / "clip.mp4")
    assert caught.value.key == errors.AUDIO_TOO_LARGE


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"images": []}, errors.NO_IMAGES),
        ({"images": ["x.jpg"] * 31}, errors.TOO_MANY_IMAGES),
        ({"seconds_per_image": 0.2}, errors.BAD_DURATION),
        ({"seconds_per_image": 20.0, "images": ["a"] * 10}, errors.FILE_NOT_FOUND),
    ],
)
def test_bad_specs_are_refused(
    assets: dict[str, Path], tmp_path: Path, changes: dict[str, object], key: str
) -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_video(_spec(assets, **changes), tmp_path / "clip.mp4")
    assert caught.value.key == key


def test_a_short_clip_is_one_ffmpeg_filter_graph(tmp_path: Path) -> None:
    segments = [Segment(tmp_path / f"s{i}.bmp", 2.0) for i in range(3)]
    parts = plan(segments, 30, 15)
    assert len(chunks(parts)) == 1
    cmd = single_command(
        parts, segments, (320, 320), tmp_path / "o.mp4", fps=30, fade=15, audio=None, total=5.0
    )
    graph = cmd[cmd.index("-filter_complex") + 1]
    assert graph.count("fade=t=in") == 2
    assert graph.count("concat=n=5") == 1  # hold, fade, hold, fade, hold
    assert "+faststart" in cmd and "yuv420p" in cmd and "libx264" in cmd


def test_a_long_clip_is_rendered_in_chunks_with_exact_frames_and_audio(
    assets: dict[str, Path], audio: Path, no_stray_files: Path
) -> None:
    images = [assets[f"photo{i % 3}"] for i in range(7)]
    spec = _spec(
        assets,
        images=images,
        seconds_per_image=1.0,
        crossfade=0.4,
        audio=audio,
        captions=["Một", "Hai"],
        zoom=True,
    )
    segments = [Segment(Path(f"{i}"), 1.0) for i in range(7)]
    assert len(chunks(plan(segments, 30, 12))) > 1
    seen: list[float] = []
    result = render_video(spec, no_stray_files / "long.mp4", on_progress=seen.append)
    info = probe(result.path, count_frames=True)
    expected_frames = 7 * 30 - 6 * 12
    assert info.frames == expected_frames
    assert info.duration == pytest.approx(expected_frames / 30, abs=0.06)
    assert info.audio_codec == "aac" and info.pix_fmt == "yuv420p"
    assert seen == sorted(seen) and seen[-1] == 1.0


def _integrated_lufs(path: Path) -> float:
    import re
    import subprocess

    from media.probe import ffmpeg_exe

    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0",
         "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    match = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    assert match, summary
    return float(match.group(1))


@pytest.mark.parametrize("volume", [0.02, 0.9])
def test_music_is_loudness_normalised_to_about_minus_16_lufs(
    assets: dict[str, Path], tmp_path: Path, volume: float
) -> None:
    import subprocess

    from media.probe import ffmpeg_exe

    quiet_or_loud = tmp_path / "music.m4a"
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "sine=frequency=330:duration=12", "-af", f"volume={volume}",
         "-c:a", "aac", str(quiet_or_loud)],
        check=True, timeout=60,
    )  # fmt: skip
    source = _integrated_lufs(quiet_or_loud)
    spec = _spec(assets, seconds_per_image=3.0, audio=quiet_or_loud)
    result = render_video(spec, tmp_path / "clip.mp4")
    measured = _integrated_lufs(result.path)
    assert abs(source - (-16)) > 6  # the input really was off target
    assert measured == pytest.approx(-16, abs=1.5)

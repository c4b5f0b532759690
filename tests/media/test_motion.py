"""Motion-graphic clips, the music library, the motion opener, link-preview crops, emblem."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media import errors, music
from media.brand import PRESETS, BrandKit
from media.infographic import render_infographic
from media.motion import MotionSpec, frames_at, render_motion
from media.probe import ffmpeg_exe, probe
from media.samples import sample_fields
from media.sizes import IMAGE_SIZES, link_crop
from media.templates.base import CHROME, STORY_SAFE_BOTTOM, STORY_SAFE_TOP, Canvas
from media.video import VideoSpec, render_video
from tests.media.test_video import _integrated_lufs

RED = BrandKit(
    org_name="Sở KH&CN",
    primary=PRESETS["government-red"][0],
    accent=PRESETS["government-red"][1],
    header_line1="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
    header_line2="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    hashtag="#R57",
)
STORY = (540, 960)  # 9:16 at half size: the same layout rules, a quarter of the pixels
STATS = {
    "title": "Kết quả 6 tháng đầu năm",
    "stats": ["Hồ sơ đúng hạn=1.234.567", "Không dùng tiền mặt=87,5%", "Doanh nghiệp số=2450"],
}


@pytest.fixture(scope="session")
def music_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("music")


def _frame(path: Path, at: float) -> np.ndarray:
    """The decoded frame at ``at`` seconds (``-1``: the last one), as RGB."""
    seek = ["-sseof", "-0.25"] if at < 0 else ["-ss", f"{at:.3f}"]
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", *seek, "-i", str(path),
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    info = probe(path)
    return np.frombuffer(done.stdout, np.uint8).reshape(info.height, info.width, 3)


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.fixture(scope="module")
def stats_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MotionSpec]:
    spec = MotionSpec("stats", STATS, STORY, seconds=4.0, fps=15, brand=RED)
    out = tmp_path_factory.mktemp("motion") / "stats.mp4"
    render_motion(spec, out)
    return out, spec


def test_a_motion_clip_builds_up_to_the_finished_card(
    stats_clip: tuple[Path, MotionSpec],
) -> None:
    path, _spec = stats_clip
    final = np.asarray(render_infographic("stats", STATS, RED, STORY).image.convert("RGB"))
    empty = np.asarray(Canvas(RED, STORY).image.convert("RGB"))
    first, middle, last = _frame(path, 0.0), _frame(path, 1.0), _frame(path, -1)
    info = render_infographic("stats", STATS, RED, STORY)
    top, bottom = info.content_box[1], info.content_box[3]  # type: ignore[index]
    # At the start the content box is empty background; the header is already there.
    assert _diff(first[top:bottom], empty[top:bottom]) < 3
    assert _diff(first[:top], final[:top]) < 3
    # At the end the frame is the card itself (up to H.264 noise).
    assert _diff(last, final) < 2.5
    # Half-way it is neither.
    assert _diff(middle[top:bottom], final[top:bottom]) > 3
    assert _diff(middle[top:bottom], empty[top:bottom]) > 3


def test_numbers_count_up_before_they_settle() -> None:
    spec = MotionSpec("stats", STATS, STORY, seconds=4.0, fps=15, brand=RED)
    card = render_infographic("stats", STATS, RED, STORY)
    x0, y0, x1, y1 = card.ink["stat0_value"]
    final = np.asarray(card.image.convert("RGB"))
    seen = [np.asarray(f)[y0:y1, x0:x1] for f in frames_at(spec, [1.3, 1.7, 3.9])]
    # The first value's region shows other numbers while counting (two different ones),
    # then exactly the template's own.
    assert _diff(seen[0], final[y0:y1, x0:x1]) > 4 and _diff(seen[1], final[y0:y1, x0:x1]) > 2
    assert _diff(seen[0], seen[1]) > 2
    assert _diff(seen[2], final[y0:y1, x0:x1]) < 0.5
    # The whole last frame is the card (the soft edge of the reveal mask aside).
    assert _diff(np.asarray(frames_at(spec, [3.9])[0]), final) < 0.5


def test_a_motion_clip_has_its_length_sound_and_poster(
    stats_clip: tuple[Path, MotionSpec],
) -> None:
    path, spec = stats_clip
    info = probe(path)
    assert info.duration == pytest.approx(spec.seconds, abs=0.1)
    assert info.has_audio and info.audio_codec == "aac"
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert (info.width, info.height) == STORY
    poster = Image.open(path.with_name(path.stem + ".thumb.png"))
    assert poster.size == STORY


def test_nothing_moves_in_the_story_safe_areas(stats_clip: tuple[Path, MotionSpec]) -> None:
    path, _spec = stats_clip
    empty = np.asarray(Canvas(RED, STORY).image.convert("RGB"))
    h = STORY[1]
    top, bottom = round(h * STORY_SAFE_TOP), h - round(h * STORY_SAFE_BOTTOM)
    for at in (0.0, 0.8, 1.5, 2.5, -1):
        frame = _frame(path, at)
        # Only the background (and the brand's top rule) in the top 14 % and bottom 20 %.
        assert _diff(frame[:top], empty[:top]) < 2.5, at
        assert _diff(frame[bottom:], empty[bottom:]) < 2.5, at


def test_a_countdown_ticks_down_to_its_day(tmp_path: Path) -> None:
    fields = {"title": "Ngày Chuyển đổi số quốc gia", "date": "10/10/2027"}
    spec = MotionSpec("campaign", fields, (640, 360), 5.0, fps=15, brand=RED,
                      today=date(2027, 9, 15))  # fmt: skip
    result = render_motion(spec, tmp_path / "countdown.mp4")
    card = render_infographic("campaign", fields, RED, (640, 360), today=date(2027, 9, 15))
    assert "25" in " ".join(card.drawn["countdown"][0].lines)
    x0, y0, x1, y1 = card.ink["countdown"]
    final = np.asarray(card.image.convert("RGB"))[y0:y1, x0:x1]
    ticking, settled = (np.asarray(f)[y0:y1, x0:x1] for f in frames_at(spec, [2.0, 4.9]))
    assert _diff(ticking, final) > 3 and _diff(settled, final) < 0.5
    assert _diff(_frame(result.path, 2.0)[y0:y1, x0:x1], final) > 3  # in the clip too
    assert probe(result.path).has_audio
    assert result.alt.startswith("Video đồ họa động")


def test_chart_bars_grow_from_the_left(tmp_path: Path) -> None:
    fields = {"title": "Tỷ lệ hồ sơ trực tuyến", "kind": "bar", "unit": "%",
              "data": ["Sở KH&CN=92,5", "Sở Nội vụ=88", "Sở Y tế=64"]}  # fmt: skip
    result = render_motion(MotionSpec("chart", fields, STORY, 4.0, 15, RED), tmp_path / "c.mp4")
    card = render_infographic("chart", fields, RED, STORY)
    y0, y1 = card.boxes["label0"][1], card.boxes["label0"][3]
    right = card.boxes["value0"][0] - 10
    half = card.content_box[0] + (right - card.content_box[0]) // 2  # type: ignore[index]
    final = np.asarray(card.image.convert("RGB"))
    # Early in the row's reveal its left part is drawn and its right part not yet.
    early = next(
        f for f in (_frame(result.path, t) for t in (0.6, 0.7, 0.8, 0.9))
        if _diff(f[y0:y1, :half], final[y0:y1, :half]) < 12
    )  # fmt: skip
    assert _diff(early[y0:y1, half:right], final[y0:y1, half:right]) > 5


def test_bad_motion_input_is_refused_without_output(tmp_path: Path, music_dir: Path) -> None:
    out = tmp_path / "bad.mp4"
    with pytest.raises(errors.MediaError) as caught:
        render_motion(MotionSpec("stats", STATS, STORY, seconds=99), out)
    assert caught.value.key == errors.BAD_MOTION_SECONDS and caught.value.params["max"] == 30
    with pytest.raises(errors.MediaError) as caught:
        render_motion(MotionSpec("stats", {"title": "x" * 500, "stats": STATS["stats"]}), out)
    assert caught.value.key in (errors.TEXT_TOO_LONG, errors.TEXT_NO_ROOM)
    with pytest.raises(errors.MediaError) as caught:
        music.resolve("nhac-khong-co", music_dir)
    assert caught.value.key == errors.UNKNOWN_TRACK
    assert "tuoi-sang" in caught.value.params["tracks"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_silence_words_mean_no_music() -> None:
    for word in ("none", "silence", "", None):
        assert music.resolve(word) == (None, False)


def test_library_tracks_are_made_here_at_about_minus_16_lufs(music_dir: Path) -> None:
    assert set(music.TRACKS) == {"trang-trong", "tuoi-sang", "nhe-nhang", "hanh-khuc"}
    for name in music.TRACKS:
        path = music.track_path(name, music_dir)
        info = probe(path)
        assert info.has_audio and 15 <= info.duration <= 40
        assert _integrated_lufs(path) == pytest.approx(-16, abs=1.0)
    # Deterministic: the same samples on every machine.
    track = music.TRACKS["nhe-nhang"]
    assert np.array_equal(music.synthesise(track, bars=1), music.synthesise(track, bars=1))


def test_a_library_track_loops_to_the_clip_and_is_normalised(
    tmp_path: Path, music_dir: Path
) -> None:
    audio, loop = music.resolve("hanh-khuc", music_dir)
    assert loop and audio is not None
    spec = MotionSpec("stats", STATS, (640, 640), seconds=30.0, fps=5, brand=RED,
                      audio=audio, loop_audio=True)  # fmt: skip
    result = render_motion(spec, tmp_path / "long.mp4")
    info = probe(result.path)
    assert info.duration == pytest.approx(30, abs=0.15) and probe(audio).duration < 29
    assert _integrated_lufs(result.path) == pytest.approx(-16, abs=1.5)
    # The music plays to the end: the last seconds are not silent padding.
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-ss", "26", "-i", str(result.path),
         "-t", "2", "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    mean = float(done.stderr.split("mean_volume:")[1].split("dB")[0])
    assert mean > -40


def test_a_slideshow_can_open_with_a_motion_graphic(
    assets: dict[str, Path], tmp_path: Path, music_dir: Path
) -> None:
    audio, loop = music.resolve("tuoi-sang", music_dir)
    spec = VideoSpec(
        [assets["photo0"], assets["photo1"]],
        (360, 640),
        seconds_per_image=2.0,
        title="Ngày hội Đổi mới sáng tạo",
        subtitle="01/10/2026",
        motion=True,
        captions=["Ảnh 1", "Ảnh 2"],
        audio=audio,
        loop_audio=loop,
        brand=RED,
    )
    result = render_video(spec, tmp_path / "clip.mp4")
    info = probe(result.path)
    # 4 s opener, then 2 + 2 s with a 0.5 s crossfade.
    assert result.duration == pytest.approx(4 + 3.5, abs=0.05)
    assert info.duration == pytest.approx(result.duration, abs=0.1) and info.has_audio
    opener = render_infographic("campaign", {"title": spec.title, "subtitle": spec.subtitle},
                                RED, (360, 640))  # fmt: skip
    assert _diff(_frame(result.path, 3.8), np.asarray(opener.image.convert("RGB"))) < 3
    assert _diff(_frame(result.path, 0.1), _frame(result.path, 3.8)) > 3
    assert _integrated_lufs(result.path) == pytest.approx(-16, abs=1.5)


@pytest.mark.parametrize("size", [IMAGE_SIZES["link"], IMAGE_SIZES["wide"], (1920, 1080)])
@pytest.mark.parametrize("template", ["campaign", "stats", "event", "chart"])
def test_link_previews_keep_text_inside_the_centre_crop(
    template: str, size: tuple[int, int]
) -> None:
    crop = link_crop(size)
    assert crop > 0
    card = render_infographic(template, sample_fields(template, size), RED, size,
                              today=date(2026, 9, 1))  # fmt: skip
    for name, (_x0, y0, _x1, y1) in card.ink.items():
        assert y0 >= crop and y1 <= size[1] - crop, (name, y0, y1, crop)


def test_the_emblem_opens_the_header_and_the_logo_closes_it(assets: dict[str, Path]) -> None:
    brand = RED.with_(emblem=assets["logo"], logo=assets["transparent"])
    card = render_infographic("campaign", {"title": "Tiêu đề"}, brand, (1080, 1080))
    emblem, logo = card.boxes["emblem"], card.boxes["logo"]
    line2 = card.ink["header_line2"]
    assert emblem[0] < line2[0] and line2[2] <= logo[0] and emblem[1] == logo[1]
    assert "emblem" in CHROME
    # Only an emblem: it takes the logo's place on the left.
    alone = render_infographic("campaign", {"title": "Tiêu đề"}, RED.with_(emblem=assets["logo"]))
    assert "logo" not in alone.boxes and alone.boxes["emblem"][0] < alone.ink["header_line2"][0]


def test_a_motion_clips_poster_is_its_finished_card() -> None:
    from publisher.models import MediaAsset
    from publisher.services.studio.library import poster_time

    def asset(recipe: dict[str, object], duration: float) -> MediaAsset:
        return MediaAsset(id=1, org_id=1, sha256="1" * 64, kind="video", path="m.mp4",
                          title="M", duration=duration, recipe=recipe)  # fmt: skip

    assert poster_time(asset({"motion": {"template": "stats"}}, 10.0)) == pytest.approx(9.6)
    assert poster_time(asset({"slides": [], "motion": True}, 10.0)) == 3.8  # the opener's end
    assert poster_time(asset({"slides": []}, 10.0)) == 1.0
    assert poster_time(asset({}, 1.5)) == pytest.approx(0.5)

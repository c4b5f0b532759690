from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from media import errors
from media.library import MediaLibrary, hash_distance, near_duplicates


def test_identical_content_is_stored_once(assets: dict[str, Path], tmp_path: Path) -> None:
    lib = MediaLibrary(tmp_path)
    first = lib.store(assets["photo0"])
    again = lib.store(assets["photo0"].read_bytes(), filename="copy.jpg")
    assert first.created and not again.created
    assert again.sha256 == first.sha256 and again.path == first.path
    assert first.path.name == f"{first.sha256}.jpg"
    assert first.path.parent == tmp_path / "objects" / first.sha256[:2] / first.sha256[2:4]


def test_metadata_describes_the_image(assets: dict[str, Path], tmp_path: Path) -> None:
    meta = (
        MediaLibrary(tmp_path)
        .store(
            assets["photo0"],
            recipe={"template": "campaign"},
            extra={"org": "dongnai", "tags": ["cds"]},
        )
        .meta
    )
    assert meta["kind"] == "image" and meta["mime"] == "image/jpeg"
    assert (meta["width"], meta["height"]) == (900, 600)
    assert meta["bytes"] == assets["photo0"].stat().st_size
    assert len(meta["phash"]) == 16
    assert meta["recipe"] == {"template": "campaign"} and meta["org"] == "dongnai"
    assert MediaLibrary(tmp_path).meta(meta["sha256"]) == meta


def test_a_resized_recompressed_copy_is_a_near_duplicate(
    assets: dict[str, Path], tmp_path: Path
) -> None:
    lib = MediaLibrary(tmp_path)
    original = lib.store(assets["photo0"])
    smaller = tmp_path / "smaller.jpg"
    Image.open(assets["photo0"]).resize((450, 300)).save(smaller, quality=60)
    copy = lib.store(smaller)
    other = lib.store(assets["photo1"])
    assert copy.sha256 != original.sha256
    known = [(1, original.meta["phash"]), (2, other.meta["phash"])]
    assert [key for key, _ in near_duplicates(copy.meta["phash"], known)] == [1]
    assert original.sha256 in [k for k, _ in lib.near_duplicates(copy.meta["phash"])]
    assert hash_distance(copy.meta["phash"], other.meta["phash"]) > 8


def test_videos_and_audio_are_described(
    tmp_path: Path, audio: Path, assets: dict[str, Path]
) -> None:
    from media.video import VideoSpec, render_video

    clip = render_video(
        VideoSpec(images=[assets["photo0"]], size=(160, 160), seconds_per_image=1.0),
        tmp_path / "c.mp4",
    ).path
    lib = MediaLibrary(tmp_path / "lib")
    video = lib.store(clip).meta
    assert video["kind"] == "video" and video["duration"] == pytest.approx(1.0, abs=0.05)
    assert video["ext"] == "mp4" and video["phash"]
    sound = lib.store(audio).meta
    assert sound["kind"] == "audio" and sound["duration"] == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("bad", ["truncated", "garbage", "empty", "text", "bomb"])
def test_bad_files_leave_nothing_in_the_library(
    assets: dict[str, Path], tmp_path: Path, bad: str
) -> None:
    lib = MediaLibrary(tmp_path)
    with pytest.raises(errors.MediaError):
        lib.store(assets[bad])
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_crash_while_moving_into_place_leaves_nothing_half_written(
    assets: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = MediaLibrary(tmp_path)

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        lib.store(assets["photo0"])
    monkeypatch.undo()
    assert not list((tmp_path / "objects").rglob("*.jpg"))
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("in-")]
    stored = lib.store(assets["photo0"])  # and a retry works
    assert stored.created and stored.path.is_file()


def test_everything_can_be_listed_for_reindexing(assets: dict[str, Path], tmp_path: Path) -> None:
    lib = MediaLibrary(tmp_path)
    a = lib.store(assets["photo0"]).sha256
    b = lib.store(assets["cmyk"]).sha256
    assert {m["sha256"] for m in lib.all()} == {a, b}
    assert a in lib and "0" * 64 not in lib

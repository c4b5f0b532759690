from __future__ import annotations

from pathlib import Path

import pytest

from media import errors
from media.brand import BrandKit
from media.images import flatten, open_image
from media.infographic import render_infographic
from media.video_cards import slide


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("truncated", errors.CORRUPT_IMAGE),
        ("garbage", errors.CORRUPT_IMAGE),
        ("empty", errors.EMPTY_FILE),
        ("text", errors.UNSUPPORTED_FORMAT),
        ("ico", errors.UNSUPPORTED_FORMAT),
        ("bomb", errors.DECOMPRESSION_BOMB),
    ],
)
def test_bad_images_are_refused_with_a_catalogued_error(
    assets: dict[str, Path], name: str, key: str
) -> None:
    with pytest.raises(errors.MediaError) as caught:
        open_image(assets[name])
    assert caught.value.key == key
    assert caught.value.params["file"]


def test_a_missing_file_is_reported() -> None:
    with pytest.raises(errors.MediaError) as caught:
        open_image("/nonexistent/ảnh.jpg")
    assert caught.value.key == errors.FILE_NOT_FOUND


def test_exif_rotation_is_honoured(assets: dict[str, Path]) -> None:
    assert open_image(assets["exif"]).size == (200, 400)


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("cmyk", "RGB"),
        ("palette", "RGBA"),
        ("transparent", "RGBA"),
        ("grey16", "RGB"),
        ("photo0", "RGB"),
        ("emoji_name", "RGB"),
    ],
)
def test_colour_modes_are_normalised(assets: dict[str, Path], name: str, mode: str) -> None:
    assert open_image(assets[name]).mode == mode


def test_sixteen_bit_grey_is_scaled_not_clipped(assets: dict[str, Path]) -> None:
    image = open_image(assets["grey16"])
    lo, hi = image.convert("L").getextrema()
    assert hi - lo > 100


def test_transparent_images_sit_on_the_brand_background(assets: dict[str, Path]) -> None:
    brand = BrandKit(primary="#0B3D91")
    frame = slide(assets["transparent"], (400, 300), brand)
    assert frame.mode == "RGB"
    assert frame.getpixel((10, 10)) == (11, 61, 145)  # transparent corner -> primary
    assert frame.getpixel((200, 150))[1] > 150  # the opaque green square survives


def test_flatten_keeps_rgb_untouched(assets: dict[str, Path]) -> None:
    image = open_image(assets["photo0"])
    assert flatten(image, (0, 0, 0)) is image


def test_a_cmyk_logo_renders(assets: dict[str, Path]) -> None:
    brand = BrandKit(org_name="UBND", logo=assets["cmyk"])
    result = render_infographic("quote", {"title": "Đổi mới"}, brand, (540, 540))
    assert "logo" in result.boxes

"""The media library service keeps tags clean: NFC, stripped, no blanks, no repeats, sorted."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from publisher.db import session_scope
from publisher.services.studio import library as media
from tests.factories import make_office

NFD = unicodedata.normalize("NFD", "Chuyển đổi số")


def test_tags_are_cleaned_when_adding_and_when_setting(
    db: Any, clock: Any, assets: dict[str, Path]
) -> None:
    office = make_office()
    with session_scope() as s:
        asset = media.add_file(
            s, office.actor("officer"), assets["photo0"], tags=[" 10/10 ", "10/10", "", NFD]
        )
        assert asset.tags == ["10/10", "Chuyển đổi số"]
        assert asset.tags[1] == unicodedata.normalize("NFC", NFD)
        assert asset.id is not None
        again = media.set_tags(s, office.actor("officer"), asset.id, [NFD, "  ", "ảnh ", "ảnh"])
        assert again.tags == ["Chuyển đổi số", "ảnh"]

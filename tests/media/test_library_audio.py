"""An audio file in the library (a bulletin, a music track) has no perceptual hash and does
not break the near-duplicate check of the library page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select

from publisher.db import session_scope
from publisher.models import MediaAsset
from publisher.services.studio import library as media
from tests.factories import make_office


def test_the_library_page_lists_images_beside_audio_without_a_hash(
    db: Any, clock: Any, assets: dict[str, Path], audio: Path
) -> None:
    office = make_office()
    actor = office.actor("officer")
    with session_scope() as s:
        photo = media.add_file(s, actor, assets["photo0"])
        tone = media.add_file(s, actor, audio)
        assert tone.kind == "audio"
        assert tone.phash is None
    with session_scope() as s:
        # A row written before the fix carries "" as its hash.
        old = s.exec(select(MediaAsset).where(MediaAsset.id == tone.id)).one()
        old.phash = ""
        s.add(old)
    with session_scope() as s:
        listed, dups = media.library_page(s, office.actor("editor"), limit=60)
        assert {a.id for a in listed} >= {photo.id, tone.id}
        assert photo.id is not None
        assert dups[photo.id] == []

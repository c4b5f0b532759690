"""Campaign plan with media: cards and clip queued, rendered, attached; nothing duplicated."""

from __future__ import annotations

from typing import Any

from PIL import Image
from sqlmodel import func, select

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.models import Channel, MediaAsset, Post, PostMedia, RenderJob
from publisher.services.publishing import versions as prepare_svc
from publisher.services.publishing.campaign_media import scaffold_with_media
from tests.factories import Office, facebook_channel, make_office, telegram_channel
from tests.renders.conftest import asset_count


def _office() -> Office:
    tg = telegram_channel()
    tg["settings"]["image_size"] = "480x480"
    fb = facebook_channel()
    fb["settings"]["image_size"] = "480x600"
    return make_office("ubnd-xa", channels={"tg": tg, "fb": fb})


def plan(office: Office) -> tuple[Any, Any]:
    with session_scope() as s:
        result, media = scaffold_with_media(
            s,
            office.actor("officer"),
            "ngay-cds",
            2027,
            ["tg", "fb"],
            clip_size=(480, 480),
            clip_slide_seconds=1.0,
        )
        return result.as_dict(), media.as_dict()


def counts() -> tuple[int, int, int, int]:
    with session_scope(readonly=True) as s:
        return (
            s.exec(select(func.count()).select_from(Post)).one(),
            s.exec(select(func.count()).select_from(RenderJob)).one(),
            s.exec(select(func.count()).select_from(MediaAsset)).one(),
            s.exec(select(func.count()).select_from(PostMedia)).one(),
        )


def test_plan_with_media_renders_each_card_once_and_re_running_adds_nothing(
    db: Any, clock: Any
) -> None:
    office = _office()
    posts, media = plan(office)
    assert len(posts["created"]) == 6 and media["queued"] == 7 and media["attached"] == 0
    kinds = sorted(j["kind"] for j in media["jobs"])
    assert kinds == ["infographic"] * 6 + ["video"]
    assert counts() == (6, 7, 0, 0)

    again_posts, again = plan(office)
    assert again_posts["created"] == [] and len(again_posts["existing"]) == 6
    assert again["queued"] == 0 and again["existing"] == 7
    assert counts() == (6, 7, 0, 0)

    results = engine.run_pending("exec")
    # 7 own renders, then one channel version per (post, channel): 6 posts x 2 channels.
    assert results == {"done": 7 + 12}
    n_posts, n_jobs, n_assets, n_links = counts()
    assert (n_posts, n_jobs, n_links) == (6, 19, 6)
    # Facebook's portrait versions are re-renders; Telegram takes the square cards as they are.
    assert n_assets == 7 + 5

    _, third = plan(office)
    assert third["queued"] == 0 and third["attached"] == 6
    assert counts() == (6, 19, n_assets, 6)
    assert engine.run_pending("exec") == {}

    with session_scope(readonly=True) as s:
        channels = {c.name: c for c in s.exec(select(Channel))}
        by_step = {p.plan_key.rsplit(":", 1)[1]: p for p in s.exec(select(Post)) if p.plan_key}
        for step, post in by_step.items():
            tg = prepare_svc.channel_media(s, post, channels["tg"])
            fb = prepare_svc.channel_media(s, post, channels["fb"])
            assert isinstance(tg, prepare_svc.Versions) and isinstance(fb, prepare_svc.Versions)
            [tg_item], [fb_item] = tg.items, fb.items
            if step == "D0":
                assert tg_item.kind == fb_item.kind == "video"
                # 4 s motion opener + 1 s card + 2.5 s end card - one 0.5 s crossfade.
                assert tg_item.duration is not None and 6.5 < tg_item.duration < 7.5
                continue
            with Image.open(tg_item.path) as tg_img, Image.open(fb_item.path) as fb_img:
                assert tg_img.size == (480, 480) and fb_img.size == (480, 600)
        d7 = s.exec(select(RenderJob).where(RenderJob.post_id == by_step["D-7"].id)).one()
        assert d7.recipe["today"] == "2027-10-03" and d7.recipe["fields"]["date"] == "2027-10-10"
        day_jobs = list(s.exec(select(RenderJob).where(RenderJob.post_id == by_step["D0"].id)))
        assert sorted(j.kind for j in day_jobs) == ["infographic", "video"]
        fitted = list(s.exec(select(MediaAsset).where(MediaAsset.source == "fitted")))
        assert len(fitted) == 5 and all(a.parent_id is not None for a in fitted)
        for asset in fitted:
            assert (get_settings().media_dir / asset.path).is_file()
    assert asset_count() == n_assets

"""Campaign automation: the lead-up plan's posts get their cards and clip, made by the queue.

:func:`scaffold_with_media` wraps :func:`publisher.services.publishing.plans.scaffold` (the lead's
module, unchanged) and queues, in the organisation's brand:

- D-14, D-7, D-3, D-1: the ``campaign`` countdown card ("Còn N ngày");
- D0: the day's card and a 15-second clip made from it with title and end cards (the clip is
  the post's media: Facebook takes a video alone; the card stays in the library);
- D+1: the recap card.

Each card is rendered at the size of the post's first channel and marked ``auto_size``, so
each other channel gets its own size from its ``fit`` job
(:mod:`publisher.services.publishing.versions`).
Results are attached to the posts when rendered; until then the review page lists them as
pending renders. Everything is keyed by recipe, so re-running queues and attaches nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from publisher.i18n import t
from publisher.models import Campaign, Channel, Post, PostMedia, RenderJob
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import plans as plans_svc
from publisher.services.publishing import versions as prepare_svc
from publisher.services.publishing.campaigns import get_campaign, occurrence_in
from publisher.services.studio import recipes as recipes
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import fmt_date, to_local

#: Cards are due well before their post so that the channel versions can follow.
CARD_LEAD = timedelta(hours=2)
CLIP_SIZE = (1080, 1080)
#: 4 s motion opener + 11 s card + 2.5 s end card, minus one 0.5 s crossfade = 17 s.
CLIP_SLIDE_SECONDS = 11.0
#: The D0 clip's music: a library track (media/music.py, CC0), loudness-normalised.
CLIP_MUSIC = "tuoi-sang"


@dataclass
class MediaPlan:
    jobs: list[RenderJob] = field(default_factory=list)
    queued: int = 0
    existing: int = 0
    attached: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "queued": self.queued,
            "existing": self.existing,
            "attached": self.attached,
            "jobs": [renders_svc.describe(j) for j in self.jobs],
        }


def _card_fields(campaign: Campaign, step_key: str, day: date, lang: str) -> dict[str, Any]:
    if step_key == "D+1":
        return {
            "title": t("renders.art.recap_title", lang, name=campaign.name),
            "subtitle": t("renders.art.recap_subtitle", lang),
            "date": day.isoformat(),
            "footer": campaign.hashtag,
        }
    subtitle = "renders.art.day_subtitle" if step_key == "D0" else "renders.art.countdown_subtitle"
    return {
        "title": campaign.name,
        "subtitle": t(subtitle, lang),
        "date": day.isoformat(),
        "footer": campaign.hashtag,
    }


def _first_channel(session: Session, post: Post) -> Channel | None:
    assert post.id is not None
    channels = prepare_svc._post_channels(session, post.id)
    return channels[0] if channels else None


def media_for_post(
    session: Session,
    actor: Actor,
    post: Post,
    campaign: Campaign,
    step_key: str,
    *,
    lang: str = "vi",
    clip_size: tuple[int, int] = CLIP_SIZE,
    clip_slide_seconds: float = CLIP_SLIDE_SECONDS,
) -> list[tuple[RenderJob, bool]]:
    """Queue one plan post's media; returns ``(job, created)`` pairs. Raises enqueue's errors."""
    assert post.id is not None and post.due_at is not None
    day = occurrence_in(campaign, post.campaign_year or to_local(post.due_at).year)
    assert day is not None
    channel = _first_channel(session, post)
    size = prepare_svc.channel_size(channel) if channel is not None else (1080, 1080)
    brand = recipes.brand_snapshot(session, post.org_id, campaign.hashtag)
    today = to_local(post.due_at).date()  # the countdown as seen on the day it is posted
    card = recipes.infographic_recipe(
        "campaign",
        _card_fields(campaign, step_key, day, lang),
        size,
        brand=brand,
        today=today,
        lang=lang,
        auto_size=True,
    )
    deadline: datetime = post.due_at - CARD_LEAD
    out: list[tuple[RenderJob, bool]] = []
    if step_key != "D0":
        out.append(
            renders_svc.enqueue(
                session,
                actor,
                "infographic",
                card,
                org_id=post.org_id,
                deadline=deadline,
                post_id=post.id,
            )
        )
        return out
    # The day's card in the library (not attached: the clip is the post's media).
    out.append(
        renders_svc.enqueue(
            session,
            actor,
            "infographic",
            {**card, "_attach": False},
            org_id=post.org_id,
            deadline=deadline,
            post_id=post.id,
        )
    )
    slide = {**card, "size": list(clip_size)}
    slide.pop("auto_size", None)
    clip = {
        "slides": [{"infographic": slide}],
        "title": campaign.name,
        "subtitle": t("renders.art.day_subtitle", lang),
        "eyebrow": t("renders.art.clip_eyebrow", lang, date=fmt_date(day)),
        "end_card": True,
        "campaign": campaign.hashtag,
        "size": list(clip_size),
        "seconds_per_image": clip_slide_seconds,
        "fps": 30,
        "lang": lang,
        "brand": brand,
        # The title rises in as a motion graphic, and the clip has music: Telegram shows a
        # soundless MP4 as a looping GIF, and a still title reads as a slideshow.
        "motion": True,
        "music": CLIP_MUSIC,
    }
    out.append(
        renders_svc.enqueue(
            session, actor, "video", clip, org_id=post.org_id, deadline=deadline, post_id=post.id
        )
    )
    return out


def scaffold_with_media(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    channels: Sequence[str | int],
    *,
    lang: str = "vi",
    clip_size: tuple[int, int] = CLIP_SIZE,
    clip_slide_seconds: float = CLIP_SLIDE_SECONDS,
) -> tuple[plans_svc.PlanResult, MediaPlan]:
    """The lead-up plan (:func:`plans.scaffold`) plus its media, queued. Safe to re-run.

    Raises what ``scaffold`` and :func:`renders.enqueue` raise (the whole plan is then
    rolled back with the caller's transaction: nothing half-written).
    """
    result = plans_svc.scaffold(session, actor, slug, year, channels)
    campaign = get_campaign(session, actor, slug)
    plan = MediaPlan()
    for post in [*result.created, *result.existing]:
        step = result.steps.get(post.id or 0, "")
        if not step:
            continue
        for job, created in media_for_post(
            session,
            actor,
            post,
            campaign,
            step,
            lang=lang,
            clip_size=clip_size,
            clip_slide_seconds=clip_slide_seconds,
        ):
            plan.jobs.append(job)
            plan.queued += int(created)
            plan.existing += int(not created)
        has_media = session.exec(select(PostMedia).where(PostMedia.post_id == post.id)).first()
        plan.attached += int(has_media is not None)
    return result, plan


def plan_occurrence(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    channels: Sequence[str | int],
    *,
    with_media: bool,
    submit: bool,
    lang: str = "vi",
) -> tuple[plans_svc.PlanResult, MediaPlan | None, list[int]]:
    """The campaigns page's "plan": scaffold (with media if asked) and, if ``submit``, send
    the drafts for review, in the caller's one transaction (all or nothing). Returns the plan,
    its media plan (None without media) and the submitted post ids."""
    media_plan = None
    if with_media:
        # Countdown cards, the day's clip and the recap card go to the render queue.
        result, media_plan = scaffold_with_media(session, actor, slug, year, channels, lang=lang)
    else:
        result = plans_svc.scaffold(session, actor, slug, year, channels)
    sent = plans_svc.submit_plan(session, actor, result) if submit else []
    return result, media_plan, sent

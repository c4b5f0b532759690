"""Bulk data for the statistics benchmark: a province's year, loaded with PostgreSQL COPY.

100 organisations x 5 channels (2 Facebook, 2 Telegram, 1 webhook), posts on two channels of
their organisation, sent through 2026 (plus the 2025 national-day posts for year-over-year),
five snapshots per delivery (1 h, 6 h, 1 d, 3 d, 7 d after publication), the newest one
in ``engagementlatest`` and the per-post sums in ``engagementpost``; an S&T task register
with 10% classified tasks.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg

NATIONAL = {"ngay-khcn": (5, 18), "ngay-dmst": (10, 1), "ngay-cds": (10, 10)}
SNAP_OFFSETS = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
)
TZ = timedelta(hours=7)


@dataclass
class Sizes:
    orgs: int = 100
    channels_per_org: int = 5
    posts: int = 100_000
    tasks: int = 2000

    @property
    def channels(self) -> int:
        return self.orgs * self.channels_per_org


def _ts(value: datetime) -> str:
    return value.isoformat()


def load(dsn: str, sizes: Sizes, seed: int = 57) -> dict[str, int]:
    """Fill an empty migrated database; returns row counts. The national-day campaigns must
    already exist (``seed_national_days``)."""
    rnd = random.Random(seed)
    now = datetime(2027, 1, 5, tzinfo=UTC)
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT slug, id FROM campaign")
        campaigns = dict(cur.fetchall())
        with cur.copy(
            "COPY organisation (id, slug, name, kind, brand_primary, brand_accent, "
            "created_at) FROM STDIN"
        ) as cp:
            for o in range(1, sizes.orgs + 1):
                kind = "department" if o <= 30 else "commune"
                name = f"Sở ngành {o:03d}" if kind == "department" else f"UBND xã {o:03d}"
                cp.write_row((o, f"org-{o:03d}", name, kind, "#0B3D91", "#F2A900", _ts(now)))
        kinds = ["facebook", "facebook", "telegram", "telegram", "webhook"]
        channel_kind: dict[int, str] = {}
        with cur.copy(
            "COPY channel (id, org_id, kind, name, settings, credentials_encrypted, "
            "enabled, health, health_detail, created_at) FROM STDIN"
        ) as cp:
            cid = 0
            for o in range(1, sizes.orgs + 1):
                for k in kinds[: sizes.channels_per_org]:
                    cid += 1
                    channel_kind[cid] = k
                    cp.write_row(
                        (
                            cid,
                            o,
                            k,
                            f"{k}-{o:03d}-{cid}",
                            json.dumps({}),
                            "",
                            True,
                            "ok",
                            "",
                            _ts(now),
                        )
                    )
        with cur.copy(
            "COPY mediaasset (id, org_id, sha256, kind, mime, path, bytes, title, "
            "tags, recipe, source, created_at) FROM STDIN"
        ) as cp:
            for o in range(1, sizes.orgs + 1):
                for j, kind in enumerate(("image", "video")):
                    cp.write_row(
                        (
                            2 * o - 1 + j,
                            o,
                            uuid.uuid4().hex,
                            kind,
                            "",
                            f"m/{o}/{j}",
                            0,
                            "",
                            "[]",
                            "{}",
                            "upload",
                            _ts(now),
                        )
                    )
        with cur.copy(
            "COPY sttask (id, org_id, code, title, lead_org, year, classified, "
            "result, created_at) FROM STDIN"
        ) as cp:
            for i in range(1, sizes.tasks + 1):
                cp.write_row(
                    (
                        i,
                        rnd.randint(1, sizes.orgs),
                        f"KC-{i:05d}",
                        f"Nhiệm vụ khoa học và công nghệ số {i}",
                        "Viện nghiên cứu",
                        rnd.choice((2024, 2025, 2026)),
                        i % 10 == 0,
                        "",
                        _ts(now),
                    )
                )
        posts, deliveries, snaps = [], [], 0
        start = datetime(2026, 1, 1, tzinfo=UTC) - TZ
        year_seconds = 365 * 86400
        pid = did = 0
        for n in range(sizes.posts):
            org = rnd.randint(1, sizes.orgs)
            campaign_id = campaign_year = task_id = None
            if n % 20 == 0:  # 5% national-day posts, on the day (2025 and 2026)
                slug = rnd.choice(list(NATIONAL))
                month, day = NATIONAL[slug]
                year = 2025 if n % 40 == 0 else 2026
                sent = (
                    datetime(year, month, day, tzinfo=UTC)
                    - TZ
                    + timedelta(hours=rnd.randint(7, 20))
                )
                campaign_id, campaign_year = campaigns[slug], year
            else:
                sent = start + timedelta(seconds=rnd.randrange(year_seconds))
            if sent > now - timedelta(days=1):
                sent = now - timedelta(days=2)
            if n % 60 == 1:
                task_id = rnd.randint(1, sizes.tasks)
            pid += 1
            posts.append(
                (
                    pid,
                    org,
                    "published",
                    f"Tin hoạt động {pid}",
                    f"Nội dung bài viết số {pid} về khoa học, công nghệ và chuyển đổi số",
                    _ts(sent),
                    campaign_id,
                    campaign_year,
                    task_id,
                    "none",
                    "",
                    _ts(sent),
                    _ts(sent),
                )
            )
            first = (org - 1) * sizes.channels_per_org + 1
            chosen = rnd.sample(range(first, first + sizes.channels_per_org), 2)
            kinds_seen: set[str] = set()
            for ch in chosen:
                did += 1
                first_kind = channel_kind[ch] not in kinds_seen
                kinds_seen.add(channel_kind[ch])
                deliveries.append(
                    (
                        did,
                        pid,
                        ch,
                        sent,
                        channel_kind[ch],
                        org,
                        campaign_id,
                        campaign_year,
                        ch == chosen[0],
                        first_kind,
                    )
                )
        with cur.copy(
            "COPY post (id, org_id, status, title, text, due_at, campaign_id, "
            "campaign_year, task_id, recurrence, review_comment, created_at, "
            "updated_at) FROM STDIN"
        ) as cp:
            for row in posts:
                cp.write_row(row)
        with cur.copy("COPY postmedia (post_id, asset_id, position) FROM STDIN") as cp:
            for row in posts:
                if row[0] % 3:
                    cp.write_row((row[0], 2 * row[1] - 1 + (row[0] % 3 == 2), 0))
        with cur.copy(
            "COPY delivery (id, post_id, channel_id, occurrence, due_at, "
            "next_attempt_at, status, attempts, idempotency_key, external_id, "
            "sent_at, created_at, updated_at) FROM STDIN"
        ) as cp:
            for did_, post_id, ch, sent, *_rest in deliveries:
                s = _ts(sent)
                cp.write_row(
                    (
                        did_,
                        post_id,
                        ch,
                        "",
                        s,
                        s,
                        "sent",
                        1,
                        uuid.uuid4().hex,
                        f"ext-{did_}",
                        s,
                        s,
                        s,
                    )
                )
        latest_rows: list[tuple[object, ...]] = []
        # One COPY at a time per connection: the latest rows are copied afterwards.
        with cur.copy(
            "COPY engagementsnapshot (id, delivery_id, collected_at, reactions, "
            "comments, shares, views, clicks, unavailable) FROM STDIN"
        ) as cp:
            sid = 0
            for (
                did_,
                post_id,
                ch,
                sent,
                kind,
                org,
                campaign_id,
                campaign_year,
                first,
                first_kind,
            ) in deliveries:
                base = rnd.randint(5, 400)
                last: tuple[object, ...] = ()
                for i, off in enumerate(SNAP_OFFSETS):
                    at = sent + off
                    if at > now:
                        break
                    grow = (i + 1) / len(SNAP_OFFSETS)
                    r = int(base * grow)
                    clicks = int(base * 0.1 * grow)
                    if kind == "telegram":
                        vals = (r, None, None, None, clicks, '["comments","shares","views"]')
                    else:
                        vals = (r, r // 4, r // 10, r * 12, clicks, "[]")
                    sid += 1
                    cp.write_row((sid, did_, _ts(at), *vals))
                    last = (did_, _ts(at), *vals[:5])
                content_type = ("text", "image", "video")[post_id % 3]
                dims = (
                    _ts(sent),
                    org,
                    ch,
                    post_id,
                    kind,
                    campaign_id,
                    campaign_year,
                    content_type,
                    first,
                    first_kind,
                    (sent + TZ).date().isoformat(),
                )
                latest_rows.append(
                    (*last, *dims) if last else (did_, None, None, None, None, None, None, *dims)
                )
            snaps = sid
        with cur.copy(
            "COPY engagementlatest (delivery_id, collected_at, reactions, comments, "
            "shares, views, clicks, sent_at, org_id, channel_id, post_id, kind, "
            "campaign_id, campaign_year, content_type, is_first, is_first_kind, "
            "local_day) FROM STDIN"
        ) as cp:
            for row in latest_rows:
                cp.write_row(row)
        # One row per post, as services.engagement.refresh_posts keeps it.
        cur.execute(
            "INSERT INTO engagementpost (post_id, org_id, engagement, first_sent_at, "
            "last_sent_at) SELECT post_id, max(org_id), sum(coalesce(reactions, 0) "
            "+ coalesce(comments, 0) + coalesce(shares, 0) + coalesce(clicks, 0)), "
            "min(sent_at), max(sent_at) FROM engagementlatest GROUP BY post_id"
        )
        for table, column in (
            ("organisation", "id"),
            ("channel", "id"),
            ("mediaasset", "id"),
            ("sttask", "id"),
            ("post", "id"),
            ("delivery", "id"),
            ("engagementsnapshot", "id"),
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"
            )
        conn.commit()
        counts = {
            "organisations": sizes.orgs,
            "channels": sizes.channels,
            "posts": len(posts),
            "deliveries": len(deliveries),
            "snapshots": snaps,
            "tasks": sizes.tasks,
        }
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts

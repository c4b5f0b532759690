"""The statistics page shows the followers of the channels that say (Zalo OA)."""

from __future__ import annotations

from typing import Any

from publisher.db import session_scope
from publisher.models import KeyValue

from .conftest import texts


def test_statistics_show_followers_with_their_change(office: Any, app_as: Any) -> None:
    channel_id = office.channels["Zalo"].id
    with session_scope() as s:
        s.add(
            KeyValue(
                key=f"audience.{channel_id}",
                value={
                    "count": 5012,
                    "at": "2026-10-01T00:00:00+00:00",
                    "history": [
                        ["2026-09-30T00:00:00+00:00", 5000],
                        ["2026-10-01T00:00:00+00:00", 5012],
                    ],
                },
            )
        )
    at = app_as(office, "manager", "pages/statistics.py")
    assert "Người quan tâm theo kênh" in texts(at)
    [frame] = [d.value for d in at.dataframe if "Người quan tâm" in d.value.columns]
    row = frame.iloc[0].to_dict()
    assert row["Kênh"] == "Zalo" and row["Thay đổi từ lần trước"] == "+12"
    assert row["Người quan tâm"] in ("5.012", "5,012", "5 012")


def test_no_follower_section_without_counts(office: Any, app_as: Any) -> None:
    at = app_as(office, "manager", "pages/statistics.py")
    assert "Người quan tâm theo kênh" not in texts(at)

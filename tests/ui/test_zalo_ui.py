"""Zalo OA in the web pages: followers on the statistics page, the article and broadcast preview."""

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
    at = app_as(office, "manager", "views/statistics.py")
    assert "Người quan tâm theo kênh" in texts(at)
    [frame] = [d.value for d in at.dataframe if "Người quan tâm" in d.value.columns]
    row = frame.iloc[0].to_dict()
    assert row["Kênh"] == "Zalo" and row["Thay đổi từ lần trước"] == "+12"
    assert row["Người quan tâm"] in ("5.012", "5,012", "5 012")


def test_no_follower_section_without_counts(office: Any, app_as: Any) -> None:
    at = app_as(office, "manager", "views/statistics.py")
    assert "Người quan tâm theo kênh" not in texts(at)


def test_review_previews_a_zalo_article_and_its_broadcast(
    sqlite_db: Any, clock: Any, app_as: Any
) -> None:
    from tests.factories import make_office

    from .conftest import compose

    office = make_office(
        "so-khcn",
        channels={
            "Zalo OA Sở": {
                "kind": "zalo_oa",
                "settings": {
                    "oa_id": "4242",
                    "app_id": "1",
                    "broadcast": True,
                    "author": "Sở KH&CN",
                },
                "credentials": {
                    "app_secret": "s3cret-app",
                    "access_token": "zat-1",
                    "refresh_token": "zrt-1",
                },
            }
        },
    )
    post_id = compose(
        office, "Ngày hội <KH&CN> 2026\nMời bà con tham dự.", submit=True, title="Ngày hội KH&CN"
    )
    at = app_as(office, "editor", "views/review.py")
    at.button(key=f"rv_open_{post_id}").click().run()  # the desk's rows open one at a time
    shown = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert "pv-za-art" in shown and "pv-za-msg" in shown  # the article and the broadcast
    assert "Ngày hội KH&amp;CN" in shown  # the post's title, escaped
    assert "Ngày hội &lt;KH&amp;CN&gt; 2026" in shown and "<KH&CN>" not in shown
    assert "Xem chi tiết" in shown and "zat-1" not in shown


def test_channels_page_connects_an_oa(sqlite_db: Any, clock: Any, app_as: Any) -> None:
    from tests.factories import make_office

    office = make_office(
        "so-khcn",
        channels={
            "Zalo OA Sở": {
                "kind": "zalo_oa",
                "settings": {"oa_id": "4242", "app_id": "777"},
                "credentials": {"app_secret": "s3cret-app"},
            }
        },
    )
    at = app_as(office, "admin", "views/channels.py")
    [button] = [b for b in at.button if b.label == "Kết nối OA"]
    button.click().run()
    assert not at.error, [e.value for e in at.error]
    [link] = at.get("link_button")
    url = link.proto.url
    assert url.startswith("https://oauth.zaloapp.com/v4/oa/permission?")
    assert "app_id=777" in url and "code_challenge=" in url and "state=" in url
    assert "s3cret-app" not in url


def test_channels_page_reads_an_oa_in_words(sqlite_db: Any, clock: Any, app_as: Any) -> None:
    """The card says «Có» for the broadcast flag and names the OA's token as the OA's (not a
    Facebook Page's); the add form starts a new OA with broadcast off, as its schema says."""
    from tests.factories import make_office

    office = make_office(
        "so-khcn",
        channels={
            "Zalo OA Sở": {
                "kind": "zalo_oa",
                "settings": {
                    "oa_id": "4242",
                    "app_id": "777",
                    "broadcast": True,
                    "package": "premium",
                },
                "credentials": {"app_secret": "s3cret-app", "access_token": "zat-1"},
            }
        },
    )
    at = app_as(office, "admin", "views/channels.py")
    shown = texts(at)
    assert "Gửi bài viết tới người quan tâm (broadcast): Có" in shown
    assert "Gói dịch vụ OA: Cao cấp" in shown and "Gói dịch vụ OA: premium" not in shown
    assert "Mã truy cập OA (access token):" in shown and "Mã truy cập trang" not in shown
    assert ": True" not in shown and "zat-1" not in shown
    at.selectbox(key="ch_new_kind").set_value("zalo_oa").run()
    [flag] = [c for c in at.checkbox if c.key == "ch_new_s_broadcast"]
    assert flag.value is False
    # the package is typed as a code: its help says what each one means
    [package] = [w for w in at.text_input if w.key == "ch_new_s_package"]
    assert "basic (Cơ bản) | advanced (Nâng cao) | premium (Cao cấp)" in (package.help or "")

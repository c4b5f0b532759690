"""Sample fields per template: long but realistic Vietnamese text.

Long, but not longer than fits every size at the minimum legible text size (24 px at
1080 px wide): longer text is refused, not shrunk.

Used for template previews (a gallery shows each template filled with these), by the tests
(layout must hold with long text) and by the benchmark (render time with long text).
"""

from __future__ import annotations

from typing import Any

SIZES = [(1080, 1080), (1080, 1350), (1080, 1920), (1200, 630), (1280, 720)]

TITLE = (
    "Đẩy mạnh ứng dụng khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số trong mọi lĩnh "
    "vực kinh tế – xã hội, xây dựng chính quyền số, kinh tế số và xã hội số"
)
SUBTITLE = (
    "Triển khai Nghị quyết 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
    "đổi mới sáng tạo và chuyển đổi số quốc gia"
)


def _cut(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters at a word boundary."""
    return value if len(value) <= limit else value[: limit + 1].rsplit(" ", 1)[0].rstrip(",;")


LONG_FIELDS: dict[str, dict[str, Any]] = {
    "campaign": {"title": TITLE, "subtitle": _cut(SUBTITLE, 90), "date": "10/10/2026"},
    "stats": {
        "title": _cut(TITLE, 100),
        "subtitle": _cut(SUBTITLE, 90),
        "stats": [
            "Hồ sơ xử lý đúng hạn=1234567",
            "Không dùng tiền mặt=87,5%",
            "Doanh nghiệp công nghệ số=2450",
            "Nhiệm vụ KH&CN=128",
            "Điểm Wi-Fi miễn phí=3400",
            "Cán bộ học kỹ năng số=15.600",
        ],
    },
    "quote": {
        "title": TITLE,
        "author": "Đồng chí Nguyễn Văn A, Chủ tịch Ủy ban nhân dân tỉnh",
        "role": "Trưởng Ban Chỉ đạo phát triển KH, CN, ĐMST và chuyển đổi số tỉnh",
    },
    "event": {
        "title": _cut(TITLE, 120),
        "subtitle": _cut(SUBTITLE, 90),
        "time": "07 giờ 30, Thứ Hai, ngày 10/10/2026",
        "place": "Hội trường lớn Trung tâm Hội nghị tỉnh, phường Thanh Bình, Biên Hòa",
        "organiser": "Sở Khoa học và Công nghệ phối hợp Sở Thông tin và Truyền thông",
    },
    "task": {
        "title": "Nghiên cứu xây dựng hệ thống quan trắc tự động và cảnh báo sớm chất lượng "
        "nước phục vụ nuôi trồng thủy sản bền vững vùng hồ Trị An ứng dụng Internet vạn vật "
        "và trí tuệ nhân tạo",
        "code": "ĐTĐL.ĐN-07/2024",
        "lead": "Trường Đại học Công nghệ Đồng Nai",
        "manager": "PGS.TS. Nguyễn Thị Bích Ngọc",
        "period": "01/2024 – 12/2025",
        "result": "20 trạm quan trắc tự động; cảnh báo sớm qua Zalo cho 350 hộ nuôi; giảm 30% "
        "thiệt hại do biến động môi trường nước.",
    },
}

#: Landscape link previews and 16:9 frames hold about a third of a square's text at the
#: minimum legible size: their samples are shorter.
LONG_FIELDS["chart"] = {
    "title": "Tỷ lệ hồ sơ trực tuyến toàn trình trên tổng số hồ sơ",
    "subtitle": "Số liệu 6 tháng đầu năm 2026",
    "kind": "bar",
    "data": [
        "Sở Khoa học và Công nghệ=92,5",
        "Sở Nội vụ=88",
        "Sở Tài chính=75,3",
        "Sở Y tế=64",
        "UBND phường Trấn Biên=58,1",
    ],
    "unit": "%",
}

LANDSCAPE_FIELDS: dict[str, dict[str, Any]] = {
    "campaign": {"title": _cut(TITLE, 110), "subtitle": _cut(SUBTITLE, 60), "date": "10/10/2026"},
    "stats": {
        "title": _cut(TITLE, 70),
        "stats": ["Hồ sơ trực tuyến=1234567", "Doanh nghiệp số=2450", "Điểm Wi-Fi=3400"],
    },
    "quote": {
        "title": _cut(TITLE, 100),
        "author": "Nguyễn Văn A, Chủ tịch UBND tỉnh",
    },
    "event": {
        "title": _cut(TITLE, 70),
        "time": "07 giờ 30, 10/10/2026",
        "place": "Trung tâm Hội nghị tỉnh",
    },
    "task": {
        "title": _cut(LONG_FIELDS["task"]["title"], 90),
        "code": "ĐTĐL.ĐN-07/2024",
        "lead": "Trường ĐH Công nghệ Đồng Nai",
        "period": "01/2024 – 12/2025",
    },
}


LANDSCAPE_FIELDS["chart"] = {
    "title": "Hồ sơ trực tuyến toàn trình",
    "kind": "bar",
    "data": ["Sở KH&CN=92,5", "Sở Nội vụ=88", "Sở Tài chính=75,3"],
    "unit": "%",
}


def sample_fields(template: str, size: tuple[int, int]) -> dict[str, Any]:
    """The sample fields of ``template`` for a canvas of ``size``."""
    return (LANDSCAPE_FIELDS if size[0] / size[1] > 1.25 else LONG_FIELDS)[template]

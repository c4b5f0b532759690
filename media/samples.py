"""Sample fields per template: long but realistic Vietnamese text.

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
    "đổi mới sáng tạo và chuyển đổi số quốc gia; Kế hoạch 45/KH-UBND ngày 12/8/2025 của UBND tỉnh"
)

LONG_FIELDS: dict[str, dict[str, Any]] = {
    "campaign": {"title": TITLE, "subtitle": SUBTITLE, "date": "10/10/2026"},
    "stats": {
        "title": TITLE[:130],
        "subtitle": SUBTITLE[:200],
        "stats": [
            "Hồ sơ trực tuyến toàn trình được tiếp nhận và giải quyết đúng hạn=1234567",
            "Tỷ lệ thanh toán không dùng tiền mặt tại các cơ sở y tế công lập=87,5%",
            "Doanh nghiệp công nghệ số đang hoạt động trên địa bàn tỉnh=2450",
            "Nhiệm vụ khoa học và công nghệ cấp tỉnh được công bố kết quả=128",
            "Điểm phát Wi-Fi công cộng miễn phí tại nơi công cộng=3400",
            "Cán bộ, công chức được tập huấn kỹ năng số cơ bản=15.600",
        ],
    },
    "quote": {
        "title": TITLE + ". " + SUBTITLE[:150],
        "author": "Đồng chí Nguyễn Văn A, Chủ tịch Ủy ban nhân dân tỉnh",
        "role": "Trưởng Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và "
        "chuyển đổi số tỉnh",
    },
    "event": {
        "title": TITLE[:150],
        "subtitle": SUBTITLE[:200],
        "time": "07 giờ 30, Thứ Hai, ngày 10/10/2026 (cả ngày)",
        "place": "Hội trường lớn Trung tâm Hội nghị tỉnh, số 2 đường Nguyễn Văn Trị, phường "
        "Thanh Bình, thành phố Biên Hòa, tỉnh Đồng Nai",
        "organiser": "Sở Khoa học và Công nghệ phối hợp Sở Thông tin và Truyền thông, Sở Nội "
        "vụ và Ủy ban nhân dân các huyện, thành phố",
    },
    "task": {
        "title": "Nghiên cứu xây dựng hệ thống quan trắc tự động và cảnh báo sớm chất lượng "
        "nước phục vụ nuôi trồng thủy sản bền vững vùng hồ Trị An ứng dụng Internet vạn vật "
        "và trí tuệ nhân tạo",
        "code": "ĐTĐL.ĐN-07/2024",
        "lead": "Trường Đại học Công nghệ Đồng Nai phối hợp Viện Nghiên cứu Nuôi trồng thủy sản II",
        "manager": "PGS.TS. Nguyễn Thị Bích Ngọc",
        "period": "01/2024 – 12/2025",
        "result": "Hệ thống 20 trạm quan trắc tự động hoạt động liên tục; cảnh báo sớm qua Zalo "
        "cho 350 hộ nuôi; giảm 30% thiệt hại do biến động môi trường nước; quy trình được chuyển "
        "giao cho 3 hợp tác xã và Trung tâm Khuyến nông tỉnh.",
    },
}

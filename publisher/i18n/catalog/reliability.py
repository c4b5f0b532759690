"""Messages for the input checks added by the reliability work (bad-input corpus)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "error.text_control_chars": (
        "Nội dung có ký tự điều khiển không hiển thị được (ví dụ NUL); hãy xoá rồi nhập lại",
        "The text contains invisible control characters (e.g. NUL); remove them and retry",
    ),
    "error.time_too_far": (
        "Thời điểm đăng quá xa (hơn {years} năm nữa); hãy kiểm tra lại năm",
        "The scheduled time is too far ahead (more than {years} years); check the year",
    ),
}

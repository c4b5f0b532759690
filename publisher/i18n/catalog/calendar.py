"""Month names and the calendar's month heading."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ui.calendar.month_title": ("Tháng {month}/{year}", "{month_name} {year}"),
    "ui.month.1": ("Tháng Một", "January"),
    "ui.month.2": ("Tháng Hai", "February"),
    "ui.month.3": ("Tháng Ba", "March"),
    "ui.month.4": ("Tháng Tư", "April"),
    "ui.month.5": ("Tháng Năm", "May"),
    "ui.month.6": ("Tháng Sáu", "June"),
    "ui.month.7": ("Tháng Bảy", "July"),
    "ui.month.8": ("Tháng Tám", "August"),
    "ui.month.9": ("Tháng Chín", "September"),
    "ui.month.10": ("Tháng Mười", "October"),
    "ui.month.11": ("Tháng Mười Một", "November"),
    "ui.month.12": ("Tháng Mười Hai", "December"),
}

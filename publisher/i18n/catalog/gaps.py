"""Messages for the follow-ups to issues 16 and 17: alert kinds in words, channel posting
hours, Zalo follower figures and broadcast results, one-line CLI usage errors."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Alert kinds (the caption under each alert on «Lượt đăng & cảnh báo»).
    "alert.kind.auth": ("Quyền truy cập kênh", "Channel access"),
    "alert.kind.broadcast": ("Gửi broadcast Zalo", "Zalo broadcast"),
    "alert.kind.channel_breaker": ("Kênh tạm ngừng gửi", "Channel paused"),
    "alert.kind.media_not_ready": ("Tệp chưa sẵn sàng", "Media not ready"),
    "alert.kind.missed": ("Lỡ giờ đăng", "Missed time"),
    "alert.kind.render_failed": ("Tạo ảnh/video lỗi", "Render failed"),
    "alert.kind.report_due": ("Báo cáo đến hạn", "Report due"),
    "alert.kind.report_reminder": ("Nhắc nộp báo cáo", "Report reminder"),
    "alert.kind.report_requested": ("Yêu cầu báo cáo", "Report requested"),
    "alert.kind.token": ("Mã truy cập sắp hết hạn", "Token expiring"),
    "alert.kind.delivery_failed": ("Đăng không thành công", "Delivery failed"),
    "alert.kind.report_late": ("Báo cáo quá hạn", "Report late"),
    "alert.kind.unconfirmed": ("Chưa xác nhận đã đăng", "Unconfirmed"),
    "alert.kind.other": ("Cảnh báo khác", "Other alert"),
    # One-line usage errors of the command line (publisher.cli.usage).
    "cli.usage.line": (
        "Lỗi cú pháp lệnh: {detail} (xem «{command} --help»)",
        "Command line error: {detail} (see «{command} --help»)",
    ),
    "cli.usage.no_such_option": ("không có tùy chọn {option}", "no such option {option}"),
    "cli.usage.no_such_command": ("không có lệnh «{command}»", "no such command «{command}»"),
    "cli.usage.missing": ("thiếu {param}", "{param} is missing"),
    "cli.usage.bad_value": (
        "giá trị không hợp lệ cho {param}: {reason}",
        "invalid value for {param}: {reason}",
    ),
    "cli.usage.option_needs_value": (
        "tùy chọn {option} cần một giá trị",
        "option {option} needs a value",
    ),
    "cli.usage.extra_arguments": ("thừa đối số {args}", "unexpected extra arguments {args}"),
    "cli.usage.reason_integer": ("cần một số nguyên", "a whole number is needed"),
    "cli.usage.reason_number": ("cần một số", "a number is needed"),
    "cli.usage.reason_choice": ("không thuộc các giá trị cho phép", "not one of the choices"),
    "cli.usage.reason_no_file": ("không có tệp này", "no such file"),
}

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
    "cli.usage.did_you_mean": ("có phải ý bạn là «{name}»?", "did you mean «{name}»?"),
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
    # A channel's posting hours (services.publishing.posting_hours).
    "hours.error.time": (
        "Giờ «{value}» không hợp lệ (viết GG:PP, ví dụ 07:30)",
        "Time «{value}» is not valid (write HH:MM, e.g. 07:30)",
    ),
    "hours.error.both": (
        "Cần nhập cả giờ bắt đầu và giờ kết thúc (hoặc để trống cả hai)",
        "Give both the start and the end time (or leave both empty)",
    ),
    "hours.error.same": (
        "Giờ bắt đầu và giờ kết thúc trùng nhau",
        "The start and end times are the same",
    ),
    "hours.error.days": ("Cần chọn ít nhất một ngày trong tuần", "Choose at least one weekday"),
    "hours.error.mode": ("Cách áp dụng «{value}» không hợp lệ", "Mode «{value}» is not valid"),
    "hours.error.best_outside": (
        "Giờ đẹp {value} nằm ngoài khung giờ đăng",
        "Best time {value} is outside the posting hours",
    ),
    "hours.any_hour": ("cả ngày", "any hour"),
    "hours.day.mon": ("T2", "Mon"),
    "hours.day.tue": ("T3", "Tue"),
    "hours.day.wed": ("T4", "Wed"),
    "hours.day.thu": ("T5", "Thu"),
    "hours.day.fri": ("T6", "Fri"),
    "hours.day.sat": ("T7", "Sat"),
    "hours.day.sun": ("CN", "Sun"),
    "problem.hours_outside": (
        "«{channel}» chỉ đăng trong khung {window}: {at} nằm ngoài khung giờ"
        " (giờ được phép gần nhất: {next})",
        "«{channel}» posts only within {window}: {at} is outside (nearest allowed: {next})",
    ),
    "problem.hours_outside_warn": (
        "«{channel}» thường đăng trong khung {window}: {at} nằm ngoài khung giờ (vẫn được đăng;"
        " gợi ý: {next})",
        "«{channel}» usually posts within {window}: {at} is outside (still allowed;"
        " suggested: {next})",
    ),
    "problem.hours_outside_repeat_warn": (
        "«{channel}» thường đăng trong khung {window}: bài lặp lại lúc {time} rơi ngoài khung"
        " giờ vào {dates} (vẫn được đăng)",
        "«{channel}» usually posts within {window}: the repeating post at {time} falls outside"
        " on {dates} (still allowed)",
    ),
    "problem.hours_outside_repeat_warn_more": (
        "«{channel}» thường đăng trong khung {window}: bài lặp lại lúc {time} rơi ngoài khung"
        " giờ vào {dates} và {more} lần khác (vẫn được đăng)",
        "«{channel}» usually posts within {window}: the repeating post at {time} falls outside"
        " on {dates} and {more} more time(s) (still allowed)",
    ),
    "problem.hours_outside_repeat": (
        "«{channel}» chỉ đăng trong khung {window}: lần lặp lại lúc {time} vào {dates} nằm"
        " ngoài khung giờ (hãy đổi ngày hoặc cách lặp)",
        "«{channel}» posts only within {window}: the repeat at {time} on {dates} is outside"
        " (change the date or the repeat rule)",
    ),
    "problem.hours_outside_repeat_more": (
        "«{channel}» chỉ đăng trong khung {window}: lần lặp lại lúc {time} vào {dates} và"
        " {more} lần khác nằm ngoài khung giờ (hãy đổi ngày hoặc cách lặp)",
        "«{channel}» posts only within {window}: the repeats at {time} on {dates} and {more}"
        " more are outside (change the date or the repeat rule)",
    ),
    "ui.hours.edit": ("Khung giờ đăng", "Posting hours"),
    "ui.hours.help": (
        "Giờ theo múi giờ Việt Nam. Để trống giờ bắt đầu và kết thúc: đăng giờ nào cũng được."
        " Giờ kết thúc sớm hơn giờ bắt đầu: khung giờ qua nửa đêm.",
        "Vietnam time. Leave start and end empty for any hour. An end before the start"
        " runs past midnight.",
    ),
    "ui.hours.start": ("Từ (GG:PP)", "From (HH:MM)"),
    "ui.hours.end": ("Đến (GG:PP)", "Until (HH:MM)"),
    "ui.hours.days": ("Các ngày được đăng", "Days allowed"),
    "ui.hours.days_none": ("Chọn ngày", "Choose days"),
    "ui.hours.mode": ("Ngoài khung giờ", "Outside these hours"),
    "ui.hours.mode.refuse": ("không cho đăng", "refuse"),
    "ui.hours.mode.warn": ("chỉ cảnh báo", "warn only"),
    "ui.hours.best": ("Giờ đẹp để gợi ý (cách nhau dấu phẩy)", "Best times to suggest (commas)"),
    "ui.hours.save": ("Lưu khung giờ", "Save hours"),
    "ui.hours.saved": ("Đã lưu khung giờ đăng của «{name}»", "Posting hours of «{name}» saved"),
    "ui.hours.summary": (
        "Khung giờ đăng: {window} (ngoài giờ: {mode})",
        "Posting hours: {window} (outside: {mode})",
    ),
    "ui.hours.best_summary": ("Giờ đẹp: {times}", "Best times: {times}"),
    "ui.hours.compose_best": ("Giờ đẹp của kênh — {times}", "Channels' best times — {times}"),
    "ui.hours.calendar_warn": ("Lưu ý khung giờ: {detail}", "Posting hours: {detail}"),
    "cli.hours.show": (
        "{channel}: khung giờ đăng {window}; ngoài giờ: {mode}; giờ đẹp: {best}",
        "{channel}: posting hours {window}; outside: {mode}; best times: {best}",
    ),
    "cli.hours.none": ("không giới hạn", "no limit"),
    # The broadcast of a Zalo OA article, on the deliveries page.
    "ui.broadcast.label": ("Broadcast tới người quan tâm", "Broadcast to followers"),
    "zalo.broadcast.result.sent": ("đã gửi", "sent"),
    "zalo.broadcast.result.unknown": (
        "không rõ đã gửi hay chưa (hết thời gian chờ; không gửi lại)",
        "unknown (timed out; never sent again)",
    ),
    "zalo.broadcast.result.reserved": ("đang gửi", "being sent"),
    # Followers in the semi-annual report.
    "report.sheet.followers": ("Người quan tâm", "Followers"),
    "report.table.followers": (
        "Số người quan tâm (theo dõi) kênh trong kỳ",
        "Channel followers over the period",
    ),
    "report.followers.col.start": ("Đầu kỳ", "At the start"),
    "report.followers.col.end": ("Cuối kỳ", "At the end"),
    "report.followers.col.change": ("Thay đổi", "Change"),
    "zalo.error.cover_url": (
        "Zalo không trả về địa chỉ ảnh và máy chủ chưa có địa chỉ công khai"
        " (PUBLISHER_PUBLIC_URL, HTTPS) để Zalo lấy ảnh bìa: nhờ quản trị đặt địa chỉ này",
        "Zalo gave no image URL and the server has no public address (PUBLISHER_PUBLIC_URL,"
        " HTTPS) for Zalo to fetch the cover: ask the administrator to set it",
    ),
    "error.public_media_not_found": ("Không có tệp này", "No such file"),
}

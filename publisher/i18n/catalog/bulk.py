"""Bulk work: importing posts from a table, repeating, editing and moving scheduled posts."""

MESSAGES: dict[str, tuple[str, str]] = {
    "import.line_error": ("Dòng {line}: {reason}", "Line {line}: {reason}"),
    "import.refused": (
        "Không nhập bài nào: {count} dòng có lỗi (sửa các dòng này rồi nhập lại)",
        "Nothing imported: {count} line(s) have errors (fix them and import again)",
    ),
    "import.too_big": (
        "Tệp quá lớn (tối đa {mb} MB)",
        "The file is too big (at most {mb} MB)",
    ),
    "import.too_many_rows": (
        "Tệp có quá nhiều dòng (tối đa {max} bài một lần)",
        "The file has too many lines (at most {max} posts at once)",
    ),
    "import.unknown_format": (
        "«{name}» không phải tệp CSV hay XLSX",
        "«{name}» is neither a CSV nor an XLSX file",
    ),
    "import.not_a_table": (
        "Tệp không đọc được như một bảng CSV hay XLSX",
        "The file cannot be read as a CSV or XLSX table",
    ),
    "import.not_utf8": (
        "Tệp CSV không phải UTF-8; hãy lưu lại với mã hoá UTF-8",
        "The CSV file is not UTF-8; save it again as UTF-8",
    ),
    "import.csv_broken": (
        "Tệp CSV hỏng ở dòng {line} ({detail})",
        "The CSV file is broken at line {line} ({detail})",
    ),
    "import.empty": ("Tệp trống", "The file is empty"),
    "import.no_rows": (
        "Tệp chỉ có dòng tiêu đề, không có bài nào",
        "The file has only the header row, no posts",
    ),
    "import.header_missing": (
        "Dòng tiêu đề thiếu cột: {columns}",
        "The header row lacks the column(s): {columns}",
    ),
    "import.header_unknown": (
        "Dòng tiêu đề có cột không biết «{column}» (dùng: time, channels, text, "
        "variant:<tên kênh>, media, link, campaign, task, theme, audience)",
        "The header row has an unknown column «{column}» (use: time, channels, text, "
        "variant:<channel name>, media, link, campaign, task, theme, audience)",
    ),
    "import.header_duplicate": (
        "Dòng tiêu đề có cột lặp lại: {column}",
        "The header row repeats the column(s): {column}",
    ),
    "import.extra_cells": (
        "dòng có nhiều ô hơn dòng tiêu đề",
        "the line has more cells than the header row",
    ),
    "import.time_missing": ("thiếu thời gian đăng", "the time is missing"),
    "import.time_invalid": (
        "thời gian «{value}» không hợp lệ (dùng dd/mm/yyyy HH:MM)",
        "the time «{value}» is not valid (use dd/mm/yyyy HH:MM)",
    ),
    "import.time_offset_missing": (
        "thời gian ISO «{value}» cần có múi giờ (ví dụ +07:00), hoặc dùng dd/mm/yyyy HH:MM",
        "the ISO time «{value}» needs an offset (e.g. +07:00), or use dd/mm/yyyy HH:MM",
    ),
    "import.tag_invalid": (
        "giá trị «{value}» của cột {column} không hợp lệ (tối đa {max} ký tự, phân cách bằng ;)",
        "the value «{value}» of the column {column} is not valid (at most {max} characters, "
        "separated by ;)",
    ),
    "import.media_missing": (
        "không tìm thấy tệp media «{value}»",
        "the media file «{value}» is not found",
    ),
    "import.media_path_in_upload": (
        "«{value}»: khi tải tệp lên, cột media chỉ nhận số trong kho media (ví dụ 12 hoặc #12)",
        "«{value}»: in an upload the media column takes library ids only (e.g. 12 or #12)",
    ),
    "error.edit_nothing_changed": (
        "Không có gì thay đổi",
        "Nothing changed",
    ),
    "error.repeat_until_before": (
        "Ngày kết thúc lặp {until} ở trước lần đăng đầu tiên",
        "The repeat end date {until} is before the first publication",
    ),
    "error.repeat_without_rule": (
        "--until chỉ dùng cùng --repeat",
        "--until goes with --repeat only",
    ),
    "error.edit_nothing_given": (
        "Hãy cho biết điều cần sửa (--text, --at, --link hoặc --channel)",
        "Say what to change (--text, --at, --link or --channel)",
    ),
    "cli.import_done": (
        "Đã nhập {count} bài (chờ duyệt): {ids}",
        "Imported {count} post(s) (waiting for review): {ids}",
    ),
    "cli.import_dry_run": (
        "Tệp hợp lệ: {count} bài sẽ được tạo (chưa tạo gì)",
        "The file is valid: {count} post(s) would be created (nothing created)",
    ),
    "cli.post_moved": (
        "Bài #{id} dời sang {due} (trạng thái: {status})",
        "Post #{id} moved to {due} (status: {status})",
    ),
    "cli.post_edited": (
        "Đã sửa bài #{id} (trạng thái: {status})",
        "Post #{id} edited (status: {status})",
    ),
    "review.plan_nothing_waiting": (
        "Kế hoạch này không còn bài nào chờ duyệt",
        "Nothing of this plan waits for review",
    ),
    "review.plan_overdue": (
        "Không duyệt cả kế hoạch: bài {ids} đã quá giờ đăng; hãy chọn «Đăng ngay» hoặc "
        "«Chọn giờ mới» cho từng bài trước",
        "The plan is not approved: post(s) {ids} are past their time; choose «Publish now» "
        "or «New time» for each first",
    ),
    "ui.when.time": ("Giờ (HH:MM)", "Time (HH:MM)"),
    "ui.when.bad_date": (
        "Ngày «{value}» không hợp lệ; gõ theo dạng dd/mm/yyyy, ví dụ 10/10/2026",
        "The date «{value}» is not valid; type it as dd/mm/yyyy, e.g. 10/10/2026",
    ),
    "ui.when.bad_time": (
        "Giờ «{value}» không hợp lệ; gõ theo dạng HH:MM, ví dụ 08:30",
        "The time «{value}» is not valid; type it as HH:MM, e.g. 08:30",
    ),
    "ui.when.bad_until": (
        "Ngày kết thúc «{value}» không hợp lệ; gõ theo dạng dd/mm/yyyy",
        "The end date «{value}» is not valid; type it as dd/mm/yyyy",
    ),
    "ui.when.repeat": ("Lặp lại", "Repeat"),
    "ui.when.repeat.none": ("Không lặp", "Does not repeat"),
    "ui.when.repeat.weekly": ("Hằng tuần", "Weekly"),
    "ui.when.repeat.monthly": ("Hằng tháng", "Monthly"),
    "ui.when.repeat.yearly": ("Hằng năm", "Yearly"),
    "ui.when.until": ("Đến ngày (không bắt buộc)", "Until (optional)"),
    "ui.when.until_short": ("đến {day}", "until {day}"),
    "ui.when.spoken": ("{weekday} {day} lúc {time}", "{weekday} {day} at {time}"),
    "ui.when.weekday.0": ("Thứ Hai", "Monday"),
    "ui.when.weekday.1": ("Thứ Ba", "Tuesday"),
    "ui.when.weekday.2": ("Thứ Tư", "Wednesday"),
    "ui.when.weekday.3": ("Thứ Năm", "Thursday"),
    "ui.when.weekday.4": ("Thứ Sáu", "Friday"),
    "ui.when.weekday.5": ("Thứ Bảy", "Saturday"),
    "ui.when.weekday.6": ("Chủ Nhật", "Sunday"),
    "ui.compose.valid_at": (
        "Bài viết hợp lệ trên mọi kênh đã chọn; sẽ đăng {when} (giờ Việt Nam)",
        "The post is valid on every chosen channel; it will be published {when} (Vietnam time)",
    ),
    "ui.import.title": ("Nhập nhiều bài từ tệp CSV/XLSX", "Import posts from a CSV/XLSX file"),
    "ui.import.help": (
        "Dòng đầu là tiêu đề cột: time, channels, text (bắt buộc); variant:<tên kênh>, media "
        "(số trong kho media), link, campaign, task, theme, audience (không bắt buộc). Nhiều "
        "kênh cách nhau bằng dấu ;. Giờ dạng dd/mm/yyyy HH:MM (giờ Việt Nam). Mọi dòng được "
        "kiểm tra và xem trước; chỉ khi tất cả hợp lệ mới nhập (mỗi bài chờ duyệt).",
        "The first row names the columns: time, channels, text (required); "
        "variant:<channel name>, media (library ids), link, campaign, task, theme, audience "
        "(optional). Several channels are separated by ;. Times as dd/mm/yyyy HH:MM (Vietnam "
        "time). Every line is checked and previewed; only when all are valid are they "
        "imported (each waits for review).",
    ),
    "ui.import.file": ("Tệp kế hoạch bài đăng", "Table of posts"),
    "ui.import.col.line": ("Dòng", "Line"),
    "ui.import.col.ok": ("Hợp lệ", "Valid"),
    "ui.import.col.time": ("Thời điểm đăng", "Time"),
    "ui.import.col.channels": ("Kênh", "Channels"),
    "ui.import.col.text": ("Nội dung / lỗi", "Text / error"),
    "ui.import.ready": (
        "Tất cả {n} dòng hợp lệ; kiểm tra bảng dưới rồi bấm nhập",
        "All {n} lines are valid; check the table below, then import",
    ),
    "ui.import.go": ("Nhập {n} bài và gửi duyệt", "Import {n} posts for review"),
}

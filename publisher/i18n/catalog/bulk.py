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
        "Dòng tiêu đề có cột không biết «{column}» (dùng: Thời gian, Kênh, Nội dung, "
        "Nội dung riêng:<tên kênh>, Ảnh/video, Liên kết, Chiến dịch, Nhiệm vụ, Chủ đề, "
        "Đối tượng; hoặc tên tiếng Anh time, channels, text…)",
        "The header row has an unknown column «{column}» (use: time, channels, text, "
        "variant:<channel name>, media, link, campaign, task, theme, audience)",
    ),
    "import.col.time": ("Thời gian", "time"),
    "import.col.channels": ("Kênh", "channels"),
    "import.col.text": ("Nội dung", "text"),
    "import.col.media": ("Ảnh/video", "media"),
    "import.col.link": ("Liên kết", "link"),
    "import.col.campaign": ("Chiến dịch", "campaign"),
    "import.col.task": ("Nhiệm vụ", "task"),
    "import.col.theme": ("Chủ đề", "theme"),
    "import.col.audience": ("Đối tượng", "audience"),
    "import.header_duplicate": (
        "Dòng tiêu đề có cột lặp lại: {columns}",
        "The header row repeats the column(s): {columns}",
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
        "«{value}»: khi tải tệp lên, cột «Ảnh/video» chỉ nhận số trong kho media (ví dụ 12 "
        "hoặc #12)",
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
        "Dòng đầu là tên cột: «Thời gian», «Kênh», «Nội dung» (bắt buộc); «Nội dung riêng:<tên "
        "kênh>», «Ảnh/video» (số trong kho media), «Liên kết», «Chiến dịch», «Nhiệm vụ», «Chủ "
        "đề», «Đối tượng» (không bắt buộc). Có dấu hay không dấu, chữ hoa hay thường đều được; "
        "tên tiếng Anh (time, channels, text, variant:<tên kênh>, media, link, campaign, task, "
        "theme, audience) cũng được. Tệp CSV phân cách bằng dấu phẩy hoặc chấm phẩy. Nhiều "
        "kênh cách nhau bằng dấu ;. Giờ dạng dd/mm/yyyy HH:MM (giờ Việt Nam). Mọi dòng được "
        "kiểm tra và xem trước; chỉ khi tất cả hợp lệ mới nhập (mỗi bài chờ duyệt).",
        "The first row names the columns: time, channels, text (required); "
        "variant:<channel name>, media (library ids), link, campaign, task, theme, audience "
        "(optional); the Vietnamese names («Thời gian», «Kênh», «Nội dung», «Nội dung "
        "riêng:<tên kênh>», «Ảnh/video», «Liên kết», «Chiến dịch», «Nhiệm vụ», «Chủ đề», «Đối "
        "tượng») work too, with or without diacritics. A CSV may be separated by commas or "
        "semicolons. Several channels are separated by ;. Times as dd/mm/yyyy HH:MM (Vietnam "
        "time). Every line is checked and previewed; only when all are valid are they "
        "imported (each waits for review).",
    ),
    "ui.import.template": ("Tải tệp mẫu (CSV)", "Download a template (CSV)"),
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
    "ui.preview.video": ("Video", "Video"),
    "ui.desk.tab_waiting": ("Chờ duyệt ({n})", "Waiting ({n})"),
    "ui.desk.tab_history": ("Đã duyệt", "Reviewed"),
    "ui.desk.tab_mine": ("Bài của tôi", "My posts"),
    "ui.desk.f_campaign": ("Chiến dịch", "Campaign"),
    "ui.desk.f_channel": ("Kênh", "Channel"),
    "ui.desk.f_author": ("Người soạn", "Author"),
    "ui.desk.f_due": ("Thời hạn", "Due"),
    "ui.desk.f_any": ("Tất cả", "All"),
    "ui.desk.due.any": ("Mọi thời điểm", "Any time"),
    "ui.desk.due.24h": ("Trong 24 giờ tới", "Within 24 hours"),
    "ui.desk.due.3d": ("Trong 3 ngày tới", "Within 3 days"),
    "ui.desk.due.7d": ("Trong 7 ngày tới", "Within 7 days"),
    "ui.desk.open": ("Xem", "Open"),
    "ui.desk.close": ("Thu gọn", "Close"),
    "ui.desk.overdue": ("Quá giờ", "Overdue"),
    "ui.desk.overdue_note": (
        "Giờ đăng {due} đã qua. Duyệt lúc này bài sẽ không còn đăng đúng giờ: chọn «Đăng ngay» "
        "hoặc «Chọn giờ mới».",
        "Its time {due} has passed. Approved now it cannot be published on time: choose "
        "«Publish now» or «New time».",
    ),
    "ui.desk.publish_now": ("Đăng ngay", "Publish now"),
    "ui.desk.new_time": ("Chọn giờ mới", "New time"),
    "ui.desk.approve_at": ("Duyệt với giờ mới", "Approve at the new time"),
    "ui.desk.approved_at": (
        "Đã duyệt bài #{id}; bài sẽ được đăng lúc {due}",
        "Post #{id} approved; it will be published at {due}",
    ),
    "ui.desk.rejected_by": ("Bị trả lại bởi {name} lúc {at}", "Sent back by {name} at {at}"),
    "ui.desk.approved_by": ("Duyệt bởi {name} lúc {at}", "Approved by {name} at {at}"),
    "ui.desk.link_shown": ("Liên kết khi đăng: {link}", "The link as posted: {link}"),
    "ui.desk.link_tracked": (
        "liên kết rút gọn để đếm lượt nhấp (mã được tạo khi duyệt), dẫn tới {target}",
        "a short link that counts clicks (its code is made at approval), leading to {target}",
    ),
    "ui.desk.campaign": ("Chiến dịch: {name}", "Campaign: {name}"),
    "ui.desk.plans": ("Kế hoạch chờ duyệt", "Plans waiting for review"),
    "ui.desk.plan_head": (
        "{name} {year} · {n} bài chờ duyệt",
        "{name} {year} · {n} posts waiting",
    ),
    "ui.desk.plan_overdue": (
        "Bài {ids} đã quá giờ: xử lý từng bài bên dưới trước khi duyệt cả kế hoạch.",
        "Post(s) {ids} are overdue: deal with each below before approving the plan.",
    ),
    "ui.desk.plan_comment": ("Góp ý chung cho cả kế hoạch", "One comment for the whole plan"),
    "ui.desk.plan_approve": ("Duyệt cả kế hoạch ({n} bài)", "Approve the plan ({n} posts)"),
    "ui.desk.plan_reject": ("Trả lại cả kế hoạch", "Send the plan back"),
    "ui.desk.plan_approved": (
        "Đã duyệt {n} bài của kế hoạch; mỗi bài sẽ được đăng đúng giờ đã hẹn",
        "{n} posts of the plan approved; each will be published at its time",
    ),
    "ui.desk.plan_rejected": (
        "Đã trả lại {n} bài của kế hoạch cho người soạn",
        "{n} posts of the plan sent back to their author",
    ),
    "ui.desk.history_empty": ("Chưa có quyết định duyệt nào", "No review decision yet"),
    "ui.desk.h_post": ("Bài", "Post"),
    "ui.desk.h_decision": ("Quyết định", "Decision"),
    "ui.desk.h_who": ("Người duyệt", "Reviewer"),
    "ui.desk.h_when": ("Lúc", "When"),
    "ui.desk.h_comment": ("Góp ý", "Comment"),
    "ui.desk.h_status": ("Trạng thái hiện tại", "Status now"),
    "ui.desk.decision.approve": ("Đã duyệt", "Approved"),
    "ui.desk.decision.reject": ("Trả lại", "Sent back"),
    "ui.desk.none_match": ("Không có bài nào khớp bộ lọc", "No post matches the filters"),
    "error.platform_not_changeable": (
        "Bài trên «{channel}» không sửa hay xoá được từ đây (chưa đăng, đã xoá, nền tảng không "
        "cho phép, hoặc là nhiều tin nhắn)",
        "The post on «{channel}» cannot be edited or deleted from here (not sent, deleted, "
        "not allowed by the platform, or several messages)",
    ),
    "error.platform_refused": (
        "Nền tảng từ chối: {reason}",
        "The platform refused: {reason}",
    ),
    "ui.platform.edit": ("Sửa trên nền tảng", "Edit on the platform"),
    "ui.platform.text": ("Nội dung mới trên kênh này", "New text on this channel"),
    "ui.platform.save": ("Lưu nội dung mới", "Save the new text"),
    "ui.platform.delete": ("Xoá khỏi nền tảng", "Delete from the platform"),
    "ui.platform.confirm": (
        "Tôi hiểu bài sẽ bị xoá khỏi kênh (không hoàn tác được)",
        "I understand the post will be removed from the channel (cannot be undone)",
    ),
    "ui.platform.edited": ("Đã sửa bài trên {channel}", "Post edited on {channel}"),
    "ui.platform.deleted": ("Đã xoá bài khỏi {channel}", "Post deleted from {channel}"),
    "ui.platform.was_deleted": ("Đã xoá khỏi nền tảng", "Deleted from the platform"),
    "ui.preview.payload": ("Dữ liệu gửi đi (JSON)", "The data sent (JSON)"),
    "ui.desk.edit_approved": ("Sửa bài (sẽ phải duyệt lại)", "Edit (it will be reviewed again)"),
    "ui.compose.editing_approved": (
        "Bài này đã được duyệt và hẹn giờ. Khi lưu thay đổi, lịch đăng bị huỷ và bài phải "
        "được duyệt lại.",
        "This post was approved and scheduled. Saving a change cancels its schedule and it "
        "must be reviewed again.",
    ),
}

"""The province: units and the coordinator, themes and target groups, report collection,
criteria and manual activities."""

MESSAGES: dict[str, tuple[str, str]] = {
    # themes and target groups
    "topic.theme.khcn": ("Khoa học và công nghệ", "Science and technology"),
    "topic.theme.dmst": ("Đổi mới sáng tạo", "Innovation"),
    "topic.theme.cds": ("Chuyển đổi số", "Digital transformation"),
    "topic.audience.officials": ("Cán bộ, công chức, viên chức", "Public officials"),
    "topic.audience.business": ("Doanh nghiệp", "Businesses"),
    "topic.audience.citizens": ("Người dân", "Citizens"),
    "topic.audience.students": ("Học sinh - sinh viên", "Pupils and students"),
    "topic.audience.scientists": ("Nhà khoa học", "Scientists"),
    "topic.none": ("Chưa gắn", "Not tagged"),
    "error.theme_invalid": (
        "Chủ đề «{value}» không hợp lệ; chọn trong: {allowed}",
        "Invalid theme «{value}»; choose from: {allowed}",
    ),
    "error.audience_invalid": (
        "Đối tượng «{value}» không hợp lệ; chọn trong: {allowed}",
        "Invalid target group «{value}»; choose from: {allowed}",
    ),
    "ui.compose.themes": ("Chủ đề", "Themes"),
    "ui.compose.themes_placeholder": ("KH&CN, ĐMST, CĐS", "S&T, innovation, digital"),
    "ui.compose.audiences": ("Đối tượng", "Target groups"),
    "ui.compose.audiences_placeholder": ("Chọn đối tượng", "Choose target groups"),
    # units and the coordinator
    "error.outside_province": (
        "Đơn vị này không thuộc tỉnh mà bạn điều phối",
        "This unit is outside the province you coordinate",
    ),
    "org.kind.province": ("Tỉnh", "Province"),
    "org.kind.department": ("Sở, ban, ngành", "Department"),
    "org.kind.commune": ("Xã, phường", "Commune or ward"),
    "org.kind.press": ("Cơ quan báo chí", "Press agency"),
    "org.kind.other": ("Đơn vị khác", "Other unit"),
    "ui.role.coordinator": ("Điều phối (Sở KH&CN)", "Coordinator (Dept. of S&T)"),
    # report collection
    "error.report_deadline_past": (
        "Hạn nộp {deadline} đã qua; chọn hạn từ hôm nay trở đi",
        "The deadline {deadline} has passed; choose today or later",
    ),
    "error.report_request_no_units": (
        "Không có đơn vị nào để yêu cầu báo cáo",
        "There is no unit to ask for a report",
    ),
    "error.report_request_not_found": (
        "Không tìm thấy yêu cầu báo cáo số {id}",
        "Report request {id} not found",
    ),
    "error.report_unit_not_asked": (
        "Đơn vị {org} không có trong yêu cầu báo cáo số {id}",
        "Unit {org} was not asked for report request {id}",
    ),
    "error.report_request_closed": (
        "Yêu cầu báo cáo số {id} đã đóng, không nhận thêm báo cáo",
        "Report request {id} is closed; no more reports are accepted",
    ),
    "error.report_already_submitted": (
        "{org} đã gửi báo cáo này ngày {at}",
        "{org} already submitted this report on {at}",
    ),
    "error.report_nothing_submitted": (
        "Chưa có đơn vị nào gửi báo cáo cho yêu cầu số {id}",
        "No unit has submitted a report for request {id} yet",
    ),
    "error.report_range_or_period": (
        "Chọn --period, hoặc cả --from và --to",
        "Give --period, or both --from and --to",
    ),
    "alert.report_requested": (
        "Sở KH&CN yêu cầu báo cáo từ {start} đến {end}, hạn nộp {deadline} (yêu cầu số {request})",
        "The Department of S&T asks for a report from {start} to {end}, due {deadline} "
        "(request {request})",
    ),
    "alert.report_reminder": (
        "Nhắc: báo cáo từ {start} đến {end} cần gửi trước {deadline} (còn {days} ngày)",
        "Reminder: the report from {start} to {end} is due by {deadline} ({days} days left)",
    ),
    "alert.report_late": (
        "Quá hạn: báo cáo từ {start} đến {end} đã quá hạn {deadline} ({days} ngày)",
        "Late: the report from {start} to {end} was due {deadline} ({days} days ago)",
    ),
    "report.request.opened": (
        "Đã mở yêu cầu báo cáo số {id} cho {units} đơn vị, hạn {deadline}",
        "Opened report request {id} for {units} units, due {deadline}",
    ),
    "report.submitted": ("Đã gửi báo cáo của {org}", "Report of {org} submitted"),
    "report.reminded": ("Đã nhắc {count} đơn vị", "Reminded {count} units"),
    "report.closed": ("Đã đóng yêu cầu báo cáo số {id}", "Closed report request {id}"),
    "report.status.submitted": ("đã gửi", "submitted"),
    "report.status.missing": ("chưa gửi", "not submitted"),
    "report.status.late": ("trễ hạn", "late"),
    "report.collection": ("Tình hình gửi báo cáo của các đơn vị", "Reports received from units"),
    # criteria
    "error.criterion_not_found": ("Không có tiêu chí «{key}»", "No criterion «{key}»"),
    "error.criterion_target": (
        "Chỉ tiêu «{value}» không hợp lệ: cần một số không âm",
        "Target «{value}» is not valid: a number of 0 or more is needed",
    ),
    "error.criterion_year": (
        "Năm {year} ngoài kế hoạch ({first}-{last})",
        "Year {year} is outside the plan ({first}-{last})",
    ),
    "error.criterion_key": (
        "Mã tiêu chí «{key}» không hợp lệ (chữ thường, số, gạch dưới)",
        "Invalid criterion key «{key}» (lower-case letters, digits, underscores)",
    ),
    "error.criterion_new_needs": (
        "Tiêu chí mới «{key}» cần --name và --measure",
        "New criterion «{key}» needs --name and --measure",
    ),
    "error.criterion_choice": (
        "Giá trị «{value}» không hợp lệ cho {field}; chọn trong: {allowed}",
        "Invalid {field} «{value}»; choose from: {allowed}",
    ),
    # activities
    "error.activity_unit_required": (
        "Hoạt động cần có đơn vị (--org)",
        "An activity needs a unit (--org)",
    ),
    "error.activity_kind": (
        "Loại hoạt động «{value}» không hợp lệ; chọn trong: {allowed}",
        "Invalid activity kind «{value}»; choose from: {allowed}",
    ),
    "error.activity_future": (
        "Ngày {day} ở tương lai; chỉ ghi hoạt động đã diễn ra",
        "{day} is in the future; record activities that have happened",
    ),
    "error.activity_title_required": ("Hoạt động cần có tên", "An activity needs a title"),
    "activity.added": ("Đã ghi hoạt động số {id}", "Recorded activity {id}"),
    "activity.kind.conference": ("Hội nghị", "Conference"),
    "activity.kind.workshop": ("Hội thảo", "Workshop"),
    "activity.kind.training": ("Tập huấn", "Training"),
    "activity.kind.award": ("Giải thưởng", "Award"),
    "activity.kind.press": ("Bài báo, phóng sự", "Press article or report"),
    # reports
    "report.table.caption": ("Bảng {n}. {label}", "Table {n}. {label}"),
    "report.table.by_theme": ("Kết quả theo chủ đề", "By theme"),
    "report.table.by_theme.col": ("Chủ đề", "Theme"),
    "report.table.by_audience": ("Kết quả theo đối tượng", "By target group"),
    "report.table.by_audience.col": ("Đối tượng", "Target group"),
    "report.table.criteria": ("Kết quả theo bộ tiêu chí", "Results against the criteria"),
    "report.table.activities": ("Các hoạt động khác", "Other activities"),
    "report.table.tasks": ("Truyền thông về các nhiệm vụ KH&CN", "Communications on the S&T tasks"),
    "report.table.top": ("Bài viết có nhiều tương tác nhất", "Posts with most engagement"),
    "report.table.kpi": ("Kết quả thực hiện các chỉ tiêu", "Indicators against targets"),
    "report.section.activities": (
        "Hội nghị, hội thảo, tập huấn, giải thưởng, báo chí",
        "Conferences, workshops, trainings, awards, press",
    ),
    "report.no_activities": ("Không có hoạt động nào được ghi nhận.", "No activity recorded."),
    "report.col.state": ("Tình trạng", "State"),
    "report.col.submitted_at": ("Thời điểm gửi", "Submitted at"),
    "report.col.criterion": ("Tiêu chí", "Criterion"),
    "report.col.date": ("Ngày", "Date"),
    "report.col.activity_kind": ("Loại", "Kind"),
    "report.col.activity": ("Hoạt động", "Activity"),
    "report.criterion.reached": ("Đạt", "Reached"),
    "report.criterion.not_yet": ("Chưa đạt", "Not yet"),
    "report.subject_range": (
        "Kết quả truyền thông từ ngày {start} đến ngày {end}",
        "Communications results from {start} to {end}",
    ),
    "report.sheet.theme": ("Theo chủ đề", "By theme"),
    "report.sheet.audience": ("Theo đối tượng", "By target group"),
    "report.sheet.criteria": ("Bộ tiêu chí", "Criteria"),
    "report.sheet.activities": ("Hoạt động khác", "Other activities"),
    "report.sheet.collection": ("Tình hình gửi báo cáo", "Reports received"),
    "report.col.link": ("Minh chứng", "Evidence"),
    "report.unit.posts": ("bài", "posts"),
    "ui.stats.whole_province": ("Toàn tỉnh (mọi đơn vị)", "Whole province (every unit)"),
    "ui.stats.collect_now": ("Thu thập ngay", "Collect now"),
    "ui.stats.collecting": ("Đang thu thập số liệu tương tác…", "Collecting engagement…"),
    "ui.stats.collecting_channel": ("Đang thu thập: {channel}", "Collecting: {channel}"),
    "ui.reports.range": ("Từ ngày - đến ngày", "From - to"),
    "ui.reports.range_help": (
        "Dùng khi chọn kỳ «Tùy chọn» (báo cáo đột xuất)",
        "Used with the «Custom» period (ad hoc report)",
    ),
    "ui.collection.title": ("Thu thập báo cáo của các đơn vị", "Reports from the units"),
    "ui.collection.caption": (
        "Sở KH&CN yêu cầu báo cáo (định kỳ hoặc đột xuất) kèm hạn nộp; mỗi đơn vị gửi báo cáo "
        "của mình; Sở theo dõi, nhắc và tổng hợp báo cáo của tỉnh.",
        "The Department of S&T asks for reports (periodic or ad hoc) with a deadline; each "
        "unit submits its own; the department follows up, reminds and compiles the province's.",
    ),
    "ui.collection.none": ("Chưa có yêu cầu báo cáo nào.", "No report request yet."),
    "ui.collection.open": ("Yêu cầu báo cáo mới", "New report request"),
    "ui.collection.deadline": ("Hạn nộp", "Deadline"),
    "ui.collection.units": ("Đơn vị", "Units"),
    "ui.collection.all_units": ("Mọi đơn vị của tỉnh", "Every unit of the province"),
    "ui.collection.request_title": ("Tên yêu cầu (không bắt buộc)", "Title (optional)"),
    "ui.collection.send": ("Gửi yêu cầu", "Send the request"),
    "ui.collection.request": (
        "Yêu cầu số {id}: {title} — từ {start} đến {end}, hạn {deadline} ({done}/{total} đã gửi)",
        "Request {id}: {title} — {start} to {end}, due {deadline} ({done}/{total} submitted)",
    ),
    "ui.collection.request_dated": (
        "Yêu cầu số {id}: {title}, hạn {deadline} ({done}/{total} đã gửi)",
        "Request {id}: {title}, due {deadline} ({done}/{total} submitted)",
    ),
    "ui.collection.untitled": ("Báo cáo đột xuất", "Ad hoc report"),
    "ui.collection.closed": ("đã đóng", "closed"),
    "ui.collection.submit": ("Gửi báo cáo của đơn vị", "Submit our report"),
    "ui.collection.remind": ("Nhắc đơn vị chưa gửi", "Remind the others"),
    "ui.collection.close": ("Đóng yêu cầu", "Close"),
    "ui.collection.compile": ("Tổng hợp báo cáo tỉnh", "Compile the province's report"),
}

"""Statistics, KPIs, the S&T task register, reports, the API service."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "error.period_invalid": (
        "Kỳ báo cáo «{value}» không hợp lệ; dùng dạng YYYY-H1, YYYY-H2 hoặc YYYY (vd 2026-H1)",
        "Invalid period «{value}»; use YYYY-H1, YYYY-H2 or YYYY (e.g. 2026-H1)",
    ),
    "error.period_reversed": (
        "Ngày kết thúc {end} trước ngày bắt đầu {start}",
        "The end date {end} is before the start date {start}",
    ),
    "error.report_format": (
        "Định dạng báo cáo «{value}» không hỗ trợ; chọn một trong: {allowed}",
        "Report format «{value}» is not supported; choose one of: {allowed}",
    ),
    "error.report_period_future": (
        "Kỳ báo cáo {period} chưa bắt đầu, chưa có số liệu",
        "The period {period} has not begun yet; there are no figures",
    ),
    "error.stats_content_type": (
        "Loại nội dung «{value}» không hợp lệ; chọn một trong: {allowed}",
        "Invalid content type «{value}»; choose one of: {allowed}",
    ),
    "error.stats_dimension": (
        "Không thống kê theo «{value}» được; chọn một trong: {allowed}",
        "Cannot group by «{value}»; choose one of: {allowed}",
    ),
    "error.kpi_target_unknown": (
        "Chỉ tiêu «{name}» không tồn tại; chọn một trong: {allowed}",
        "Unknown KPI target «{name}»; choose one of: {allowed}",
    ),
    "error.kpi_target_value": (
        "Giá trị {value} không hợp lệ cho chỉ tiêu «{name}»",
        "The value {value} is not valid for the target «{name}»",
    ),
    "error.task_file_missing": ("Không tìm thấy tệp {path}", "File {path} not found"),
    "error.task_file_format": (
        "Tệp {path} không phải CSV hoặc XLSX",
        "File {path} is neither CSV nor XLSX",
    ),
    "error.task_file_encoding": (
        "Tệp {path} không đúng mã UTF-8 (lỗi ở byte {position}); hãy lưu lại dưới dạng "
        "«CSV UTF-8» hoặc dùng tệp XLSX",
        "File {path} is not valid UTF-8 (error at byte {position}); save it as «CSV UTF-8» "
        "or use an XLSX file",
    ),
    "error.task_file_unreadable": (
        "Không đọc được tệp {path}: {detail}",
        "Cannot read file {path}: {detail}",
    ),
    "error.task_file_empty": ("Tệp {path} không có dữ liệu", "File {path} has no data"),
    "error.task_file_too_big": (
        "Tệp có quá nhiều dòng (tối đa {limit})",
        "The file has too many rows (at most {limit})",
    ),
    "error.task_columns": (
        "Thiếu cột bắt buộc: {missing}. Các cột có trong tệp: {found}. Cần có «Mã nhiệm vụ» "
        "và «Tên nhiệm vụ»",
        "Missing required columns: {missing}. Columns in the file: {found}. «Mã nhiệm vụ» "
        "(code) and «Tên nhiệm vụ» (title) are required",
    ),
    "error.task_duplicate": (
        "Dòng {row}: mã nhiệm vụ «{code}» bị lặp trong tệp",
        "Row {row}: task code «{code}» appears twice in the file",
    ),
    "error.task_row_required": (
        "Dòng {row}: thiếu mã hoặc tên nhiệm vụ",
        "Row {row}: the task code or title is missing",
    ),
    "error.task_row_too_long": (
        "Dòng {row}: mã (tối đa 80 ký tự) hoặc tên (tối đa 500 ký tự) quá dài",
        "Row {row}: the code (max 80 characters) or title (max 500) is too long",
    ),
    "error.task_row_year": (
        "Dòng {row}: năm «{value}» không hợp lệ",
        "Row {row}: the year «{value}» is not valid",
    ),
    "error.task_row_classified": (
        "Dòng {row}: cột «Mật» phải là có/không (hoặc x/để trống), không phải «{value}»",
        "Row {row}: the «classified» column must be yes/no (or x/empty), not «{value}»",
    ),
    "error.task_row_org": (
        "Dòng {row}: không tìm thấy đơn vị «{org}»",
        "Row {row}: organisation «{org}» not found",
    ),
    "error.task_row_org_required": (
        "Dòng {row}: cần ghi đơn vị (cột «Đơn vị»)",
        "Row {row}: the organisation («org» column) is required",
    ),
    "error.inbound_channel": (
        "Kênh «{channel}» không nhận sự kiện tương tác",
        "Channel «{channel}» does not accept engagement events",
    ),
    "error.inbound_signature": (
        "Chữ ký không hợp lệ hoặc sự kiện quá cũ",
        "Invalid signature or stale event",
    ),
    "error.inbound_body": (
        "Nội dung sự kiện không hợp lệ: {detail}",
        "Invalid event body: {detail}",
    ),
    "error.inbound_delivery": (
        "Không tìm thấy bài đăng «{ref}» của kênh này",
        "No delivery «{ref}» on this channel",
    ),
    "error.link_not_found": (
        "Liên kết không tồn tại hoặc đã bị xóa",
        "This link does not exist or was removed",
    ),
    "error.link_invalid": (
        "Liên kết «{url}» không hợp lệ: chỉ nhận địa chỉ đầy đủ bắt đầu bằng http:// hoặc "
        "https:// và có tên miền",
        "Link «{url}» is not valid: only full addresses starting with http:// or https:// and "
        "naming a host are accepted",
    ),
    "error.link_too_long": (
        "Liên kết quá dài (tối đa {max} ký tự)",
        "The link is too long (at most {max} characters)",
    ),
    "error.link_unsafe": (
        "Liên kết này không trỏ tới một địa chỉ http(s) hợp lệ nên không được chuyển tiếp",
        "This link does not point to a valid http(s) address and is not followed",
    ),
    "error.inbound_length": (
        "Độ dài nội dung (Content-Length) không hợp lệ",
        "Invalid Content-Length",
    ),
    "error.inbound_unavailable": (
        "Chưa lưu được sự kiện, cơ sở dữ liệu tạm thời không trả lời; hãy gửi lại sau",
        "The event was not stored: the database is not answering; send it again later",
    ),
    "error.api_rate_limited": (
        "Quá nhiều yêu cầu từ địa chỉ này; hãy thử lại sau {seconds} giây",
        "Too many requests from this address; try again in {seconds} s",
    ),
    "error.health_token": (
        "Mã truy cập trang tình trạng không đúng",
        "Wrong health token",
    ),
    # alerts
    "alert.report_due": (
        "Sắp đến hạn báo cáo {period}: gửi Sở Khoa học và Công nghệ trước {deadline} "
        "(còn {days_left} ngày)",
        "Report {period} is due: send it to the Department of Science and Technology before "
        "{deadline} ({days_left} days left)",
    ),
    # statistics labels
    "stats.title": ("Thống kê", "Statistics"),
    "stats.not_available": ("không có số liệu", "not available"),
    "stats.no_campaign": ("(không thuộc chiến dịch)", "(no campaign)"),
    "stats.note.telegram_views": (
        "Ghi chú: «-» là không có số liệu (nền tảng không cung cấp), không phải bằng 0; "
        "Telegram không cung cấp lượt xem, bình luận, chia sẻ cho bot.",
        "Note: «-» means not available (the platform does not give the figure), not zero; "
        "Telegram does not give views, comments or shares to bots.",
    ),
    "stats.col.posts": ("Bài viết", "Posts"),
    "stats.col.deliveries": ("Lượt đăng", "Deliveries"),
    "stats.col.reactions": ("Cảm xúc", "Reactions"),
    "stats.col.comments": ("Bình luận", "Comments"),
    "stats.col.shares": ("Chia sẻ", "Shares"),
    "stats.col.views": ("Lượt xem", "Views"),
    "stats.col.clicks": ("Lượt nhấp", "Clicks"),
    "stats.col.engagement": ("Tương tác", "Engagement"),
    "stats.col.month": ("Tháng", "Month"),
    "stats.col.platform": ("Nền tảng", "Platform"),
    "stats.col.channel": ("Kênh", "Channel"),
    "stats.col.org": ("Đơn vị", "Organisation"),
    "stats.col.orgs": ("Số đơn vị", "Organisations"),
    "stats.col.campaign": ("Chiến dịch", "Campaign"),
    "stats.col.content_type": ("Loại nội dung", "Content type"),
    "stats.col.rank": ("TT", "No."),
    "stats.col.post": ("Bài viết", "Post"),
    "stats.col.kpi": ("Chỉ tiêu", "Indicator"),
    "stats.col.target": ("Mục tiêu", "Target"),
    "stats.col.result": ("Kết quả", "Result"),
    "stats.col.unit": ("Đơn vị tính", "Unit"),
    "stats.col.status": ("Đánh giá", "Status"),
    "stats.col.task_code": ("Mã nhiệm vụ", "Task code"),
    "stats.col.task_title": ("Tên nhiệm vụ", "Task title"),
    "stats.col.task_covered": ("Đã truyền thông", "Communicated"),
    "stats.col.task_where": ("Kênh, thời gian", "Where, when"),
    "stats.col.lead_org": ("Đơn vị chủ trì", "Lead organisation"),
    "stats.col.year": ("Năm", "Year"),
    "stats.col.first_published": ("Đăng lần đầu", "First published"),
    "stats.col.date": ("Ngày", "Date"),
    "stats.col.published_orgs": ("Đơn vị đã đăng", "Organisations that published"),
    "stats.col.share": ("Tỷ lệ (%)", "Share (%)"),
    "stats.col.missing": ("Đơn vị chưa đăng", "Organisations that did not publish"),
    "stats.col.collected_at": ("Cập nhật lúc", "Collected at"),
    "stats.col.sent_at": ("Đăng lúc", "Published at"),
    "stats.col.delivery": ("Lượt đăng", "Delivery"),
    "stats.col.kind": ("Nền tảng", "Platform"),
    "stats.kind.facebook": ("Facebook", "Facebook"),
    "stats.kind.telegram": ("Telegram", "Telegram"),
    "stats.kind.webhook": ("Webhook ký số", "Signed webhook"),
    "stats.content.text": ("Văn bản", "Text"),
    "stats.content.image": ("Ảnh", "Image"),
    "stats.content.video": ("Video", "Video"),
    "stats.totals": ("Tổng cộng", "Totals"),
    "stats.collect.done": (
        "Đã thu thập {snapshots} bản ghi số liệu từ {channels} kênh ({failed} kênh lỗi)",
        "Collected {snapshots} snapshots from {channels} channels ({failed} failed)",
    ),
    "stats.collect.failed_channel": (
        "Kênh {channel} lỗi: {error}",
        "Channel {channel} failed: {error}",
    ),
    "stats.empty": ("Chưa có số liệu trong kỳ này", "No figures for this period yet"),
    # KPIs
    "kpi.task_coverage": (
        "Tỷ lệ nhiệm vụ KH&CN (trừ nhiệm vụ mật) được truyền thông",
        "S&T tasks (except classified) communicated",
    ),
    "kpi.national_days": (
        "Tỷ lệ đơn vị đăng bài vào các ngày sự kiện quốc gia",
        "Organisations publishing on national days",
    ),
    "kpi.posts_per_org_month": (
        "Số bài đăng bình quân mỗi đơn vị mỗi tháng",
        "Posts per organisation per month",
    ),
    "kpi.unit.posts": ("bài", "posts"),
    "kpi.status.green": ("Đạt", "Met"),
    "kpi.status.amber": ("Gần đạt", "Nearly met"),
    "kpi.status.red": ("Chưa đạt", "Not met"),
    # report
    "report.number": ("Số:       /BC-", "No.:       /BC-"),
    "report.motto.country": (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ),
    "report.motto.words": ("Độc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    "report.place_date": (
        "Đồng Nai, ngày {day} tháng {month} năm {year}",
        "Đồng Nai, {day}/{month}/{year}",
    ),
    "report.title": ("BÁO CÁO", "REPORT"),
    "report.subject": (
        "Kết quả công tác truyền thông về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
        "số {half} {year}",
        "Results of communications on science, technology, innovation and digital "
        "transformation, {half} {year}",
    ),
    "report.half.first": ("6 tháng đầu năm", "first half of"),
    "report.half.second": ("6 tháng cuối năm", "second half of"),
    "report.half.year": ("năm", "year"),
    "report.basis": (
        "(Thực hiện Kế hoạch số 45/KH-UBND ngày 12/8/2025 của UBND tỉnh triển khai Nghị quyết "
        "số 57-NQ/TW)",
        "(Implementing Plan 45/KH-UBND of 12/8/2025 on Resolution 57-NQ/TW)",
    ),
    "report.recipient": (
        "Kính gửi: Sở Khoa học và Công nghệ",
        "To: the Department of Science and Technology",
    ),
    "report.issuer_province": (
        "các cơ quan, đơn vị trên địa bàn tỉnh",
        "the organisations of the province",
    ),
    "report.intro": (
        "Thực hiện Kế hoạch truyền thông, {issuer} báo cáo kết quả công tác truyền thông trong "
        "kỳ từ ngày {start} đến ngày {end} như sau:",
        "Under the communications plan, {issuer} reports the results of communications from "
        "{start} to {end} as follows:",
    ),
    "report.section.results": ("I. KẾT QUẢ THỰC HIỆN", "I. RESULTS"),
    "report.section.channels": (
        "1. Truyền thông trên các kênh, nền tảng số",
        "1. Communications on the channels and platforms",
    ),
    "report.section.campaigns": (
        "2. Truyền thông các ngày sự kiện (18/5, 1/10, 10/10) và chiến dịch",
        "2. National days (18/5, 1/10, 10/10) and campaigns",
    ),
    "report.section.tasks": (
        "3. Truyền thông về nhiệm vụ khoa học và công nghệ",
        "3. Communications on S&T tasks",
    ),
    "report.section.top": ("4. Bài viết có nhiều tương tác nhất", "4. Posts with most engagement"),
    "report.section.charts": ("5. Biểu đồ", "5. Charts"),
    "report.section.kpi": (
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "II. INDICATORS AGAINST TARGETS",
    ),
    "report.section.issues": (
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ",
        "III. DIFFICULTIES AND PROPOSALS",
    ),
    "report.section.next": (
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "IV. TASKS FOR THE NEXT PERIOD",
    ),
    "report.issues.difficulties": ("1. Khó khăn, vướng mắc", "1. Difficulties"),
    "report.issues.proposals": ("2. Đề xuất, kiến nghị", "2. Proposals"),
    "report.author_fill": (
        "[Người soạn báo cáo bổ sung nội dung]",
        "[To be written by the author]",
    ),
    "report.summary.totals": (
        "Trong kỳ, đã đăng {posts} bài viết với {deliveries} lượt đăng trên {channels} kênh; "
        "tổng số lượt tương tác (cảm xúc, bình luận, chia sẻ, nhấp liên kết) đạt {engagement}; "
        "số lượt nhấp liên kết theo dõi: {clicks}.",
        "In the period, {posts} posts were published as {deliveries} deliveries on {channels} "
        "channels; total engagement (reactions, comments, shares, link clicks) {engagement}; "
        "tracked link clicks: {clicks}.",
    ),
    "report.summary.day": (
        "{campaign} ({date}): {published}/{organisations} đơn vị đăng bài ({share}%).",
        "{campaign} ({date}): {published}/{organisations} organisations published ({share}%).",
    ),
    "report.summary.no_days": (
        "Trong kỳ báo cáo không có ngày sự kiện quốc gia.",
        "No national day falls in this period.",
    ),
    "report.summary.no_tasks": (
        "Các đơn vị trong báo cáo chưa có nhiệm vụ KH&CN nào trong danh mục.",
        "The units in this report have no S&T task in the register.",
    ),
    "report.summary.tasks": (
        "Đã truyền thông {covered}/{total} nhiệm vụ KH&CN sử dụng ngân sách nhà nước (trừ "
        "nhiệm vụ mật), đạt {share}%.",
        "{covered} of {total} state-funded S&T tasks (except classified) communicated: {share}%.",
    ),
    "report.table.by_kind": ("Bảng 1. Kết quả theo nền tảng", "Table 1. By platform"),
    "report.table.by_org": ("Bảng 2. Kết quả theo đơn vị", "Table 2. By organisation"),
    "report.table.by_channel": ("Bảng 3. Kết quả theo kênh", "Table 3. By channel"),
    "report.table.by_campaign": ("Bảng 4. Kết quả theo chiến dịch", "Table 4. By campaign"),
    "report.empty_period": ("Chưa có bài viết trong kỳ.", "No posts in the period."),
    "report.chart.monthly": ("Tương tác và số bài theo tháng", "Engagement and posts by month"),
    "report.chart.platforms": ("Tương tác theo nền tảng", "Engagement by platform"),
    "report.recipients": ("Nơi nhận:", "Recipients:"),
    "report.recipients_list": (
        "- Sở Khoa học và Công nghệ;\n- Lưu: VT.",
        "- Department of Science and Technology;\n- Archive.",
    ),
    "report.signer": ("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF ORGANISATION"),
    "report.signer_hint": ("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, name, seal)"),
    "report.period": ("Kỳ báo cáo", "Period"),
    "report.generated": ("Lập lúc", "Generated at"),
    "report.sheet.summary": ("Tổng hợp", "Summary"),
    "report.sheet.kind": ("Theo nền tảng", "By platform"),
    "report.sheet.channel": ("Theo kênh", "By channel"),
    "report.sheet.org": ("Theo đơn vị", "By organisation"),
    "report.sheet.campaign": ("Theo chiến dịch", "By campaign"),
    "report.sheet.content": ("Theo loại nội dung", "By content type"),
    "report.sheet.month": ("Theo tháng", "By month"),
    "report.sheet.top": ("Bài nổi bật", "Top posts"),
    "report.sheet.kpi": ("Chỉ tiêu", "KPIs"),
    "report.sheet.tasks": ("Nhiệm vụ KH&CN", "S&T tasks"),
    "report.sheet.days": ("Ngày sự kiện", "National days"),
    "report.written": ("Đã ghi báo cáo: {path}", "Report written: {path}"),
    "task.imported": (
        "Đã nhập {added} nhiệm vụ mới, cập nhật {updated} nhiệm vụ ({classified} nhiệm vụ mật)",
        "Imported {added} new tasks, updated {updated} ({classified} classified)",
    ),
    "api.started": ("Dịch vụ API đang chạy tại {url}", "API service running at {url}"),
    # UI: statistics and reports pages
    "ui.stats.title": ("Thống kê", "Statistics"),
    "ui.stats.caption": (
        "Số liệu tương tác theo đơn vị, kênh, chiến dịch và loại nội dung; chỉ tiêu theo "
        "Kế hoạch 45/KH-UBND",
        "Engagement by organisation, channel, campaign and content type; KPIs of Plan 45",
    ),
    "ui.stats.period": ("Kỳ", "Period"),
    "ui.stats.period.this_half": ("6 tháng này", "This half-year"),
    "ui.stats.period.last_half": ("6 tháng trước", "Previous half-year"),
    "ui.stats.period.this_year": ("Năm nay", "This year"),
    "ui.stats.period.last_year": ("Năm trước", "Last year"),
    "ui.stats.period.custom": ("Tùy chọn…", "Custom…"),
    "ui.stats.range": ("Từ ngày - đến ngày", "From - to"),
    "ui.stats.pick_range": ("Chọn ngày bắt đầu và ngày kết thúc", "Pick a start and an end date"),
    "ui.stats.org": ("Đơn vị", "Organisation"),
    "ui.stats.all_orgs": ("Toàn tỉnh (tất cả đơn vị)", "Whole province (all organisations)"),
    "ui.stats.all": ("Tất cả", "All"),
    "ui.stats.na_help": (
        "Nền tảng không cung cấp số liệu này (vd Telegram không cho bot xem lượt xem)",
        "The platform does not give this figure (e.g. Telegram gives bots no view counts)",
    ),
    "ui.stats.collected": ("Số liệu cập nhật lúc {at}", "Figures collected at {at}"),
    "ui.stats.never_collected": (
        "Chưa thu thập số liệu tương tác cho kỳ này",
        "No engagement collected for this period yet",
    ),
    "ui.stats.tab.trend": ("Xu hướng", "Trend"),
    "ui.stats.tab.breakdown": ("Phân tích", "Breakdown"),
    "ui.stats.tab.top": ("Bài nổi bật", "Top posts"),
    "ui.stats.tab.yoy": ("So sánh các năm", "Year over year"),
    "ui.stats.tab.kpi": ("Chỉ tiêu", "KPIs"),
    "ui.stats.unit.month": ("Tháng", "Month"),
    "ui.stats.unit.day": ("Ngày", "Day"),
    "ui.stats.group_by": ("Theo", "By"),
    "ui.stats.target": ("mục tiêu {target}", "target {target}"),
    "ui.stats.tasks": (
        "Nhiệm vụ KH&CN đã truyền thông: {covered}/{total}",
        "S&T tasks communicated: {covered}/{total}",
    ),
    "ui.stats.no_tasks": (
        "Chưa có danh mục nhiệm vụ KH&CN; nhập tại trang Báo cáo",
        "No S&T task register yet; import it on the Reports page",
    ),
    "ui.stats.days": ("Các ngày sự kiện quốc gia", "National days"),
    "ui.reports.title": ("Báo cáo", "Reports"),
    "ui.reports.caption": (
        "Báo cáo định kỳ 6 tháng gửi Sở Khoa học và Công nghệ (trước 15/6 và 15/12)",
        "Semi-annual report to the Department of Science and Technology (before 15/6 and 15/12)",
    ),
    "ui.reports.period_label": ("{half} {year}", "{half} {year}"),
    "ui.reports.format": ("Định dạng", "Format"),
    "ui.reports.generate": ("Tạo báo cáo", "Generate the report"),
    "ui.reports.working": ("Đang tạo báo cáo…", "Generating the report…"),
    "ui.reports.ready": ("Đã tạo xong {name}", "{name} is ready"),
    "ui.reports.download": ("Tải về {name}", "Download {name}"),
    "ui.reports.author_note": (
        "Mục «Khó khăn, vướng mắc và đề xuất, kiến nghị» để trống cho người soạn bổ sung "
        "trước khi trình ký.",
        "The «difficulties and proposals» section is left for the author to complete before "
        "signing.",
    ),
    "ui.reports.tasks_title": ("Danh mục nhiệm vụ KH&CN", "S&T task register"),
    "ui.reports.tasks_caption": (
        "Tệp CSV (UTF-8) hoặc XLSX với các cột «Mã nhiệm vụ», «Tên nhiệm vụ» và tùy chọn "
        "«Đơn vị», «Đơn vị chủ trì», «Năm», «Mật». Nhiệm vụ mật không tính vào chỉ tiêu.",
        "CSV (UTF-8) or XLSX with columns «Mã nhiệm vụ» (code), «Tên nhiệm vụ» (title) and "
        "optionally «Đơn vị», «Đơn vị chủ trì», «Năm», «Mật» (classified, excluded from the KPI).",
    ),
    "ui.reports.tasks_file": ("Tệp danh mục", "Register file"),
    "ui.reports.tasks_import": ("Nhập danh mục", "Import the register"),
    "common.yes": ("Có", "Yes"),
    "common.no": ("Chưa", "No"),
}

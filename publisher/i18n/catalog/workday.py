"""The officer's day in the browser: uploads, the acting calendar, administration pages."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # uploads
    "ui.upload.label": ("Tải ảnh, video lên", "Upload photos and videos"),
    "ui.upload.help": (
        "Chọn hoặc kéo thả nhiều tệp: ảnh JPEG, PNG, WebP, HEIC; video MP4, MOV. Ảnh được xoay "
        "đúng chiều và xoá vị trí GPS trước khi lưu.",
        "Choose or drop several files: JPEG, PNG, WebP, HEIC photos; MP4, MOV videos. Photos "
        "are turned upright and their GPS position removed before they are stored.",
    ),
    "ui.upload.working": ("Đang lưu {done}/{total}: {file}", "Storing {done}/{total}: {file}"),
    "ui.upload.stored": ("Đã lưu «{file}» vào thư viện (#{id})", "Stored «{file}» (#{id})"),
    "ui.upload.existed": (
        "«{file}» đã có trong thư viện: dùng lại mục #{id}",
        "«{file}» is already in the library: item #{id} is reused",
    ),
    "ui.upload.near": (
        "«{file}» gần giống mục đã có: {ids}",
        "«{file}» looks almost like items already stored: {ids}",
    ),
    "ui.upload.drop": ("Kéo thả tệp vào đây", "Drag and drop files here"),
    "ui.upload.limit": ("Tối đa {limit} MB mỗi tệp", "Up to {limit} MB per file"),
    "ui.upload.browse": ("Chọn tệp", "Browse files"),
    "ui.media.edit": ("Sửa tên, thẻ", "Edit title, tags"),
    "ui.media.title": ("Tên", "Title"),
    "ui.media.tags": ("Thẻ (cách nhau bởi dấu phẩy)", "Tags (comma separated)"),
    "ui.media.save": ("Lưu", "Save"),
    "ui.media.saved": ("Đã lưu mục #{id}", "Item #{id} saved"),
    "ui.media.video_label": ("Video {seconds} giây", "Video, {seconds} s"),
    # the calendar
    "ui.calendar.list": ("Danh sách", "List"),
    "ui.calendar.all_day": ("Cả ngày", "All day"),
    "ui.calendar.how": (
        "Bấm vào một ngày (hoặc một giờ ở chế độ Tuần) để soạn bài vào lúc đó; kéo một bài sang "
        "ngày, giờ khác để dời lịch.",
        "Click a day (or an hour in the Week view) to write a post for then; drag a post to "
        "another day or hour to reschedule it.",
    ),
    "ui.calendar.moved": ("Đã dời bài #{id} sang {at}", "Post #{id} moved to {at}"),
    "ui.calendar.move": ("Dời lịch", "Reschedule"),
    "ui.calendar.move_post": ("Bài viết", "Post"),
    "ui.calendar.move_go": ("Dời lịch", "Reschedule"),
    "ui.calendar.move_missing": ("Hãy chọn bài, ngày và giờ mới", "Choose the post, day and time"),
    # administration
    "error.audit_range_invalid": (
        "Khoảng ngày không hợp lệ: ngày kết thúc trước ngày bắt đầu",
        "Invalid range: the end is before the start",
    ),
    "error.own_role": (
        "Không thể tự đổi vai trò hay đơn vị của chính mình; hãy nhờ quản trị viên khác",
        "You cannot change your own role or organisation; ask another administrator",
    ),
    "ui.nav.audit": ("Nhật ký hoạt động", "Audit log"),
    "ui.audit.title": ("Nhật ký hoạt động", "Audit log"),
    "ui.audit.caption": (
        "Ai đã làm gì, khi nào: mọi thao tác được ghi lại và không sửa được",
        "Who did what, and when: every action is recorded and cannot be changed",
    ),
    "ui.audit.from": ("Từ ngày", "From"),
    "ui.audit.to": ("Đến ngày", "To"),
    "ui.audit.action": ("Thao tác", "Action"),
    "ui.audit.who": ("Người thực hiện", "Who"),
    "ui.audit.who_placeholder": ("tên đăng nhập", "username"),
    "ui.audit.object": ("Đối tượng", "Object"),
    "ui.audit.object_id": ("Mã đối tượng", "Object id"),
    "ui.audit.all": ("Tất cả", "All"),
    "ui.audit.count": ("{n} dòng (mới nhất trước)", "{n} rows (newest first)"),
    "ui.audit.export": ("Tải CSV", "Download CSV"),
    "ui.audit.empty": ("Không có dòng nào khớp bộ lọc", "No rows match the filters"),
    "ui.audit.col_at": ("Thời điểm", "When"),
    "ui.audit.col_who": ("Người thực hiện", "Who"),
    "ui.audit.col_action": ("Thao tác", "Action"),
    "ui.audit.col_object": ("Đối tượng", "Object"),
    "ui.audit.col_change": ("Thay đổi", "Change"),
    "ui.users.create": ("Thêm tài khoản", "Add a user"),
    "ui.users.create_do": ("Tạo tài khoản", "Create"),
    "ui.users.created": (
        "Đã tạo «{username}». Mật khẩu ban đầu (chỉ hiện một lần):",
        "«{username}» created. First password (shown once):",
    ),
    "ui.users.password_optional": (
        "Mật khẩu (để trống: tự sinh)",
        "Password (empty: generated)",
    ),
    "ui.users.actions": ("Thao tác", "Actions"),
    "ui.users.role_change": ("Đổi vai trò, đơn vị", "Change role, organisation"),
    "ui.users.role_do": ("Lưu vai trò", "Save role"),
    "ui.users.role_changed": (
        "Đã đổi «{username}»: {role} · {org}. Phiên đăng nhập của họ đã kết thúc.",
        "«{username}» is now {role} · {org}. Their sessions have ended.",
    ),
    "ui.channels.last_sent": ("Đăng thành công gần nhất: {at}", "Last successful post: {at}"),
    "ui.deliveries.open_in_sandbox": ("Xem trong hộp cát", "See it in the sandbox"),
    "ui.deliveries.following": (
        "Đang theo dõi lượt đăng: trang tự cập nhật",
        "Following the deliveries: this page updates itself",
    ),
    # Streamlit's own widget texts (ui/components/widget_texts.py puts them in the page)
    "ui.st.drag_files": ("Kéo thả tệp vào đây", "Drag and drop files here"),
    "ui.st.per_file": ("Tối đa {size} mỗi tệp", "{size} per file"),
    "ui.st.select_all": ("Chọn tất cả", "Select all"),
    "ui.st.clear_all": ("Bỏ chọn tất cả", "Clear all"),
    "ui.st.show_password": ("Hiện các ký tự đã nhập", "Show password"),
    "ui.st.hide_password": ("Ẩn các ký tự đã nhập", "Hide password"),
    "ui.st.no_results": ("Không có kết quả", "No results"),
    "ui.st.choose_option": ("Chọn một mục", "Choose an option"),
    "ui.st.choose_options": ("Chọn các mục", "Choose options"),
    "ui.st.press_enter": ("Nhấn Enter để áp dụng", "Press Enter to apply"),
    "ui.st.press_ctrl_enter": ("Nhấn {key}+Enter để áp dụng", "Press {key}+Enter to apply"),
    "ui.st.submit_form": ("Nhấn {key}+Enter để gửi", "Press {key}+Enter to submit form"),
    "ui.st.not_allowed": ("Không nhận loại tệp {type}", "{type} files are not allowed"),
    "ui.st.too_big": ("Tệp phải nhỏ hơn {size}", "File must be {size} or smaller"),
    "ui.st.view_less": ("Thu gọn", "View less"),
    "ui.st.view_more": ("Xem thêm {n} trang", "View {n} more"),
    "ui.st.close": ("Đóng", "Close"),
    "ui.st.upload": ("Tải lên", "Upload"),
    "ui.st.main_menu": ("Trình đơn", "Main menu"),
    "ui.st.delete": ("Xoá", "Delete"),
    "ui.st.page_not_found": ("Không mở được trang này", "Page not found"),
    "ui.st.page_not_found_text": (
        "Không có trang này, hoặc tài khoản của bạn không được mở trang này. Đang mở trang chính.",
        "The page that you have requested does not seem to exist. Running the app's main page.",
    ),
    "ui.st.page_not_found_named": (
        "Không có trang /{page}, hoặc tài khoản của bạn không được mở trang này. "
        "Đang mở trang chính.",
        "You have requested page /{page}, but no corresponding file was found in the app's "
        "pages/ directory. Running the app's main page.",
    ),
    "ui.st.skip_to_main": ("Tới nội dung chính", "Skip to main content"),
    "ui.st.help_for": ("Giải thích: {label}", "Help for {label}"),
    # labels read aloud only (aria-label, title): the sidebar, its button, the icons
    "ui.st.sidebar": ("Thanh bên", "Sidebar"),
    "ui.st.collapse_sidebar": ("Thu gọn thanh bên", "Collapse sidebar"),
    "ui.st.expand_sidebar": ("Mở thanh bên", "Expand sidebar"),
    "ui.st.app_pages": ("Các trang", "App pages"),
    "ui.st.link_to_heading": ("Liên kết tới mục này", "Link to heading"),
    "ui.st.open": ("Mở danh sách", "Open"),
    "ui.st.choose_date": ("Chọn ngày", "Choose date"),
    "ui.st.show_hide_columns": ("Hiện/ẩn cột", "Show/hide columns"),
    "ui.st.download_csv": ("Tải xuống CSV", "Download as CSV"),
    "ui.st.search": ("Tìm kiếm", "Search"),
    "ui.st.fullscreen": ("Toàn màn hình", "Fullscreen"),
    "ui.st.icon": ("Biểu tượng", "{name} icon"),
    "ui.st.icon.chevron_left": ("Trước", "Previous"),
    "ui.st.icon.chevron_right": ("Sau", "Next"),
    "ui.st.icon.person": ("Người dùng", "User"),
    # a date or time field's parts, each read aloud with the field's label
    "ui.st.segment.day": ("ngày, {label}", "day, {label}"),
    "ui.st.segment.month": ("tháng, {label}", "month, {label}"),
    "ui.st.segment.year": ("năm, {label}", "year, {label}"),
    "ui.st.segment.hour": ("giờ, {label}", "hour, {label}"),
    "ui.st.segment.minute": ("phút, {label}", "minute, {label}"),
    "ui.st.segment.day_period": ("sáng/chiều, {label}", "AM/PM, {label}"),
}

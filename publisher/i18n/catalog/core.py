"""Core errors and labels: organisations, users, channels, posts, campaigns, deliveries."""

MESSAGES: dict[str, tuple[str, str]] = {
    # generic
    "error.permission_denied": (
        "Vai trò «{role}» không được phép thực hiện thao tác này ({action})",
        "The role «{role}» may not do this ({action})",
    ),
    "error.other_organisation": (
        "Đối tượng này thuộc đơn vị khác, bạn không có quyền truy cập",
        "This belongs to another organisation; you have no access to it",
    ),
    "error.validation_failed": (
        "Bài viết không đăng được: {detail}",
        "The post cannot be published: {detail}",
    ),
    "error.secret_key_missing": (
        "Chưa có khóa bí mật (PUBLISHER_SECRET_KEY) để mã hóa thông tin xác thực; "
        "hãy chạy «publisher init»",
        "No secret key (PUBLISHER_SECRET_KEY) to encrypt credentials; run «publisher init»",
    ),
    "error.secret_key_mismatch": (
        "Khóa bí mật không khớp với dữ liệu đã mã hóa; kiểm tra PUBLISHER_SECRET_KEY",
        "The secret key does not match the encrypted data; check PUBLISHER_SECRET_KEY",
    ),
    "error.internal": (
        "Lỗi hệ thống: {detail}",
        "Internal error: {detail}",
    ),
    "error.database_unreachable": (
        "Không kết nối được cơ sở dữ liệu: {detail}",
        "Cannot reach the database: {detail}",
    ),
    "error.schema_outdated": (
        "Cơ sở dữ liệu chưa được khởi tạo hoặc nâng cấp; hãy chạy «publisher init»",
        "The database is not initialised or upgraded; run «publisher init»",
    ),
    "error.bad_option": (
        "Tham số không hợp lệ: {detail}",
        "Invalid option: {detail}",
    ),
    # time
    "error.time_in_past": (
        "Thời điểm đăng đã qua; hãy chọn thời điểm trong tương lai",
        "The scheduled time is in the past; choose a time in the future",
    ),
    "error.date_invalid": (
        "Không hiểu ngày «{value}»; dùng dạng dd/mm/yyyy",
        "Cannot read the date «{value}»; use dd/mm/yyyy",
    ),
    "error.time_invalid": (
        "Không hiểu thời gian «{value}»; dùng dạng dd/mm/yyyy HH:mm hoặc ISO 8601",
        "Cannot read the time «{value}»; use dd/mm/yyyy HH:mm or ISO 8601",
    ),
    "error.time_naive": (
        "Thời gian thiếu múi giờ",
        "The time has no time zone",
    ),
    "error.time_required": (
        "Bài viết chưa có thời điểm đăng",
        "The post has no scheduled time",
    ),
    # organisations
    "error.org_name_required": ("Tên đơn vị không được để trống", "The organisation name is empty"),
    "error.org_kind_invalid": (
        "Loại đơn vị «{kind}» không hợp lệ (chọn: {kinds})",
        "Unknown organisation kind «{kind}» (choose: {kinds})",
    ),
    "error.org_exists": ("Đơn vị «{org}» đã tồn tại", "Organisation «{org}» already exists"),
    "error.org_not_found": ("Không tìm thấy đơn vị «{org}»", "Organisation «{org}» not found"),
    "error.org_required": (
        "Hãy chỉ rõ đơn vị (--org) vì hệ thống có nhiều đơn vị",
        "Name the organisation (--org): there are several",
    ),
    "error.colour_invalid": (
        "Mã màu «{value}» không hợp lệ (dạng #RRGGBB)",
        "Invalid colour «{value}» (use #RRGGBB)",
    ),
    # users
    "error.username_required": ("Hãy nhập tên đăng nhập", "Enter a username"),
    "error.username_invalid": (
        "Tên đăng nhập «{username}» không hợp lệ (chữ thường không dấu, số, . _ -)",
        "Invalid username «{username}» (lowercase letters, digits, . _ -)",
    ),
    "error.role_invalid": (
        "Vai trò «{role}» không hợp lệ (chọn: {roles})",
        "Unknown role «{role}» (choose: {roles})",
    ),
    "error.user_exists": ("Tài khoản «{username}» đã tồn tại", "User «{username}» already exists"),
    "error.user_not_found": (
        "Không tìm thấy tài khoản «{username}»",
        "User «{username}» not found",
    ),
    "error.last_admin": (
        "Không thể ngừng kích hoạt «{username}»: đây là tài khoản quản trị cuối cùng còn hoạt động",
        "Cannot deactivate «{username}»: it is the last active administrator",
    ),
    "error.password_too_short": (
        "Mật khẩu phải có ít nhất {min} ký tự",
        "The password must have at least {min} characters",
    ),
    "error.login_failed": (
        "Sai tên đăng nhập hoặc mật khẩu",
        "Wrong username or password",
    ),
    "error.login_locked": (
        "Đăng nhập sai nhiều lần; hãy thử lại sau {minutes} phút",
        "Too many failed logins; try again in {minutes} minutes",
    ),
    # channels
    "error.channel_kind_invalid": (
        "Loại kênh «{kind}» không hợp lệ (chọn: {kinds})",
        "Unknown channel kind «{kind}» (choose: {kinds})",
    ),
    "error.channel_name_required": ("Tên kênh không được để trống", "The channel name is empty"),
    "error.channel_name_too_long": (
        "Tên kênh dài quá {limit} ký tự",
        "The channel name is longer than {limit} characters",
    ),
    "error.channel_name_digits": (
        "Tên kênh «{channel}» không được chỉ gồm chữ số (một dãy số là mã kênh)",
        "The channel name «{channel}» cannot be digits only (a number is a channel id)",
    ),
    "error.name_control_chars": (
        "Tên có ký tự điều khiển hoặc ký tự ẩn (xuống dòng, tab, NUL, ...); hãy xoá rồi nhập lại",
        "The name contains control or invisible characters (newline, tab, NUL, ...); "
        "remove them and retry",
    ),
    "error.campaign_name_too_long": (
        "Tên chiến dịch dài quá {limit} ký tự",
        "The campaign name is longer than {limit} characters",
    ),
    "error.media_title_required": (
        "Hãy đặt tên cho tệp media",
        "Give the media item a title",
    ),
    "error.tag_too_long": (
        "Nhãn dài quá {limit} ký tự",
        "A tag is longer than {limit} characters",
    ),
    "error.channel_exists": ("Kênh «{channel}» đã tồn tại", "Channel «{channel}» already exists"),
    "error.channel_not_found": ("Không tìm thấy kênh «{channel}»", "Channel «{channel}» not found"),
    "error.channel_setting_unknown": (
        "Thiết lập «{setting}» không dùng cho kênh loại {kind}",
        "Setting «{setting}» does not apply to {kind} channels",
    ),
    "error.channels_required": ("Hãy chọn ít nhất một kênh", "Choose at least one channel"),
    "error.channels_one_org": (
        "Các kênh của một bài viết phải thuộc cùng một đơn vị",
        "All channels of a post must belong to one organisation",
    ),
    "error.rate_invalid": ("Tốc độ đăng phải lớn hơn 0", "The rate must be above 0"),
    # posts
    "error.text_required": (
        "Nội dung bài viết đang trống",
        "The post text is empty",
    ),
    "error.post_not_found": ("Không tìm thấy bài viết #{id}", "Post #{id} not found"),
    "error.post_not_editable": (
        "Bài viết ở trạng thái «{status}» không sửa được",
        "A post in status «{status}» cannot be edited",
    ),
    "error.post_in_review_locked": (
        "Bài viết đang chờ duyệt; chỉ biên tập viên được sửa",
        "The post is in review; only editors may change it",
    ),
    "error.post_transition": (
        "Không thể chuyển bài viết từ «{frm}» sang «{to}»",
        "A post cannot go from «{frm}» to «{to}»",
    ),
    "error.approve_own_post": (
        "Biên tập viên không tự duyệt bài của chính mình",
        "Editors may not approve their own posts",
    ),
    "error.approve_own_content": (
        "Bạn là người sửa nội dung bài #{id} lần cuối nên không tự duyệt được; "
        "cần một biên tập viên khác duyệt",
        "You changed the content of post #{id} last, so you cannot approve it; another editor must",
    ),
    "error.reject_comment_required": (
        "Hãy ghi lý do trả lại bài viết",
        "Say why the post is rejected",
    ),
    "error.status_invalid": (
        "Trạng thái «{status}» không hợp lệ (chọn: {statuses})",
        "Unknown status «{status}» (choose: {statuses})",
    ),
    "error.recurrence_invalid": (
        "Kiểu lặp «{value}» không hợp lệ",
        "Unknown recurrence «{value}»",
    ),
    "error.media_not_found": (
        "Không tìm thấy tệp media #{id} trong kho của đơn vị",
        "Media #{id} not found in the organisation's library",
    ),
    "error.task_not_found": (
        "Không tìm thấy nhiệm vụ KH&CN «{code}»",
        "S&T task «{code}» not found",
    ),
    # campaigns
    "error.campaign_name_required": (
        "Tên chiến dịch không được để trống",
        "The campaign name is empty",
    ),
    "error.campaign_exists": (
        "Đã có chiến dịch «{name}» (mã {slug})",
        "Campaign «{name}» already exists (code {slug})",
    ),
    "error.campaign_not_found": (
        "Không tìm thấy chiến dịch «{slug}»",
        "Campaign «{slug}» not found",
    ),
    "error.campaign_not_in_year": (
        "Chiến dịch «{slug}» không diễn ra trong năm {year}",
        "Campaign «{slug}» does not take place in {year}",
    ),
    # deliveries and alerts
    "error.delivery_not_found": ("Không tìm thấy lượt đăng #{id}", "Delivery #{id} not found"),
    "error.delivery_transition": (
        "Lượt đăng #{id} không thể chuyển từ «{frm}» sang «{to}»",
        "Delivery #{id} cannot go from «{frm}» to «{to}»",
    ),
    "error.delivery_changed": (
        "{count} lượt đăng vừa bị thay đổi ở nơi khác; không ghi gì, hãy thử lại",
        "{count} deliveries were just changed elsewhere; nothing was written, try again",
    ),
    "error.alert_not_found": ("Không tìm thấy cảnh báo #{id}", "Alert #{id} not found"),
    "alert.channel_breaker_open": (
        "Kênh «{channel}» không trả lời ({failures} lần liên tiếp: quá thời gian chờ, mất kết "
        "nối hoặc lỗi máy chủ); tạm ngừng gửi tới kênh này, sau {seconds} giây sẽ thử lại "
        "bằng một bài. Các bài khác vẫn chờ, không bị tính là lỗi",
        "Channel «{channel}» is not answering ({failures} times in a row: timeout, connection "
        "lost or server error); sending to it is paused, one post will try it again in "
        "{seconds} s. The other posts wait and are not counted as failed",
    ),
    "alert.channel_auth": (
        "Kênh «{channel}»: thông tin xác thực không còn hiệu lực ({detail}); cần kết nối lại",
        "Channel «{channel}»: credentials no longer valid ({detail}); reconnect it",
    ),
}

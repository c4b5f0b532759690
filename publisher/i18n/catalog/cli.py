"""Messages printed by the command line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.init_done": (
        "Đã khởi tạo cơ sở dữ liệu (phiên bản {revision}) và lịch các ngày kỷ niệm quốc gia.",
        "Database initialised (revision {revision}) with the national-day calendar.",
    ),
    "cli.admin_created": (
        "Tài khoản quản trị: {username} / mật khẩu dùng một lần: {password} "
        "(chỉ hiển thị lần này — hãy đổi sau khi đăng nhập)",
        "Admin account: {username} / one-time password: {password} "
        "(shown only now — change it after logging in)",
    ),
    "cli.org_added": ("Đã thêm đơn vị «{slug}».", "Organisation «{slug}» added."),
    "cli.user_added": ("Đã thêm tài khoản «{username}».", "User «{username}» added."),
    "cli.user_deactivated": (
        "Đã ngừng kích hoạt tài khoản «{username}»; các phiên đăng nhập web của tài khoản "
        "đã kết thúc.",
        "User «{username}» deactivated; their web sessions have ended.",
    ),
    "cli.user_activated": (
        "Đã kích hoạt lại tài khoản «{username}».",
        "User «{username}» activated again.",
    ),
    "cli.user_inactive": ("ngừng hoạt động", "inactive"),
    "cli.password_once": (
        "Mật khẩu (chỉ hiển thị lần này): {password}",
        "Password (shown only now): {password}",
    ),
    "cli.channel_added": (
        "Đã thêm kênh «{channel}» ({kind}).",
        "Channel «{channel}» ({kind}) added.",
    ),
    "cli.channel_updated": (
        "Đã cập nhật kênh «{channel}» ({kind}).",
        "Channel «{channel}» ({kind}) updated.",
    ),
    "cli.secret_stdin": ("đầu vào chuẩn", "standard input"),
    "error.secret_sources": (
        "Chỉ dùng một trong {option}, {option}-file, {option}-env",
        "Use only one of {option}, {option}-file, {option}-env",
    ),
    "error.secret_file_missing": (
        "Không có tệp «{path}» (cho {option}-file)",
        "No such file «{path}» (for {option}-file)",
    ),
    "error.secret_file_unreadable": (
        "Không đọc được tệp «{path}» (cho {option}-file): cần một tệp văn bản UTF-8 đọc được",
        "Cannot read «{path}» (for {option}-file): a readable UTF-8 text file is needed",
    ),
    "error.secret_too_long": (
        "Giá trị {option} đọc từ «{path}» dài quá 64 KB",
        "The {option} value read from «{path}» is over 64 KB",
    ),
    "error.secret_empty": (
        "Giá trị {option} đọc từ «{path}» đang trống",
        "The {option} value read from «{path}» is empty",
    ),
    "error.secret_env_unset": (
        "Biến môi trường {var} (cho {option}-env) chưa được đặt",
        "The environment variable {var} (for {option}-env) is not set",
    ),
    "error.secret_option_kind": (
        "Kênh loại {kind} không dùng {option}",
        "{kind} channels do not take {option}",
    ),
    "cli.channel_ok": (
        "Kênh «{channel}» hoạt động: {detail}",
        "Channel «{channel}» works: {detail}",
    ),
    "cli.channel_bad": (
        "Kênh «{channel}» không kết nối được: {detail}",
        "Channel «{channel}» does not work: {detail}",
    ),
    "cli.channel_unreachable": (
        "Kênh «{channel}»: không liên lạc được với nền tảng (lỗi mạng), chưa kiểm tra được "
        "thông tin xác thực: {detail}",
        "Channel «{channel}»: the platform could not be reached (network failure); the "
        "credentials were not checked: {detail}",
    ),
    "cli.post_created": (
        "Đã tạo bài viết #{id} ({status}), lịch đăng {due}.",
        "Post #{id} created ({status}), scheduled for {due}.",
    ),
    "cli.post_status": ("Bài viết #{id}: {status}", "Post #{id}: {status}"),
    "cli.campaign_added": ("Đã thêm chiến dịch «{slug}».", "Campaign «{slug}» added."),
    "cli.plan_done": (
        "Kế hoạch truyền thông: tạo mới {created} bài, đã có {existing} bài, "
        "bỏ qua {skipped} mốc đã qua.",
        "Lead-up plan: {created} posts created, {existing} already there, "
        "{skipped} past steps skipped.",
    ),
    "cli.media_added": (
        "Đã thêm vào kho media: #{id} ({kind}).",
        "Added to the library: #{id} ({kind}).",
    ),
    "cli.media_near_duplicate": (
        "Cảnh báo: gần trùng với #{id} «{title}»",
        "Warning: nearly the same as #{id} «{title}»",
    ),
}

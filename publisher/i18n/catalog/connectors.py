"""Connector-specific problems, notices, error classes and sandbox messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Validation problems (connectors.base.Problem codes) added by the connectors.
    "problem.one_video_only": (
        "Kênh «{channel}»: {platform} chỉ cho đăng một video, không kèm ảnh hay video khác",
        "Channel «{channel}»: {platform} takes one video per post, with no other media",
    ),
    "problem.caption_split": (
        "Kênh «{channel}»: chú thích dài hơn {limit} ký tự nên ảnh/video sẽ được đăng trước, "
        "nội dung được gửi ngay sau thành một tin nhắn riêng",
        "Channel «{channel}»: the caption is over {limit} characters, so the media is posted "
        "first and the text follows as a separate message",
    ),
    "problem.webhook_private_url": (
        "Kênh «{channel}»: địa chỉ webhook {url} trỏ vào mạng nội bộ, không được phép gửi",
        "Channel «{channel}»: webhook address {url} points to a private network and is refused",
    ),
    "problem.webhook_bad_url": (
        "Kênh «{channel}»: địa chỉ webhook {url} phải bắt đầu bằng http:// hoặc https://",
        "Channel «{channel}»: webhook address {url} must start with http:// or https://",
    ),
    "problem.url_private": (
        "Kênh «{channel}»: «{setting}» {url} trỏ vào mạng nội bộ, không được phép gọi",
        "Channel «{channel}»: «{setting}» {url} points to a private network and is refused",
    ),
    "problem.url_scheme": (
        "Kênh «{channel}»: «{setting}» {url} phải là một URL http:// hoặc https:// hợp lệ",
        "Channel «{channel}»: «{setting}» {url} must be a valid http:// or https:// URL",
    ),
    "problem.invalid_page_id": (
        "Kênh «{channel}»: mã trang Facebook «{value}» phải là một dãy chữ số",
        "Channel «{channel}»: Facebook page id «{value}» must be digits only",
    ),
    "problem.webhook_bad_signature": (
        "Kênh «{channel}»: kiểu chữ ký «{value}» không hợp lệ (chỉ nhận zalo hoặc hmac)",
        "Channel «{channel}»: signature type «{value}» is invalid (zalo or hmac only)",
    ),
    "problem.webhook_media_not_inlinable": (
        "Kênh «{channel}»: tệp {file} không có đường dẫn URL và lớn hơn giới hạn {limit_mb} MB "
        "để gửi kèm trực tiếp",
        "Channel «{channel}»: {file} has no URL and is over the {limit_mb} MB limit for "
        "sending inline",
    ),
    "problem.invalid_token": (
        "Kênh «{channel}»: mã truy cập {platform} không đúng định dạng",
        "Channel «{channel}»: the {platform} token is not in the expected format",
    ),
    "problem.invalid_chat_id": (
        "Kênh «{channel}»: mã kênh «{value}» phải là @tên_kênh (5-32 chữ cái không dấu, chữ số, "
        "gạch dưới) hoặc một số như -100…",
        "Channel «{channel}»: chat id «{value}» must be @username (5-32 letters, digits, "
        "underscores) or a number such as -100…",
    ),
    # Error classes (connectors.errors.ConnectorError.kind), shown on failed deliveries.
    "connectors.error.transient": (
        "Không kết nối được tới nền tảng; hệ thống sẽ tự thử lại",
        "Could not reach the platform; it will be retried automatically",
    ),
    "connectors.error.rate_limited": (
        "Nền tảng yêu cầu gửi chậm lại; sẽ thử lại sau {retry_after} giây",
        "The platform asked to slow down; retrying in {retry_after} s",
    ),
    "connectors.error.ambiguous": (
        "Không rõ bài đã được đăng hay chưa; cần kiểm tra trên trang của kênh",
        "It is unknown whether the post was published; check the channel's page",
    ),
    "connectors.error.permanent": (
        "Nền tảng từ chối bài viết: {detail}",
        "The platform rejected the post: {detail}",
    ),
    "connectors.error.auth": (
        "Thông tin đăng nhập của kênh đã hết hạn hoặc bị thu hồi; cần kết nối lại kênh",
        "The channel's credentials expired or were revoked; reconnect the channel",
    ),
    "connectors.error.duplicate": (
        "Nền tảng báo bài này đã được đăng trước đó",
        "The platform reports that this post was already published",
    ),
    "connectors.error.config": (
        "Cấu hình kênh không dùng được: {detail}",
        "The channel configuration cannot be used: {detail}",
    ),
    # `publisher sandbox`
    "connectors.sandbox.started": (
        "Trình giả lập nền tảng đang chạy tại {url} (Ctrl+C để dừng)",
        "Platform emulators running at {url} (Ctrl+C to stop)",
    ),
    "connectors.sandbox.sftp_started": (
        "Thư mục SFTP giả lập: {url}, khóa máy chủ {host_key}, mật khẩu mẫu {password}",
        "Emulated SFTP drop: {url}, host key {host_key}, demo password {password}",
    ),
    "connectors.sandbox.smtp": (
        "Hộp thư giả lập (SMTP, không mã hóa, không đăng nhập): {address}",
        "Mail catcher (SMTP, no TLS, no login): {address}",
    ),
    "connectors.sandbox.sftp_taken": (
        "Không mở được cổng {port} cho thư mục SFTP giả lập ({detail}); "
        "chọn cổng khác với --sftp-port",
        "Cannot open port {port} for the SFTP drop ({detail}); choose another with --sftp-port",
    ),
    "connectors.sandbox.smtp_taken": (
        "Không mở được cổng {port} cho hộp thư giả lập ({detail}); chọn cổng khác với --smtp-port",
        "Cannot open port {port} for the mail catcher ({detail}); choose another with --smtp-port",
    ),
}

"""Zalo Official Account: field labels, problems and the explanation of every error code
(``connectors/zalo_errors.py`` names these keys), in words an officer can act on."""

MESSAGES: dict[str, tuple[str, str]] = {
    # The kind as people see it (channels page, sandbox page: the emulator calls it "zalo").
    "ui.kind.zalo_oa": ("Zalo OA", "Zalo OA"),
    "ui.kind.zalo": ("Zalo OA", "Zalo OA"),
    "stats.kind.zalo_oa": ("Zalo OA", "Zalo OA"),
    # Channel form / CLI fields (connectors.zalo_oa.ZaloOAConnector.fields).
    "ui.channels.field.oa_id": ("Mã Official Account (OA ID)", "Official Account ID"),
    "ui.channels.field.oa_secret_key": (
        "Khóa bí mật OA (ký sự kiện webhook của OA)",
        "OA secret key (signs the OA's webhook events)",
    ),
    # a platform's own wording of a shared key: ui.channels.field.<kind>.<key>
    "ui.channels.field.zalo_oa.access_token": (
        "Mã truy cập OA (access token)",
        "OA access token",
    ),
    "ui.channels.field.app_secret": ("Khóa bí mật của ứng dụng (app secret)", "App secret"),
    "ui.channels.field.refresh_token": (
        "Mã làm mới (refresh token, dùng một lần)",
        "Refresh token (single-use)",
    ),
    "ui.channels.field.broadcast": (
        "Gửi bài viết tới người quan tâm (broadcast)",
        "Send the article to followers (broadcast)",
    ),
    "ui.channels.field.target_cities": (
        "Tỉnh/thành nhận broadcast (mã 0-63, cách nhau bởi dấu phẩy)",
        "Broadcast cities (codes 0-63, comma-separated)",
    ),
    "ui.channels.field.package": ("Gói dịch vụ OA", "OA package"),
    # a choice's value as people read it: ui.channels.value.<key>.<value>
    "ui.channels.value.package.basic": ("Cơ bản", "Basic"),
    "ui.channels.value.package.advanced": ("Nâng cao", "Advanced"),
    "ui.channels.value.package.premium": ("Cao cấp", "Premium"),
    "ui.channels.field.author": ("Tác giả bài viết (tối đa 50 ký tự)", "Article author (≤ 50)"),
    "ui.channels.field.oauth_url": ("Địa chỉ máy chủ OAuth Zalo", "Zalo OAuth address"),
    "ui.channels.field.openapi_url": ("Địa chỉ Open API Zalo", "Zalo Open API address"),
    "ui.channels.help.broadcast": (
        "Mỗi người quan tâm nhận tối đa 1 tin/ngày và 1/4/6 tin/tháng theo gói (cơ bản/nâng "
        "cao/cao cấp); không gửi được từ 22:00 đến 06:00.",
        "Each follower gets at most 1 a day and 1/4/6 a month by package (basic/advanced/"
        "premium); nothing can be sent from 22:00 to 06:00.",
    ),
    # Problems (connectors.base.Problem codes).
    "problem.zalo_invalid_oa_id": (
        "Kênh «{channel}»: mã OA «{value}» phải là một dãy chữ số",
        "Channel «{channel}»: OA id «{value}» must be digits only",
    ),
    "problem.zalo_bad_package": (
        "Kênh «{channel}»: gói OA «{value}» không hợp lệ (basic, advanced hoặc premium)",
        "Channel «{channel}»: OA package «{value}» is invalid (basic, advanced or premium)",
    ),
    "problem.zalo_bad_cities": (
        "Kênh «{channel}»: danh sách tỉnh/thành «{value}» phải là các mã 0-63 cách nhau bởi "
        "dấu phẩy",
        "Channel «{channel}»: cities «{value}» must be codes 0-63 separated by commas",
    ),
    "problem.zalo_author_too_long": (
        "Kênh «{channel}»: tên tác giả dài {length} ký tự, Zalo cho tối đa {limit}",
        "Channel «{channel}»: the author has {length} characters, Zalo allows {limit}",
    ),
    "problem.zalo_title_too_long": (
        "Kênh «{channel}»: tiêu đề bài viết dài {length} ký tự, Zalo cho tối đa {limit}",
        "Channel «{channel}»: the article title has {length} characters, Zalo allows {limit}",
    ),
    "problem.zalo_no_title": (
        "Bài viết Zalo cần có tiêu đề (dòng đầu tiên hoặc tiêu đề của bài đăng)",
        "A Zalo article needs a title (the first line or the post's title)",
    ),
    # Error codes (connectors.zalo_errors.CODES), one line each.
    "zalo.error.token_invalid": (
        "Mã truy cập Zalo không hợp lệ: hệ thống đã thử làm mới một lần",
        "The Zalo access token is invalid: it was refreshed once",
    ),
    "zalo.error.token_expired": (
        "Mã truy cập Zalo đã hết hạn: hệ thống đã thử làm mới một lần",
        "The Zalo access token expired: it was refreshed once",
    ),
    "zalo.error.rate_limit": (
        "Zalo đang giới hạn số lần gọi: sẽ thử lại sau ít phút",
        "Zalo is limiting calls: will try again in a few minutes",
    ),
    "zalo.error.processing": (
        "Zalo vẫn đang xử lý bài viết: hệ thống sẽ kiểm tra lại trước khi gửi lại",
        "Zalo is still processing the article: it is checked again before any resend",
    ),
    "zalo.error.invalid_field": (
        "Zalo từ chối nội dung (trường không hợp lệ): sửa bài rồi lên lịch lại",
        "Zalo refused the content (invalid field): edit the post and schedule it again",
    ),
    "zalo.error.out_of_quota": (
        "Đã hết lượt gửi tháng này của OA: chờ sang tháng sau hoặc nâng gói",
        "The OA has used this month's sends: wait for next month or upgrade the package",
    ),
    "zalo.error.follower_limit": (
        "Người quan tâm đã nhận đủ tin hôm nay: gửi lại vào ngày mai",
        "Followers have had today's message: send again tomorrow",
    ),
    "zalo.error.app_not_registered": (
        "Ứng dụng Zalo chưa được đăng ký dùng API này: quản trị viên cần bật quyền trên "
        "developers.zalo.me",
        "The Zalo app is not registered for this API: an administrator must enable it on "
        "developers.zalo.me",
    ),
    "zalo.error.permission": (
        "OA chưa cấp quyền cho ứng dụng: kết nối lại OA từ trang Kênh",
        "The OA has not granted the permission: connect the OA again from the Channels page",
    ),
    "zalo.error.oa_not_verified": (
        "OA chưa xác thực: không thể gửi broadcast",
        "The OA is not verified: broadcasts cannot be sent",
    ),
    "zalo.error.package_too_low": (
        "Gói OA hiện tại không cho phép thao tác này: cần nâng gói dịch vụ",
        "The OA's package does not allow this: upgrade the package",
    ),
    "zalo.error.app_disabled": (
        "Ứng dụng Zalo đã bị vô hiệu hóa: liên hệ quản trị viên ứng dụng",
        "The Zalo app is disabled: contact the app's administrator",
    ),
    "zalo.error.oa_disabled": (
        "OA đã bị vô hiệu hóa: liên hệ Zalo để mở lại",
        "The OA is disabled: contact Zalo to restore it",
    ),
    "zalo.error.oa_missing": (
        "Không tìm thấy OA: kiểm tra mã OA của kênh",
        "The OA does not exist: check the channel's OA id",
    ),
    "zalo.error.night_block": (
        "Zalo không cho gửi tin quảng bá từ 22:00 đến 06:00: sẽ gửi sau 06:00",
        "Zalo blocks promotional sends from 22:00 to 06:00: sent after 06:00",
    ),
    "zalo.error.api_shut_down": (
        "Zalo đã ngừng API gửi tin này: không thể gửi broadcast",
        "Zalo has shut this message API down: broadcasts cannot be sent",
    ),
    "zalo.error.wrong_path": (
        "Địa chỉ Open API của kênh không đúng: kiểm tra cài đặt kênh",
        "The channel's Open API address is wrong: check the channel's settings",
    ),
    "zalo.error.oauth_invalid": (
        "Zalo từ chối mã làm mới hoặc mã xác thực (đã dùng, bị thu hồi hoặc hết hạn): kết nối "
        "lại OA từ trang Kênh",
        "Zalo refused the refresh or authorization code (used, revoked or expired): connect "
        "the OA again from the Channels page",
    ),
    "zalo.error.oauth_code_expired": (
        "Mã xác thực đã hết hạn (10 phút): bấm kết nối lại",
        "The authorization code expired (10 minutes): connect again",
    ),
    "zalo.error.unknown": (
        "Zalo báo lỗi không xác định: xem chi tiết kỹ thuật",
        "Zalo reported an unknown error: see the technical detail",
    ),
    # Broadcast decisions made at claim time (publisher.services.publishing.zalo_broadcast).
    "zalo.broadcast.off": ("Kênh không gửi broadcast", "The channel does not broadcast"),
    "zalo.broadcast.sent": ("Đã gửi broadcast tới người quan tâm", "Broadcast sent to followers"),
    "zalo.broadcast.night": (
        "Không gửi broadcast: Zalo chặn tin quảng bá từ 22:00 đến 06:00",
        "No broadcast: Zalo blocks promotional sends from 22:00 to 06:00",
    ),
    "zalo.broadcast.today": (
        "Không gửi broadcast: OA đã gửi một broadcast hôm nay (tối đa 1/ngày)",
        "No broadcast: the OA has already broadcast today (at most 1 a day)",
    ),
    "zalo.broadcast.month": (
        "Không gửi broadcast: đã hết lượt gửi tháng này theo gói OA",
        "No broadcast: this month's sends of the OA's package are used",
    ),
    "zalo.broadcast.failed": (
        "Bài viết đã đăng nhưng không gửi được broadcast (lỗi kỹ thuật, xem nhật ký)",
        "The article is published but the broadcast failed (technical error, see the log)",
    ),
    "zalo.broadcast.unknown": (
        "Không rõ broadcast đã được gửi hay chưa (mất kết nối): không gửi lại để tránh trùng",
        "Unknown whether the broadcast went out (connection lost): not resent, to avoid a "
        "duplicate",
    ),
    # Tokens.
    "alert.zalo_refresh_failed": (
        "Kênh Zalo «{channel}»: không làm mới được mã truy cập ({detail}). Kết nối lại OA "
        "từ trang Kênh",
        "Zalo channel «{channel}»: the access token could not be refreshed ({detail}). "
        "Connect the OA again from the Channels page",
    ),
    "alert.zalo_refresh_ending": (
        "Kênh Zalo «{channel}»: mã làm mới hết hạn ngày {date}. Kết nối lại OA trước ngày đó",
        "Zalo channel «{channel}»: the refresh token ends on {date}. Connect the OA again "
        "before then",
    ),
    # Connecting an OA (OAuth v4 with PKCE).
    "zalo.connect.done": (
        "Đã kết nối OA cho kênh «{channel}». Có thể đóng trang này.",
        "The OA is connected to channel «{channel}». You may close this page.",
    ),
    "zalo.connect.open": (
        "Mở địa chỉ sau bằng tài khoản quản trị OA để cấp quyền (hiệu lực 15 phút):",
        "Open this address with the OA administrator's account to grant access (15 minutes):",
    ),
    "zalo.connect.waiting": (
        "Đang chờ Zalo chuyển hướng về {uri} …",
        "Waiting for Zalo's redirect to {uri} …",
    ),
    "zalo.connect.timeout": (
        "Hết thời gian chờ: OA chưa được kết nối, hãy chạy lại lệnh",
        "Timed out: the OA is not connected, run the command again",
    ),
    "error.zalo_connect_kind": (
        "Kênh «{channel}» là kênh {kind}, không phải Zalo OA: không kết nối được",
        "Channel «{channel}» is a {kind} channel, not a Zalo OA: it cannot be connected",
    ),
    "error.zalo_connect_state": (
        "Liên kết kết nối không hợp lệ, đã dùng hoặc đã hết hạn: hãy bấm kết nối lại",
        "The connect link is invalid, used or expired: start connecting again",
    ),
    "error.zalo_connect_refused": (
        "Zalo từ chối mã xác thực (hết hạn hoặc không đúng): hãy bấm kết nối lại ({detail})",
        "Zalo refused the authorization code (expired or wrong): connect again ({detail})",
    ),
    # Statistics: followers of the channels that say (publisher.services.insight.audience).
    "ui.stats.audience": ("Người quan tâm theo kênh", "Followers by channel"),
    "stats.col.followers": ("Người quan tâm", "Followers"),
    "stats.col.change": ("Thay đổi từ lần trước", "Change since last time"),
    "stats.col.follows_7d": ("Quan tâm mới (7 ngày)", "New followers (7 days)"),
    "stats.col.unfollows_7d": ("Bỏ quan tâm (7 ngày)", "Unfollows (7 days)"),
    "stats.col.messages_7d": ("Tin nhắn đến (7 ngày)", "Messages received (7 days)"),
    # Any platform whose token has a recorded end (Facebook's debug_token).
    "alert.token_expiring": (
        "Kênh «{channel}»: mã truy cập hết hiệu lực lúc {date}. Cập nhật mã mới trước thời điểm đó",
        "Channel «{channel}»: the access token stops working at {date}. Give a new one before then",
    ),
    # The article preview (ui/components/previews.py).
    "ui.preview.zalo_open": ("Xem chi tiết", "View details"),
    "ui.preview.zalo_footer": ("Thích · Bình luận · Chia sẻ", "Like · Comment · Share"),
    "ui.preview.zalo_no_broadcast": (
        "Kênh này không gửi broadcast: bài viết chỉ hiện trên trang OA.",
        "This channel does not broadcast: the article only shows on the OA's page.",
    ),
    # Channels page: connecting an OA.
    "ui.channels.connect": ("Kết nối OA", "Connect the OA"),
    "ui.channels.connect_help": (
        "Mở trang Zalo bằng tài khoản quản trị OA và cấp quyền (hiệu lực 15 phút). Zalo sẽ "
        "chuyển về hệ thống và mã truy cập được lưu tự động; tải lại trang này để xem.",
        "Open Zalo's page with the OA administrator's account and grant access (15 minutes). "
        "Zalo sends you back and the tokens are stored; reload this page to see it.",
    ),
    "ui.channels.connect_open": ("Mở trang cấp quyền của Zalo", "Open Zalo's grant page"),
}

"""Notifications by Telegram and email (issue 18, item 5)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # what each event is called (the email subject, the preferences page)
    "notify.event.review_requested": ("Bài chờ duyệt", "Post awaiting review"),
    "notify.event.post_approved": ("Bài đã được duyệt", "Post approved"),
    "notify.event.post_rejected": ("Bài bị trả lại", "Post sent back"),
    "notify.event.delivery_failed": (
        "Đăng bài không thành công hoặc bị lỡ",
        "Delivery failed or missed",
    ),
    "notify.event.channel_reconnect": ("Kênh cần kết nối lại", "Channel needs reconnecting"),
    "notify.event.report_requested": ("Yêu cầu báo cáo", "Report requested"),
    "notify.event.report_late": ("Nhắc nộp báo cáo", "Report reminder"),
    # the messages
    "notify.msg.review_requested": (
        "Bài #{id} «{title}» đang chờ duyệt (giờ đăng {due}).",
        "Post #{id} «{title}» awaits review (due {due}).",
    ),
    "notify.msg.post_approved": (
        "Bài #{id} «{title}» của bạn đã được duyệt, sẽ đăng lúc {due}.",
        "Your post #{id} «{title}» was approved; it publishes at {due}.",
    ),
    "notify.msg.post_rejected": (
        "Bài #{id} «{title}» của bạn bị trả lại: {comment}",
        "Your post #{id} «{title}» was sent back: {comment}",
    ),
    "notify.open": ("Mở trong R57 Publisher", "Open in R57 Publisher"),
    "notify.linked": (
        "Đã liên kết tài khoản Telegram với R57 Publisher. Bạn sẽ nhận thông báo tại đây.",
        "Your Telegram account is linked to R57 Publisher. Notifications will come here.",
    ),
    "notify.link_refused": (
        "Mã liên kết không đúng hoặc đã hết hạn. Hãy tạo mã mới trong trang Thông báo.",
        "The link code is wrong or expired. Make a new one on the Notifications page.",
    ),
    # refusals
    "notify.no_account": (
        "Chỉ người dùng có tài khoản mới nhận được thông báo",
        "Only users with an account receive notifications",
    ),
    "notify.email_invalid": ("Địa chỉ email «{value}» không hợp lệ", "Invalid email «{value}»"),
    "notify.event_invalid": ("Loại thông báo «{value}» không tồn tại", "Unknown event «{value}»"),
    "notify.channel_invalid": (
        "Kênh thông báo «{value}» không hợp lệ (telegram, email)",
        "Invalid notification channel «{value}» (telegram, email)",
    ),
    "notify.link_code_invalid": (
        "Mã liên kết Telegram không đúng hoặc đã hết hạn",
        "The Telegram link code is wrong or expired",
    ),
    # the worker's alert when a notification cannot be sent
    "alert.notify_failed": (
        "Không gửi được thông báo #{id} qua {channel}: {error}",
        "Notification #{id} could not be sent by {channel}: {error}",
    ),
    # the preferences page
    "ui.nav.notifications": ("Thông báo", "Notifications"),
    "ui.notify.title": ("Thông báo", "Notifications"),
    "ui.notify.code_is": ("Mã liên kết: {code}", "Link code: {code}"),
    "ui.notify.open_bot": ("Mở bot trên Telegram", "Open the bot in Telegram"),
    "ui.notify.unlinked": ("Đã hủy liên kết Telegram", "Telegram unlinked"),
    "ui.notify.need_email": (
        "Nhập email để nhận thông báo qua email.",
        "Enter an email to get notifications by email.",
    ),
    "ui.notify.outbox": ("Thông báo đã gửi (hộp thư đi)", "Notifications sent (outbox)"),
    "ui.notify.col_when": ("Lúc", "When"),
    "ui.notify.col_to": ("Người nhận", "To"),
    "ui.notify.col_channel": ("Kênh", "Channel"),
    "ui.notify.col_status": ("Trạng thái", "Status"),
    "ui.notify.col_text": ("Nội dung", "Text"),
    "ui.notify.status.pending": ("Chờ gửi", "Waiting"),
    "ui.notify.status.sending": ("Đang gửi", "Sending"),
    "ui.notify.status.sent": ("Đã gửi", "Sent"),
    "ui.notify.status.failed": ("Không gửi được", "Failed"),
    "ui.notify.status.unknown": ("Không rõ (không gửi lại)", "Unknown (not resent)"),
    "ui.notify.outbox_empty": ("Chưa có thông báo nào.", "No notifications yet."),
    "ui.notify.caption": (
        "Chọn nhận thông báo nào, qua Telegram hay email.",
        "Choose which notifications you get, by Telegram or email.",
    ),
    "ui.notify.email": ("Email nhận thông báo", "Email for notifications"),
    "ui.notify.telegram": ("Telegram", "Telegram"),
    "ui.notify.linked": ("Đã liên kết với Telegram ({name}).", "Linked to Telegram ({name})."),
    "ui.notify.not_linked": ("Chưa liên kết Telegram.", "Telegram not linked."),
    "ui.notify.make_code": ("Tạo mã liên kết", "Make a link code"),
    "ui.notify.code_help": (
        "Gửi «/start {code}» cho bot thông báo trên Telegram trong vòng 15 phút; "
        "mã chỉ dùng được một lần.",
        "Send «/start {code}» to the notification bot in Telegram within 15 minutes; "
        "the code works once.",
    ),
    "ui.notify.code_help_link": (
        "Mở liên kết dưới đây trên điện thoại (hoặc gửi «/start {code}» cho bot) "
        "trong vòng 15 phút; mã chỉ dùng được một lần.",
        "Open the link below on your phone (or send «/start {code}» to the bot) within 15 "
        "minutes; the code works once.",
    ),
    "ui.notify.unlink": ("Hủy liên kết Telegram", "Unlink Telegram"),
    "ui.notify.event": ("Sự kiện", "Event"),
    "ui.notify.save": ("Lưu", "Save"),
    "ui.notify.saved": ("Đã lưu lựa chọn thông báo", "Notification choices saved"),
    # the sandbox page: what people were sent (issue 18: the demo shows it)
    "ui.sandbox.tab_posts": ("Bài đăng", "Posts"),
    "ui.sandbox.tab_email": ("Email", "Email"),
    "ui.sandbox.tab_telegram": ("Tin nhắn Telegram", "Telegram messages"),
    "ui.sandbox.tab_outbox": ("Hàng đợi", "Outbox"),
    "ui.sandbox.email_help": (
        "Hộp thư giả lập đã nhận {n} email. Máy chủ thư của bản chạy thử là hộp thư này: "
        "thư không được chuyển đi đâu cả.",
        "The mail catcher received {n} emails. It is the demo's mail server: nothing is "
        "delivered anywhere.",
    ),
    "ui.sandbox.email_empty": (
        "Chưa có email nào. Khi cán bộ gửi duyệt một bài, biên tập viên của đơn vị nhận "
        "email «Bài chờ duyệt» tại đây sau vài giây.",
        "No email yet. When an officer sends a post for review, the unit's editors get a "
        "«Post awaiting review» email here within seconds.",
    ),
    "ui.sandbox.email_to": ("Gửi đến {to} · lúc {at}", "To {to} · at {at}"),
    "ui.sandbox.no_subject": ("(không có tiêu đề)", "(no subject)"),
    "ui.sandbox.not_accepted": ("bị từ chối (lỗi giả lập)", "refused (injected fault)"),
    "ui.sandbox.telegram_help": (
        "{n} tin nhắn riêng các bot Telegram đã gửi cho từng người (thông báo, trả lời "
        "liên kết tài khoản).",
        "{n} private messages the Telegram bots sent to people (notifications, answers to "
        "account linking).",
    ),
    "ui.sandbox.telegram_empty": (
        "Chưa có tin nhắn riêng nào. Người đã liên kết Telegram ở trang «Thông báo» nhận "
        "tin nhắn của bot thông báo tại đây.",
        "No private message yet. People who linked Telegram on «Notifications» get the "
        "notification bot's messages here.",
    ),
    "ui.sandbox.telegram_at": ("Lúc {at} · cuộc trò chuyện {chat}", "At {at} · chat {chat}"),
    "ui.sandbox.notify_bot": ("Bot thông báo", "Notification bot"),
    "ui.sandbox.other_bot": ("Bot hỏi đáp của kênh", "The channel's FAQ bot"),
    "ui.sandbox.outbox_help": (
        "Hàng đợi thông báo: những thông báo phần mềm đã xếp hàng và trạng thái gửi của "
        "từng thông báo.",
        "The notification outbox: what the product queued and whether each was sent.",
    ),
    "ui.notify.no_bot": (
        "Máy chủ chưa cấu hình bot Telegram gửi thông báo.",
        "The server has no notification bot configured.",
    ),
}

"""The FAQ bot on the channels: what it says to citizens, the staff inbox page, the CLI."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- what the bot says (always Vietnamese: the citizens' language) ----------------------
    "faqbot.greeting": (
        "Xin chào! Tôi là trợ lý hỏi đáp của đơn vị về khoa học, công nghệ, đổi mới sáng tạo"
        " và chuyển đổi số. Bạn hãy gõ câu hỏi hoặc chọn một câu dưới đây. Câu trả lời lấy"
        " từ nội dung đã được đơn vị duyệt, kèm nguồn.",
        "Hello! I answer questions about science, technology, innovation and digital"
        " transformation from the unit's approved answers, with their source.",
    ),
    "faqbot.example.1": (
        "Làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        "How do I register a level-2 electronic identity account?",
    ),
    "faqbot.example.2": (
        "Ngày Chuyển đổi số quốc gia là ngày nào?",
        "When is the National Digital Transformation Day?",
    ),
    "faqbot.example.3": (
        "Thủ tục đăng ký nhiệm vụ khoa học và công nghệ cấp tỉnh?",
        "How do I propose a provincial science and technology task?",
    ),
    "faqbot.source": ("Nguồn: {url}", "Source: {url}"),
    "faqbot.unsure": (
        "Tôi chưa chắc đã hiểu đúng câu hỏi «{question}».\nBạn có muốn hỏi:",
        "I am not sure I understood «{question}».\nDid you mean:",
    ),
    "faqbot.button.staff": ("Không phải — gửi cho cán bộ", "None of these — ask a person"),
    "faqbot.handed_over": (
        "Câu hỏi của bạn đã được chuyển tới cán bộ phụ trách. Cán bộ sẽ trả lời bạn ngay tại"
        " cuộc trò chuyện này.",
        "Your question has been passed to the staff; they will answer you in this chat.",
    ),
    "faqbot.staff_reply": ("Cán bộ trả lời:\n{reply}", "The staff answer:\n{reply}"),
    "faqbot.thanks": ("Cảm ơn bạn đã góp ý!", "Thank you for your feedback!"),
    "faqbot.button_expired": (
        "Nút này không còn dùng được, bạn vui lòng gõ lại câu hỏi.",
        "This button no longer works; please type your question again.",
    ),
    "faqbot.screen.too_long": (
        "Tin nhắn quá dài. Bạn vui lòng hỏi ngắn gọn trong một đến hai câu.",
        "The message is too long; please ask in a sentence or two.",
    ),
    "faqbot.screen.no_words": (
        "Bạn vui lòng gõ câu hỏi bằng chữ để tôi có thể trả lời.",
        "Please type your question in words.",
    ),
    "faqbot.screen.language": (
        "Xin lỗi, hiện tôi chỉ trả lời câu hỏi bằng tiếng Việt.",
        "Sorry, I only answer questions in Vietnamese.",
    ),
    "faqbot.slow_down": (
        "Bạn gửi tin nhắn hơi nhanh. Vui lòng đợi một chút rồi hỏi tiếp.",
        "You are sending messages quickly; please wait a moment.",
    ),
    "problem.invalid_webhook_secret": (
        "Kênh «{channel}»: mã bí mật webhook chỉ gồm 1-256 chữ cái, chữ số, _ hoặc -",
        "Channel «{channel}»: the webhook secret token is 1-256 letters, digits, _ or -",
    ),
    # -- errors -----------------------------------------------------------------------------
    "error.faqbot_status": ("Trạng thái không hợp lệ: {status}", "Unknown status: {status}"),
    "error.faqbot_handover_not_found": (
        "Không tìm thấy câu hỏi chuyển tiếp #{id}",
        "Hand-over #{id} not found",
    ),
    "error.faqbot_chat_empty": (
        "Tin nhắn đang trống: hãy viết câu hỏi của người dân.",
        "The message is empty: write the citizen's question.",
    ),
    "error.faqbot_reply_empty": (
        "Nội dung trả lời đang trống.",
        "The reply is empty.",
    ),
    "error.faqbot_reply_long": (
        "Nội dung trả lời dài quá {limit} ký tự.",
        "The reply is longer than {limit} characters.",
    ),
    "error.faqbot_replied": (
        "Câu hỏi #{id} đã được trả lời.",
        "Hand-over #{id} has already been answered.",
    ),
    "error.faqbot_not_enabled": (
        "Kênh {channel} chưa bật trợ lý hỏi đáp (cài đặt bot).",
        "Channel {channel} does not have the FAQ bot enabled (bot setting).",
    ),
    "error.faqbot_kind": (
        "Kênh {channel} không phải kênh Telegram.",
        "Channel {channel} is not a Telegram channel.",
    ),
    "error.faqbot_webhook_needs": (
        "Kênh {channel}: cần --url và mã bí mật webhook của bot (--bot-webhook-secret).",
        "Channel {channel}: needs --url and the bot's webhook secret (--bot-webhook-secret).",
    ),
    "error.faqbot_bot_api": (
        "Bot của kênh {channel} không chạy được: {detail}",
        "The bot of channel {channel} cannot run: {detail}",
    ),
    "error.faqbot_sandbox_unreachable": (
        "Không kết nối được hộp cát tại {url}.",
        "Cannot reach the sandbox at {url}.",
    ),
    "error.faqbot_no_answer": (
        "Bot chưa trả lời sau {seconds} giây (worker hoặc `publisher bot run` có đang chạy?).",
        "The bot did not answer within {seconds} s (is the worker or `publisher bot run`"
        " running?).",
    ),
    # -- command line -----------------------------------------------------------------------
    "faqbot.cli.running": (
        "Trợ lý hỏi đáp của kênh {channel} đang chạy (Ctrl-C để dừng).",
        "The FAQ bot of channel {channel} is running (Ctrl-C to stop).",
    ),
    "faqbot.cli.stopped": ("Đã dừng trợ lý hỏi đáp của kênh {channel}.", "Stopped {channel}."),
    "faqbot.cli.webhook_on": (
        "Telegram sẽ gửi tin nhắn của bot kênh {channel} tới api (webhook).",
        "Telegram now posts the bot's updates of {channel} to the api (webhook).",
    ),
    "faqbot.cli.webhook_off": (
        "Đã tắt webhook của bot kênh {channel} (trở lại long polling).",
        "The webhook of {channel}'s bot is off (long polling again).",
    ),
    "faqbot.cli.citizen": ("Công dân: {text}", "Citizen: {text}"),
    "faqbot.cli.bot": ("Bot: {text}", "Bot: {text}"),
    "faqbot.cli.button": ("  [nút] {text}", "  [button] {text}"),
    # -- the staff inbox page ---------------------------------------------------------------
    "ui.nav.faq_inbox": ("Hộp thư hỏi đáp", "Q&A inbox"),
    "ui.faqbot.title": ("Hộp thư câu hỏi của người dân", "Citizens' questions inbox"),
    "ui.faqbot.caption": (
        "Câu hỏi trợ lý hỏi đáp chưa trả lời được. Câu trả lời của cán bộ được gửi qua chính"
        " bot đó tới người hỏi. Dữ liệu được xóa sau {days} ngày.",
        "Questions the FAQ bot could not answer. Your reply goes to the asker through the"
        " same bot. Data is deleted after {days} days.",
    ),
    "ui.faqbot.filter": ("Trạng thái", "Status"),
    "ui.faqbot.status.all": ("Tất cả", "All"),
    "ui.faqbot.status.open": ("Chờ trả lời", "Waiting"),
    "ui.faqbot.status.sending": ("Đang gửi", "Sending"),
    "ui.faqbot.status.answered": ("Đã trả lời", "Answered"),
    "ui.faqbot.status.failed": ("Gửi lỗi", "Sending failed"),
    "ui.faqbot.empty": ("Không có câu hỏi nào.", "No questions."),
    "ui.faqbot.asked": (
        "{name} · {channel} · {when}",
        "{name} · {channel} · {when}",
    ),
    "ui.faqbot.reply": ("Trả lời", "Reply"),
    "ui.faqbot.send": ("Gửi trả lời", "Send reply"),
    "ui.faqbot.sent": (
        "Đã lưu câu trả lời; bot sẽ gửi tới người hỏi trong giây lát.",
        "Reply saved; the bot sends it to the asker shortly.",
    ),
    "ui.faqbot.your_reply": ("Đã trả lời ({who}): {reply}", "Answered ({who}): {reply}"),
    "ui.faqbot.anonymous": ("Người dân", "Citizen"),
    # -- channel settings -------------------------------------------------------------------
    "ui.channels.field.faq_bot": (
        "Bật trợ lý hỏi đáp (bot trả lời người dân)",
        "FAQ bot (answers citizens)",
    ),
    "ui.channels.help.faq_bot": (
        "Bot của kênh trả lời tin nhắn riêng và lượt nhắc tên trong nhóm từ kho hỏi đáp; worker"
        " chạy bot của các kênh đã bật.",
        "The channel's bot answers direct messages and mentions from the knowledge base; the"
        " worker runs the bots of the channels that have it on.",
    ),
    "ui.channels.field.bot_webhook_secret": (
        "Mã bí mật webhook của bot (chế độ webhook)",
        "Bot webhook secret token (webhook mode)",
    ),
    "ui.channels.help.bot_webhook_secret": (
        "Khi đặt, Telegram gửi tin nhắn tới api tại /bot/telegram/<kênh> kèm mã này thay vì"
        " bot tự hỏi (long polling).",
        "When set, Telegram posts updates to the api at /bot/telegram/<channel> with this"
        " token instead of long polling.",
    ),
    # -- alerts: the bot cannot fetch its messages (publisher.bots.polling) -------------------
    "alert.kind.faq_bot_polling": ("Bot hỏi đáp ngừng nhận tin", "FAQ bot not receiving"),
    "alert.faq_bot_polling.token": (
        "Bot hỏi đáp của kênh «{channel}» không nhận được câu hỏi: Telegram từ chối mã bot"
        " ({failures} lần liên tiếp). Hãy kiểm tra mã bot (token) của kênh: có thể đã bị thu"
        " hồi hoặc đổi qua @BotFather",
        "The FAQ bot of channel «{channel}» receives no questions: Telegram refuses the bot"
        " token ({failures} times in a row). Check the channel's bot token: it may have been"
        " revoked or changed with @BotFather",
    ),
    "alert.faq_bot_polling.conflict": (
        "Bot hỏi đáp của kênh «{channel}» không nhận được câu hỏi: một chương trình khác đang"
        " dùng bot này để nhận tin nhắn, hoặc bot đang đặt webhook ({failures} lần liên tiếp)."
        " Hãy tắt chương trình kia hoặc gỡ webhook (publisher bot webhook --channel"
        " «{channel}» --off)",
        "The FAQ bot of channel «{channel}» receives no questions: another program is"
        " receiving this bot's messages, or a webhook is set on the bot ({failures} times in a"
        " row). Stop the other program or remove the webhook (publisher bot webhook --channel"
        " «{channel}» --off)",
    ),
    "alert.faq_bot_polling.network": (
        "Bot hỏi đáp của kênh «{channel}» không nhận được câu hỏi: không kết nối được tới"
        " Telegram ({failures} lần liên tiếp: mất kết nối, quá thời gian chờ hoặc lỗi máy"
        " chủ). Bot vẫn tự thử lại; hãy kiểm tra mạng của máy chủ",
        "The FAQ bot of channel «{channel}» receives no questions: Telegram cannot be"
        " reached ({failures} times in a row: connection lost, timeout or server error). The"
        " bot keeps trying; check the server's network",
    ),
    "alert.faq_bot_polling.other": (
        "Bot hỏi đáp của kênh «{channel}» không nhận được câu hỏi: Telegram từ chối yêu cầu"
        " ({failures} lần liên tiếp). Bot vẫn tự thử lại; xem nhật ký của worker",
        "The FAQ bot of channel «{channel}» receives no questions: Telegram refuses the"
        " request ({failures} times in a row). The bot keeps trying; see the worker's log",
    ),
}

"""The knowledge base of questions and answers (issue 21): errors, CLI, pages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "faqkb.error.query_not_found": (
        "Không tìm thấy câu hỏi #{id}",
        "Question #{id} not found",
    ),
    "faqkb.error.feedback_unanswered": (
        "Câu hỏi #{id} chưa được trả lời nên không thể đánh giá",
        "Question #{id} got no answer, so it cannot be rated",
    ),
}
MESSAGES.update(
    {
        "faqkb.error.transition": (
            "Không thể chuyển câu trả lời từ «{frm}» sang «{to}»",
            "An answer cannot go from «{frm}» to «{to}»",
        ),
        "faqkb.error.answer_not_found": (
            "Không tìm thấy câu trả lời #{id}",
            "Answer #{id} not found",
        ),
        "faqkb.error.question_required": ("Chưa nhập câu hỏi", "The question is empty"),
        "faqkb.error.question_too_long": (
            "Câu hỏi dài quá {max} ký tự",
            "The question is longer than {max} characters",
        ),
        "faqkb.error.answer_required": ("Chưa nhập câu trả lời", "The answer is empty"),
        "faqkb.error.answer_too_long": (
            "Câu trả lời dài quá {max} ký tự",
            "The answer is longer than {max} characters",
        ),
        "faqkb.error.source_invalid": (
            "Nguồn phải là một địa chỉ web (https://...)",
            "The source must be a web address (https://...)",
        ),
        "faqkb.error.too_many_variants": (
            "Nhiều hơn {max} cách hỏi khác",
            "More than {max} other ways of asking",
        ),
        "faqkb.error.one_theme": (
            "Mỗi câu trả lời chỉ thuộc một chủ đề",
            "An answer has one theme at most",
        ),
        "faqkb.error.dates_order": (
            "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực",
            "The end of validity must come after its start",
        ),
        "faqkb.error.org_required": (
            "Chưa chọn đơn vị (cột «Đơn vị» hoặc --org)",
            "No organisation given (the org column or --org)",
        ),
        "faqkb.error.approve_own": (
            "Không tự duyệt câu trả lời do chính mình soạn/sửa (#{id})",
            "You may not approve an answer you wrote or changed last (#{id})",
        ),
        "faqkb.error.duplicate_question": (
            "câu hỏi trùng với dòng {line}",
            "the same question as line {line}",
        ),
    }
)
MESSAGES.update(
    {
        "faqkb.cli.imported": (
            "Đã nhập: {created} câu trả lời mới, {updated} câu trả lời cập nhật",
            "Imported: {created} new answers, {updated} updated",
        ),
        "faqkb.cli.source": ("Nguồn: {url}", "Source: {url}"),
        "faqkb.cli.unknown": (
            "Xin lỗi, chưa có câu trả lời cho câu hỏi này.",
            "Sorry, there is no answer to this question yet.",
        ),
        "faqkb.cli.did_you_mean": ("Bạn có muốn hỏi:", "Did you mean:"),
    }
)
MESSAGES.update(
    {
        "faqkb.report.section": (
            "Trợ lý hỏi đáp cho người dân, doanh nghiệp",
            "Question-answering assistant for citizens and businesses",
        ),
        "faqkb.report.none": (
            "Trong kỳ chưa có câu hỏi nào gửi tới trợ lý hỏi đáp.",
            "Nobody asked the question-answering assistant in the period.",
        ),
        "faqkb.report.asked": (
            "Trong kỳ, trợ lý hỏi đáp nhận {asked} câu hỏi, trả lời được {answered} câu "
            "({rate}); {suggested} câu được gợi ý câu hỏi gần đúng và {unanswered} câu chưa có "
            "câu trả lời (chuyển cán bộ và bổ sung vào cơ sở tri thức).",
            "In the period the assistant received {asked} questions and answered {answered} "
            "({rate}); {suggested} got suggested questions and {unanswered} had no answer "
            "(handed to staff and added to the knowledge base).",
        ),
        "faqkb.report.satisfaction": (
            "Người hỏi đánh giá {rated} câu trả lời, trong đó {helpful} câu hữu ích (mức hài "
            "lòng {rate}).",
            "People rated {rated} answers, {helpful} of them helpful (satisfaction {rate}).",
        ),
        "faqkb.status.draft": ("Nháp", "Draft"),
        "faqkb.status.in_review": ("Chờ duyệt", "In review"),
        "faqkb.status.approved": ("Đã duyệt", "Approved"),
        "faqkb.status.rejected": ("Bị trả lại", "Rejected"),
        "faqkb.status.archived": ("Đã gỡ", "Archived"),
        "faqkb.ui.nav": ("Hỏi đáp", "Questions & answers"),
        "faqkb.ui.title": ("Cơ sở tri thức hỏi đáp", "Knowledge base"),
        "faqkb.ui.caption": (
            "Câu trả lời đã duyệt là nguồn duy nhất của trợ lý hỏi đáp trên Telegram, Zalo.",
            "Approved answers are the only source of the assistant on Telegram and Zalo.",
        ),
        "faqkb.ui.tab.answers": ("Câu trả lời", "Answers"),
        "faqkb.ui.tab.learning": ("Câu hỏi của người dân", "What people ask"),
        "faqkb.ui.tab.import": ("Nhập từ tệp", "Import"),
        "faqkb.ui.filter_status": ("Trạng thái", "Status"),
        "faqkb.ui.all": ("Tất cả", "All"),
        "faqkb.ui.count": ("{n} câu trả lời", "{n} answers"),
        "faqkb.ui.new": ("Thêm câu trả lời", "New answer"),
        "faqkb.ui.question": ("Câu hỏi", "Question"),
        "faqkb.ui.answer": ("Câu trả lời", "Answer"),
        "faqkb.ui.source": ("Nguồn (địa chỉ web)", "Source (web address)"),
        "faqkb.ui.variants": (
            "Cách hỏi khác (mỗi dòng một câu)",
            "Other ways of asking (one a line)",
        ),
        "faqkb.ui.variants_help": (
            "Những cách người dân hay hỏi: có dấu hoặc không dấu, viết tắt đều được nhận ra.",
            "How people ask; diacritics and abbreviations are recognised either way.",
        ),
        "faqkb.ui.theme": ("Chủ đề", "Theme"),
        "faqkb.ui.valid_from": ("Hiệu lực từ", "Valid from"),
        "faqkb.ui.valid_until": ("Hiệu lực đến", "Valid until"),
        "faqkb.ui.save": ("Lưu", "Save"),
        "faqkb.ui.saved": ("Đã lưu câu trả lời", "Answer saved"),
        "faqkb.ui.source_line": ("Nguồn: {url}", "Source: {url}"),
        "faqkb.ui.variants_line": ("Cách hỏi khác: {text}", "Other ways of asking: {text}"),
        "faqkb.ui.submit": ("Gửi duyệt", "Send for review"),
        "faqkb.ui.submitted": ("Đã gửi duyệt", "Sent for review"),
        "faqkb.ui.approve": ("Duyệt", "Approve"),
        "faqkb.ui.approved": ("Đã duyệt: trợ lý bắt đầu dùng câu trả lời này", "Approved"),
        "faqkb.ui.reject_note": ("Lý do trả lại", "Reason"),
        "faqkb.ui.reject": ("Trả lại", "Reject"),
        "faqkb.ui.rejected": ("Đã trả lại", "Rejected"),
        "faqkb.ui.archive": ("Gỡ", "Archive"),
        "faqkb.ui.archived": ("Đã gỡ: trợ lý không dùng câu trả lời này nữa", "Archived"),
        "faqkb.ui.edit": ("Sửa", "Edit"),
        "faqkb.ui.period": ("Khoảng thời gian", "Period"),
        "faqkb.ui.days": ("{n} ngày qua", "Last {n} days"),
        "faqkb.ui.asked": ("Câu hỏi", "Questions"),
        "faqkb.ui.answer_rate": ("Tỷ lệ trả lời được", "Answered"),
        "faqkb.ui.unanswered": ("Chưa trả lời được", "Not answered"),
        "faqkb.ui.satisfaction": ("Mức hài lòng", "Satisfaction"),
        "faqkb.ui.satisfaction_help": (
            "Tỷ lệ 👍 trong {rated} lượt đánh giá",
            "Share of 👍 among {rated} ratings",
        ),
        "faqkb.ui.to_improve": (
            "Chưa trả lời được hoặc trả lời chưa tốt",
            "Not answered or answered badly",
        ),
        "faqkb.ui.nothing": ("Không có câu hỏi nào.", "No questions."),
        "faqkb.ui.asked_line": (
            "«{text}» · {n} lần · độ khớp {score}",
            "«{text}» · {n} times · match {score}",
        ),
        "faqkb.ui.last_asked": ("Hỏi gần nhất: {when}", "Last asked: {when}"),
        "faqkb.ui.from_query_done": (
            "Đã tạo câu trả lời và gửi duyệt",
            "Answer created and sent for review",
        ),
        "faqkb.ui.top": ("Câu hỏi nhiều nhất", "Top questions"),
        "faqkb.ui.col.question": ("Câu hỏi", "Question"),
        "faqkb.ui.col.count": ("Số lần", "Times"),
        "faqkb.ui.col.answer": ("Câu trả lời", "Answer"),
        "faqkb.ui.col.not_helpful": ("👎", "👎"),
        "faqkb.ui.import_help": (
            "Tệp CSV hoặc XLSX, dòng đầu là tên cột: «Câu hỏi», «Câu trả lời», «Nguồn» (bắt "
            "buộc); «Cách hỏi khác» (cách nhau bởi |), «Chủ đề», «Đơn vị». Có dấu hay không "
            "dấu, chữ hoa hay thường đều được; tên tiếng Anh (question, answer, source_url, "
            "variants, theme, org) cũng được. Có một dòng lỗi thì không nhập dòng nào; câu trả "
            "lời nhập vào được gửi duyệt.",
            "CSV or XLSX, header row: question, answer, source_url (required); variants "
            "(separated by |), theme, org; the Vietnamese names («Câu hỏi», «Câu trả lời», "
            "«Nguồn», «Cách hỏi khác», «Chủ đề», «Đơn vị») work too, with or without "
            "diacritics. One bad line and nothing is imported; imported answers go to review.",
        ),
        "faqkb.ui.import_template": ("Tải tệp mẫu (CSV)", "Download a template (CSV)"),
        "faqkb.import.col.question": ("Câu hỏi", "question"),
        "faqkb.import.col.answer": ("Câu trả lời", "answer"),
        "faqkb.import.col.source_url": ("Nguồn", "source_url"),
        "faqkb.import.col.variants": ("Cách hỏi khác", "variants"),
        "faqkb.import.col.theme": ("Chủ đề", "theme"),
        "faqkb.import.col.org": ("Đơn vị", "org"),
        "faqkb.import.header_unknown": (
            "Dòng tiêu đề có cột không biết «{column}» (dùng: Câu hỏi, Câu trả lời, Nguồn, "
            "Cách hỏi khác, Chủ đề, Đơn vị)",
            "The header row has an unknown column «{column}» (use: question, answer, "
            "source_url, variants, theme, org)",
        ),
        "faqkb.import.no_rows": (
            "Tệp chỉ có dòng tiêu đề, không có câu hỏi nào",
            "The file has only the header row, no questions",
        ),
        "faqkb.ui.import_file": ("Tệp câu hỏi và câu trả lời", "Questions and answers file"),
        "faqkb.ui.import_go": ("Nhập", "Import"),
    }
)
MESSAGES.update(
    {
        "faqkb.report.sheet": ("Trợ lý hỏi đáp", "Q&A assistant"),
        "faqkb.report.col.figure": ("Chỉ số", "Figure"),
        "faqkb.report.col.value": ("Giá trị", "Value"),
        "faqkb.report.figure.asked": ("Câu hỏi nhận được", "Questions received"),
        "faqkb.report.figure.answered": ("Trả lời được", "Answered"),
        "faqkb.report.figure.suggested": ("Gợi ý câu hỏi gần đúng", "Given suggestions"),
        "faqkb.report.figure.unanswered": ("Chưa có câu trả lời", "No answer"),
        "faqkb.report.figure.rated": ("Lượt đánh giá", "Ratings"),
        "faqkb.report.figure.helpful": ("Đánh giá hữu ích (👍)", "Rated helpful (👍)"),
    }
)
MESSAGES.update(
    {
        "faqkb.ui.seed": (
            "Tạo từ bài đã đăng hoặc chiến dịch",
            "From a published post or a campaign",
        ),
        "faqkb.ui.seed_post": ("Bài đã đăng", "Published post"),
        "faqkb.ui.seed_campaign": ("Chiến dịch", "Campaign"),
        "faqkb.ui.seed_go": ("Tạo bản nháp", "Make a draft"),
    }
)

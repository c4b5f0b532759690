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
            "Chưa chọn đơn vị (cột org hoặc --org)",
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

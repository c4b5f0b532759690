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

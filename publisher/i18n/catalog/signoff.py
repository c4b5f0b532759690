"""A manager's optional second sign-off after the editor's approval (issue 18, item 6)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "signoff.waiting_manager": (
        "Bài #{id} đã được biên tập viên duyệt và đang chờ lãnh đạo ký duyệt",
        "Post #{id} was approved by an editor and waits for a manager's sign-off",
    ),
    "signoff.not_waiting": (
        "Bài #{id} không chờ lãnh đạo ký duyệt",
        "Post #{id} is not waiting for a manager's sign-off",
    ),
    "signoff.same_person": (
        "Bài #{id}: người đã duyệt lần đầu không thể ký duyệt lần hai",
        "Post #{id}: whoever approved it first cannot also sign it off",
    ),
    "cli.signoff_on": (
        "Đơn vị «{slug}»: mọi bài cần lãnh đạo ký duyệt sau biên tập viên",
        "Unit «{slug}»: every post needs a manager's sign-off after the editor's approval",
    ),
    "cli.signoff_off": (
        "Đơn vị «{slug}»: không cần lãnh đạo ký duyệt ({n} bài trở lại bàn duyệt của biên tập)",
        "Unit «{slug}»: no manager sign-off needed ({n} posts went back to the editors' desk)",
    ),
    "ui.signoff.tab": ("Chờ lãnh đạo ký duyệt ({n})", "Awaiting sign-off ({n})"),
    "ui.signoff.nothing": ("Không có bài nào chờ ký duyệt.", "Nothing awaits your sign-off."),
    "ui.signoff.badge": ("Chờ lãnh đạo ký duyệt", "Awaiting manager sign-off"),
    "ui.signoff.first_by": (
        "Biên tập viên {name} đã duyệt lúc {at}; bài chỉ được đăng sau khi lãnh đạo ký duyệt.",
        "Editor {name} approved it at {at}; it publishes only after a manager signs it off.",
    ),
    "ui.signoff.approve": ("Ký duyệt", "Sign off"),
    "ui.signoff.reject": ("Trả lại", "Send back"),
    "ui.signoff.approved": (
        "Đã ký duyệt bài #{id}; bài sẽ đăng lúc {due}",
        "Post #{id} signed off; it publishes at {due}",
    ),
    "ui.signoff.rejected": ("Đã trả lại bài #{id}", "Post #{id} sent back"),
    "ui.signoff.first_done": (
        "Đã duyệt bài #{id}; bài chờ lãnh đạo ký duyệt trước khi đăng",
        "Post #{id} approved; it waits for a manager's sign-off before publishing",
    ),
    "ui.signoff.setting": (
        "Yêu cầu lãnh đạo ký duyệt sau biên tập viên",
        "Require a manager's sign-off after the editor",
    ),
    "ui.signoff.setting_help": (
        "Khi bật, bài đã được biên tập viên duyệt chỉ được đăng sau khi lãnh đạo đơn vị ký duyệt.",
        "When on, a post an editor approved publishes only after the unit's manager signs off.",
    ),
    "ui.signoff.required_note": (
        "Đơn vị yêu cầu lãnh đạo ký duyệt: bài bạn duyệt sẽ chờ lãnh đạo trước khi đăng.",
        "Your unit requires a manager's sign-off: posts you approve wait for a manager.",
    ),
    "ui.signoff.saved_on": ("Đã bật yêu cầu ký duyệt", "Sign-off required"),
    "ui.signoff.saved_off": (
        "Đã tắt yêu cầu ký duyệt ({n} bài trở lại bàn duyệt)",
        "Sign-off no longer required ({n} posts back on the editors' desk)",
    ),
}

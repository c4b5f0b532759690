"""Messages of the render queue, ahead-of-time media preparation and campaign media."""

MESSAGES: dict[str, tuple[str, str]] = {
    # statuses and kinds (progress lists, CLI)
    "renders.status.queued": ("Đang chờ", "Queued"),
    "renders.status.rendering": ("Đang dựng", "Rendering"),
    "renders.status.done": ("Hoàn tất", "Done"),
    "renders.status.failed": ("Thất bại", "Failed"),
    "renders.status.cancelled": ("Đã hủy", "Cancelled"),
    "renders.kind.infographic": ("Infographic", "Infographic"),
    "renders.kind.video": ("Video ngắn", "Short video"),
    "renders.kind.fit": ("Bản cho kênh", "Channel version"),
    # errors
    "renders.error.unknown_kind": (
        "Loại bản dựng không hợp lệ: «{kind}» (dùng infographic, video hoặc fit)",
        "Unknown render kind «{kind}» (use infographic, video or fit)",
    ),
    "renders.error.not_found": ("Không tìm thấy bản dựng #{id}", "Render job #{id} not found"),
    "renders.error.queue_full": (
        "Đơn vị đã có {count} bản dựng đang chờ (tối đa {cap}); hãy đợi hoặc hủy bớt",
        "The organisation already has {count} renders queued (limit {cap}); wait or cancel some",
    ),
    "renders.error.cannot_cancel": (
        "Bản dựng #{id} đang ở trạng thái «{status}», không thể hủy",
        "Render job #{id} is «{status}» and cannot be cancelled",
    ),
    "renders.error.cannot_retry": (
        "Bản dựng #{id} đang ở trạng thái «{status}»; chỉ bản thất bại hoặc đã hủy "
        "mới làm lại được",
        "Render job #{id} is «{status}»; only failed or cancelled jobs can be retried",
    ),
    "renders.error.source_missing": (
        "Ảnh nguồn #{asset} không còn trong thư viện",
        "Source image #{asset} is no longer in the library",
    ),
    "renders.error.bad_recipe": (
        "Công thức bản dựng thiếu hoặc sai trường «{field}»",
        "The render recipe is missing or has a bad «{field}» field",
    ),
    "renders.error.video_too_long": (
        "Video dài {seconds} giây, kênh «{channel}» chỉ nhận tối đa {limit} giây",
        "The video is {seconds} s long; channel «{channel}» accepts at most {limit} s",
    ),
    "renders.error.gave_up": (
        "Bản dựng bị gián đoạn {attempts} lần (máy dựng dừng giữa chừng); đã dừng thử lại",
        "The render was interrupted {attempts} times (executor stopped mid-way); not retried",
    ),
    "renders.error.unexpected": (
        "Lỗi không mong đợi khi dựng: {detail}",
        "Unexpected error while rendering: {detail}",
    ),
    # alerts
    "renders.alert.media_not_ready": (
        "Bài #{post} trên kênh «{channel}» đã đến giờ đăng nhưng ấn phẩm chưa sẵn sàng "
        "(bản dựng {jobs}; ảnh chưa có bản cho kênh {assets}); bài đang chờ, tối đa đến {until}",
        "Post #{post} on «{channel}» is due but its media is not ready (renders {jobs}; "
        "files without a channel version {assets}); it waits until {until} at the latest",
    ),
    "renders.alert.media_gave_up": (
        "Bài #{post} trên kênh «{channel}» không được đăng: ấn phẩm vẫn chưa sẵn sàng "
        "(bản dựng {jobs}; ảnh {assets}) sau thời gian chờ",
        "Post #{post} on «{channel}» was not published: its media was still not ready "
        "(renders {jobs}; files {assets}) after the grace period",
    ),
    "renders.missing.job": ("bản dựng #{job} {kind} ({status})", "render #{job} {kind} ({status})"),
    "renders.missing.unqueued": (
        "bản cho kênh của ảnh #{asset} chưa được xếp hàng",
        "the channel version of asset #{asset} is not queued yet",
    ),
    # campaign artwork (printed on the graphics and cards)
    "renders.art.countdown_subtitle": (
        "Cùng lan tỏa tinh thần khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        "Spreading science, technology, innovation and digital transformation",
    ),
    "renders.art.day_subtitle": (
        "Hưởng ứng Nghị quyết 57-NQ/TW của Bộ Chính trị",
        "Carrying out Politburo Resolution 57-NQ/TW",
    ),
    "renders.art.recap_title": ("Nhìn lại {name}", "Looking back: {name}"),
    "renders.art.recap_subtitle": (
        "Cảm ơn các cơ quan, đơn vị, doanh nghiệp và người dân đã hưởng ứng",
        "Thank you to every agency, business and citizen who took part",
    ),
    "renders.art.clip_eyebrow": ("Hôm nay {date}", "Today {date}"),
    # UI (ui/views/renders.py)
    "ui.nav.renders": ("Bản dựng", "Renders"),
    "ui.renders.title": ("Bản dựng ấn phẩm", "Media renders"),
    "ui.renders.caption": (
        "Infographic, video và bản cho từng kênh được dựng trước giờ đăng, theo thứ tự hạn",
        "Infographics, clips and channel versions are made ahead of publication, by deadline",
    ),
    "ui.renders.show": ("Hiển thị", "Show"),
    "ui.renders.filter_active": ("Đang chờ và đang dựng", "Queued and running"),
    "ui.renders.filter_failed": ("Thất bại", "Failed"),
    "ui.renders.filter_done": ("Hoàn tất", "Done"),
    "ui.renders.filter_all": ("Tất cả", "All"),
    "ui.renders.post": ("· bài #{id}", "· post #{id}"),
    "ui.renders.deadline": ("Cần xong trước {at}", "Needed by {at}"),
    "ui.renders.cancel": ("Hủy", "Cancel"),
    "ui.renders.empty": ("Không có bản dựng nào ở đây", "No renders here"),
    # CLI
    "cli.jobs.none": ("Không có bản dựng nào", "No render jobs"),
    "cli.jobs.row": (
        "#{id} {kind} {status} {progress}% hạn {deadline} bài {post} {error}",
        "#{id} {kind} {status} {progress}% due {deadline} post {post} {error}",
    ),
    "cli.jobs.cancelled": ("Đã hủy bản dựng #{id}", "Render job #{id} cancelled"),
    "cli.jobs.retried": ("Đã xếp lại bản dựng #{id}", "Render job #{id} queued again"),
    "cli.jobs.ran": (
        "Đã dựng {done} bản, {failed} thất bại",
        "Rendered {done} jobs, {failed} failed",
    ),
    "cli.plan_media": (
        "Ấn phẩm: {queued} bản dựng mới, {existing} đã có, {attached} đã gắn vào bài",
        "Media: {queued} new renders, {existing} already there, {attached} attached to posts",
    ),
    "cli.plan_submitted": ("Đã gửi duyệt {count} bài", "{count} posts sent for review"),
}

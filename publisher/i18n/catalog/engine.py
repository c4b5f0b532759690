"""Delivery engine: alerts, worker messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "alert.delivery_failed": (
        "Kênh «{channel}»: bài #{post_id} (lượt đăng #{delivery_id}) không đăng được: {detail}",
        "Channel «{channel}»: post #{post_id} (delivery #{delivery_id}) failed: {detail}",
    ),
    "alert.delivery_media": (
        "Kênh «{channel}»: không tải lên được bản dành cho kênh của một tệp trong bài "
        "#{post_id} ({detail}); chưa đăng gì",
        "Channel «{channel}»: the channel version of a file of post #{post_id} cannot be "
        "uploaded ({detail}); nothing was published",
    ),
    "alert.delivery_unconfirmed": (
        "Kênh «{channel}»: chưa xác nhận được bài #{post_id} (lượt đăng #{delivery_id}) đã lên "
        "hay chưa ({detail}); hãy kiểm tra trên nền tảng rồi đánh dấu «đã đăng» hoặc «đăng lại»",
        "Channel «{channel}»: cannot confirm whether post #{post_id} (delivery "
        "#{delivery_id}) was published ({detail}); check the platform, then mark it "
        "published or send it again",
    ),
    "alert.delivery_missed": (
        "Kênh «{channel}»: bài #{post_id} đến hạn lúc {due} khi không có tiến trình đăng nào "
        "chạy, đã quá {hours} giờ nên không tự đăng; hãy quyết định đăng lại hay hủy",
        "Channel «{channel}»: post #{post_id} was due at {due} while no worker ran; more "
        "than {hours} h late, so it was not published automatically; send it again or cancel",
    ),
    "engine.notify_prefix": ("[Cảnh báo R57]", "[R57 alert]"),
    "engine.worker_started": (
        "Tiến trình đăng bài {worker} đã chạy ({role}, {threads} luồng)",
        "Worker {worker} started ({role}, {threads} threads)",
    ),
    "engine.worker_stopped": (
        "Tiến trình đăng bài {worker} đã dừng",
        "Worker {worker} stopped",
    ),
    "engine.worker_idle": (
        "Không còn lượt đăng nào đang xử lý hoặc đến hạn trong {seconds} giây tới, không còn "
        "việc dựng nào: đã đăng {sent}, lỗi {failed}, chưa xác nhận {unconfirmed}, "
        "bỏ lỡ {missed}; đã dựng {rendered}, dựng lỗi {render_failed}",
        "Nothing in flight or due within {seconds} s and no render left: sent {sent}, "
        "failed {failed}, unconfirmed {unconfirmed}, missed {missed}; rendered {rendered}, "
        "render failures {render_failed}",
    ),
    "engine.role_scheduler": ("bộ lập lịch chính", "scheduler leader"),
    "engine.role_standby": ("dự phòng", "standby"),
    "engine.role_executor": ("chỉ thực thi", "executor only"),
    "error.threads_invalid": (
        "Số luồng phải từ 1 đến {max}",
        "The number of threads must be between 1 and {max}",
    ),
    "error.call_processes_invalid": (
        "Số tiến trình gọi nền tảng phải từ 0 đến {max}",
        "The number of call processes must be between 0 and {max}",
    ),
    "error.notify_config": (
        "Cấu hình gửi cảnh báo qua Telegram thiếu {missing}",
        "Telegram alert notification is missing {missing}",
    ),
}

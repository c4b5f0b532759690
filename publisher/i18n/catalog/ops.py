"""Messages of operations: health, metrics, backups, database moves, key rotation."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- health ----------------------------------------------------------------------------
    "health.status.ok": ("ổn", "ok"),
    "health.status.warn": ("cảnh báo", "warning"),
    "health.status.fail": ("lỗi", "failing"),
    "health.summary": ("Tình trạng hệ thống: {status}", "System health: {status}"),
    "health.check.database": ("Cơ sở dữ liệu", "Database"),
    "health.check.migrations": ("Phiên bản lược đồ", "Schema migrations"),
    "health.check.scheduler": ("Bộ lập lịch (leader)", "Scheduler leader"),
    "health.check.executors": ("Bộ thực thi", "Executors"),
    "health.check.backlog": ("Bài đến hạn chưa đăng", "Due but unsent deliveries"),
    "health.check.channels": ("Kênh bị gắn cờ", "Flagged channels"),
    "health.check.alerts": ("Cảnh báo đang mở", "Open alerts"),
    "health.check.local_worker": ("Tiến trình trên máy này", "Worker on this host"),
    "health.local_ok": (
        "Máy {host} đang chạy tiến trình ({roles}).",
        "Host {host} runs a worker ({roles}).",
    ),
    "health.local_none": (
        "Không có tiến trình nào trên máy {host} báo nhịp trong {seconds} giây qua.",
        "No worker on host {host} has reported in the last {seconds} s.",
    ),
    "health.unknown_check": (
        "Không có mục kiểm tra «{name}» (có: {names}).",
        "No such check «{name}» (known: {names}).",
    ),
    "health.database_ok": ("Kết nối được ({backend}).", "Reachable ({backend})."),
    "health.database_fail": ("Không kết nối được: {detail}", "Unreachable: {detail}"),
    "health.skipped": (
        "Bỏ qua vì không kết nối được cơ sở dữ liệu.",
        "Skipped: the database is unreachable.",
    ),
    "health.migrations_ok": ("Đang ở phiên bản mới nhất {revision}.", "At head {revision}."),
    "health.migrations_empty": (
        "Chưa khởi tạo: hãy chạy «publisher init».",
        "Not initialised: run «publisher init».",
    ),
    "health.migrations_behind": (
        "Cơ sở dữ liệu ở phiên bản {current}, mã nguồn cần {head}: hãy chạy «publisher init».",
        "The database is at {current}, the code needs {head}: run «publisher init».",
    ),
    "health.migrations_unknown": (
        "Cơ sở dữ liệu ở phiên bản {current} mà mã nguồn này không biết (mới hơn?): "
        "hãy cài đúng phiên bản phần mềm.",
        "The database is at {current}, which this code does not know (newer?): "
        "install the matching software version.",
    ),
    "health.scheduler_ok": (
        "Leader {owner} còn hiệu lực đến {until}.",
        "Leader {owner} holds the lease until {until}.",
    ),
    "health.scheduler_expired": (
        "Lease của leader {owner} đã hết hạn lúc {until}: bộ lập lịch không chạy.",
        "Leader {owner}'s lease expired at {until}: no scheduler is running.",
    ),
    "health.scheduler_none": (
        "Chưa có bộ lập lịch nào chạy («publisher worker»).",
        "No scheduler has run yet («publisher worker»).",
    ),
    "health.executors_ok": (
        "{alive} bộ thực thi đang hoạt động.",
        "{alive} executor(s) alive.",
    ),
    "health.executors_stale": (
        "{alive} bộ thực thi đang hoạt động, {stale} không báo nhịp từ hơn {seconds} giây.",
        "{alive} executor(s) alive, {stale} silent for over {seconds} s.",
    ),
    "health.executors_none": (
        "Không có bộ thực thi nào báo nhịp trong {seconds} giây qua: bài sẽ không được đăng.",
        "No executor has reported in the last {seconds} s: nothing will be published.",
    ),
    "health.backlog_ok": ("Không có bài trễ.", "Nothing overdue."),
    "health.backlog_late": (
        "{count} lượt đăng đến hạn chưa gửi; cũ nhất trễ {seconds} giây (#{delivery}).",
        "{count} due deliveries unsent; the oldest is {seconds} s late (#{delivery}).",
    ),
    "health.channels_ok": ("Không có kênh bị gắn cờ.", "No channel flagged."),
    "health.channels_flagged": (
        "{count} kênh bị gắn cờ (lỗi xác thực): {names}",
        "{count} channel(s) flagged (authentication): {names}",
    ),
    "health.alerts_ok": ("Không có cảnh báo đang mở.", "No open alert."),
    "health.alerts_open": (
        "{count} cảnh báo đang mở ({errors} mức lỗi).",
        "{count} open alert(s) ({errors} errors).",
    ),
    # --- backup / restore -----------------------------------------------------------------
    "ops.backup_done": (
        "Đã sao lưu vào {path}: {tables} bảng, {rows} dòng, {files} tệp media ({size}).",
        "Backed up to {path}: {tables} tables, {rows} rows, {files} media files ({size}).",
    ),
    "ops.restore_done": (
        "Đã khôi phục từ {path} (phiên bản {revision}, {rows} dòng, {files} tệp media).",
        "Restored from {path} (revision {revision}, {rows} rows, {files} media files).",
    ),
    "ops.restore_key_mismatch": (
        "Lưu ý: bản sao lưu được tạo với khoá bí mật khác; thông tin đăng nhập các kênh chỉ "
        "giải mã được khi PUBLISHER_SECRET_KEY là khoá cũ.",
        "Note: the backup was made under another secret key; channel credentials decrypt only "
        "when PUBLISHER_SECRET_KEY is that key.",
    ),
    "ops.backup_exists": (
        "Tệp {path} đã tồn tại: hãy chọn tên khác.",
        "{path} already exists: choose another name.",
    ),
    "ops.archive_unreadable": (
        "Không đọc được bản sao lưu {path}: {detail}",
        "Cannot read the backup {path}: {detail}",
    ),
    "ops.archive_unsafe": (
        "Bản sao lưu chứa đường dẫn không an toàn: {name}",
        "The backup contains an unsafe path: {name}",
    ),
    "ops.archive_corrupt": (
        "Bản sao lưu bị hỏng: {name} không khớp mã kiểm tra.",
        "The backup is corrupted: {name} does not match its checksum.",
    ),
    "ops.archive_incomplete": (
        "Bản sao lưu không đầy đủ: thiếu {name}.",
        "The backup is incomplete: {name} is missing.",
    ),
    "ops.archive_extra": (
        "Bản sao lưu chứa tệp không có trong danh mục: {name}",
        "The backup contains a file not in its manifest: {name}",
    ),
    "ops.archive_format": (
        "Định dạng bản sao lưu {found} không được hỗ trợ (cần {expected}).",
        "Backup format {found} is not supported (expected {expected}).",
    ),
    "ops.archive_revision_newer": (
        "Bản sao lưu ở phiên bản lược đồ {revision}, mới hơn phần mềm này: "
        "hãy nâng cấp phần mềm trước.",
        "The backup is at schema revision {revision}, newer than this software: "
        "upgrade the software first.",
    ),
    "ops.archive_backend": (
        "Bản sao lưu là của {found}, cơ sở dữ liệu đích là {target}: "
        "khôi phục vào cùng loại rồi dùng «publisher migrate-db».",
        "The backup is from {found}, the target database is {target}: restore into the same "
        "kind, then use «publisher migrate-db».",
    ),
    "ops.restore_not_empty": (
        "Cơ sở dữ liệu đích đã có dữ liệu ({rows} dòng): thêm --force để ghi đè.",
        "The target database already holds data ({rows} rows): add --force to overwrite.",
    ),
    "ops.restore_mismatch": (
        "Dữ liệu khôi phục không khớp bản sao lưu ở bảng {table}: không thay đổi gì.",
        "The restored data does not match the backup in table {table}: nothing changed.",
    ),
    "ops.pg_tool_missing": (
        "Không tìm thấy {tool}: hãy cài postgresql-client (bản {major}).",
        "{tool} not found: install postgresql-client (version {major}).",
    ),
    "ops.pg_tool_version": (
        "{tool} bản {tool_major} không dùng được với máy chủ PostgreSQL bản {server_major}: "
        "hãy cài postgresql-client bản {server_major}.",
        "{tool} {tool_major} cannot work with PostgreSQL server {server_major}: "
        "install postgresql-client {server_major}.",
    ),
    "ops.pg_tool_failed": ("{tool} thất bại: {detail}", "{tool} failed: {detail}"),
    # --- migrate-db -------------------------------------------------------------------------
    "ops.migrate_done": (
        "Đã chuyển {tables} bảng, {rows} dòng sang {target}; số dòng và mã kiểm tra khớp.",
        "Copied {tables} tables, {rows} rows to {target}; row counts and checksums match.",
    ),
    "ops.migrate_same": (
        "Cơ sở dữ liệu đích trùng với nguồn.",
        "The target database is the source database.",
    ),
    "ops.migrate_target_not_empty": (
        "Cơ sở dữ liệu đích đã có dữ liệu (bảng {table}): chỉ chuyển vào cơ sở dữ liệu trống.",
        "The target database already holds data (table {table}): copy into an empty one only.",
    ),
    "ops.migrate_source_outdated": (
        "Cơ sở dữ liệu nguồn chưa ở phiên bản mới nhất: hãy chạy «publisher init» trước.",
        "The source database is not at the newest revision: run «publisher init» first.",
    ),
    "ops.migrate_unknown_tables": (
        "Cơ sở dữ liệu nguồn có bảng ngoài mô hình dữ liệu ({tables}): không chuyển để tránh "
        "bỏ sót dữ liệu.",
        "The source database has tables outside the data model ({tables}): not copied, so "
        "that nothing is left behind silently.",
    ),
    "ops.migrate_verify_failed": (
        "Kiểm tra sau khi chuyển thất bại ở bảng {table}: không ghi gì vào đích.",
        "Verification after the copy failed in table {table}: nothing written to the target.",
    ),
    "ops.database_url_invalid": (
        "Địa chỉ cơ sở dữ liệu không hợp lệ: {url}",
        "Invalid database URL: {url}",
    ),
    # --- keys --------------------------------------------------------------------------------
    "ops.key_rotated": (
        "Đã mã hoá lại thông tin đăng nhập của {channels} kênh bằng khoá mới; khoá mới lưu "
        "tại {path}.",
        "Re-encrypted the credentials of {channels} channel(s) under the new key; the new key "
        "is in {path}.",
    ),
    "ops.key_env_notice": (
        "Khoá đang được đặt bằng PUBLISHER_SECRET_KEY: hãy đặt biến này thành khoá mới "
        "(bên dưới) rồi khởi động lại mọi dịch vụ.",
        "The key is set by PUBLISHER_SECRET_KEY: set that variable to the new key (below), "
        "then restart every service.",
    ),
    "ops.key_new_value": ("Khoá mới: {key}", "New key: {key}"),
    "ops.key_same": (
        "Khoá mới trùng khoá hiện tại.",
        "The new key is the current key.",
    ),
    "ops.key_too_short": (
        "Khoá mới quá ngắn (tối thiểu {min} ký tự).",
        "The new key is too short (at least {min} characters).",
    ),
    "ops.key_old_unreadable": (
        "Kênh «{channel}» không giải mã được bằng khoá hiện tại: không thay đổi gì.",
        "Channel «{channel}» cannot be decrypted with the current key: nothing changed.",
    ),
}

"""Audio bulletins for the grassroots loudspeaker systems and their reach."""

_ERRORS: dict[str, tuple[str, str]] = {
    "media.error.tts_missing": (
        "Chưa cài giọng đọc máy espeak-ng trên máy chủ (gói Debian espeak-ng)",
        "The espeak-ng machine voice is not installed on the server (Debian package espeak-ng)",
    ),
    "media.error.tts_timeout": (
        "Giọng đọc máy không xong sau {seconds} giây; chưa tạo bản tin, hãy thử lại",
        "The machine voice did not finish in {seconds} s; no bulletin made, try again",
    ),
    "media.error.tts_failed": (
        "Giọng đọc máy bị lỗi ({detail}); chưa tạo bản tin",
        "The machine voice failed ({detail}); no bulletin made",
    ),
    "media.error.bulletin_no_text": (
        "Bản tin chưa có nội dung để đọc",
        "The bulletin has no text to read",
    ),
    "media.error.recording_not_audio": (
        "Tệp «{file}» không phải là bản ghi âm đọc được",
        "File «{file}» is not a readable audio recording",
    ),
    "media.error.recording_silent": (
        "Bản ghi âm «{file}» không có tiếng (quá nhỏ hoặc im lặng)",
        "Recording «{file}» is silent (too quiet or empty)",
    ),
    "media.error.recording_clipped": (
        "Bản ghi âm «{file}» bị rè vì thu quá to ({percent}% mẫu bị cắt); hãy thu lại nhỏ hơn",
        "Recording «{file}» is clipped ({percent}% of samples at full scale); record it quieter",
    ),
    "media.error.recording_too_long": (
        "Bản ghi âm «{file}» dài {seconds} giây, hệ thống nhận tối đa {limit} giây",
        "Recording «{file}» lasts {seconds} s; the system takes at most {limit} s",
    ),
    "media.error.bulletin_too_long": (
        "Bản tin dài {seconds} giây, hệ thống nhận tối đa {limit} giây; hãy bớt tin",
        "The bulletin lasts {seconds} s; the system takes at most {limit} s; drop an item",
    ),
    "media.error.bad_bitrate": (
        "Tốc độ MP3 {bitrate} kbit/s không dùng được; chọn một trong {allowed}",
        "MP3 bitrate {bitrate} kbit/s is not supported; choose one of {allowed}",
    ),
    "error.bulletin_source": (
        "Chọn bài (--post) hoặc một chiến dịch với năm (--campaign, --year), không cả hai",
        "Pick posts (--post) or one campaign with its year (--campaign, --year), not both",
    ),
    "error.bulletin_not_approved": (
        "Bài #{id} chưa được duyệt; bản tin chỉ đọc bài đã duyệt",
        "Post #{id} is not approved; a bulletin reads approved posts only",
    ),
    "error.bulletin_no_posts": (
        "Không có bài đã duyệt nào để làm bản tin",
        "No approved posts to make a bulletin from",
    ),
    "error.bulletin_too_many": (
        "Chọn {count} bài, một bản tin đọc tối đa {limit} bài",
        "{count} posts picked; a bulletin reads at most {limit}",
    ),
    "error.bulletin_voice": (
        "Giọng đọc «{voice}» không có; chọn {voices}",
        "Voice «{voice}» does not exist; choose {voices}",
    ),
    "error.bulletin_provider_unset": (
        "Chưa cấu hình dịch vụ đọc văn bản của tỉnh (PUBLISHER_TTS_URL, PUBLISHER_TTS_KEY)",
        "The province's text-to-speech service is not configured (PUBLISHER_TTS_URL, _KEY)",
    ),
    "error.bulletin_tts_timeout": (
        "Dịch vụ đọc văn bản không trả lời kịp; chưa tạo bản tin, không gửi gì, hãy thử lại",
        "The text-to-speech service did not answer in time; nothing made or sent; try again",
    ),
    "error.bulletin_tts": (
        "Dịch vụ đọc văn bản báo lỗi ({kind} {code}); chưa tạo bản tin, không gửi gì",
        "The text-to-speech service failed ({kind} {code}); nothing made or sent",
    ),
    "error.bulletin_not_found": (
        "Không có bản tin #{id}",
        "There is no bulletin #{id}",
    ),
    "error.bulletin_out": (
        "Tệp ra phải có đuôi .mp3 trong một thư mục đã có: «{path}»",
        "The output must be a .mp3 file in an existing folder: «{path}»",
    ),
    "error.bulletin_recording_file": (
        "Không đọc được tệp ghi âm «{path}»",
        "Cannot read the recording «{path}»",
    ),
    "error.reach_commune": (
        "Chọn xã, phường đã phát bản tin",
        "Pick the commune that played the bulletin",
    ),
    "error.reach_not_bulletin": (
        "Lần gửi #{id} không phải bản tin gửi tới hệ thống truyền thanh cơ sở",
        "Delivery #{id} is not a bulletin sent to a grassroots system",
    ),
    "problem.grassroots_target": (
        "Kênh «{channel}»: nhập một nơi nhận bản tin: thư mục nhận tệp, địa chỉ tải lên hoặc "
        "địa chỉ SFTP (chỉ một)",
        "Channel «{channel}»: give one place for the bulletins: a drop folder, an upload URL "
        "or an SFTP address (only one)",
    ),
    "problem.grassroots_sftp_url": (
        "Kênh «{channel}»: địa chỉ SFTP {url} phải có dạng sftp://tên@máy[:cổng]/thư-mục",
        "Channel «{channel}»: SFTP address {url} must look like sftp://user@host[:port]/folder",
    ),
    "problem.grassroots_sftp_url_secret": (
        "Kênh «{channel}»: không ghi mật khẩu vào địa chỉ SFTP; nhập mật khẩu ở ô riêng "
        "(--sftp-password-file), mật khẩu được mã hóa khi lưu",
        "Channel «{channel}»: do not put the password in the SFTP address; give it on its own "
        "(--sftp-password-file), where it is stored encrypted",
    ),
    "problem.grassroots_sftp_private": (
        "Kênh «{channel}»: máy chủ SFTP {host} nằm trong mạng nội bộ; quản trị hệ thống cần "
        "cho phép nó (PUBLISHER_OUTBOUND_ALLOWLIST={host})",
        "Channel «{channel}»: SFTP server {host} is on a private network; the system "
        "administrator must allow it (PUBLISHER_OUTBOUND_ALLOWLIST={host})",
    ),
    "problem.grassroots_sftp_host_key": (
        "Kênh «{channel}»: nhập dấu vân tay khóa máy chủ SFTP dạng SHA256:… (như lệnh "
        "ssh-keygen -lf in ra); không có nó hệ thống không kết nối",
        "Channel «{channel}»: give the SFTP server's host key fingerprint as SHA256:… (as "
        "ssh-keygen -lf prints it); without it nothing connects",
    ),
    "problem.grassroots_sftp_credential": (
        "Kênh «{channel}»: kênh SFTP cần mật khẩu hoặc khóa riêng để đăng nhập",
        "Channel «{channel}»: an SFTP channel needs a password or a private key to log in",
    ),
    "problem.grassroots_sftp_key": (
        "Kênh «{channel}»: khóa riêng SFTP không dùng được (cần khóa OpenSSH hoặc PEM loại "
        "Ed25519, ECDSA hoặc RSA, không đặt mật khẩu)",
        "Channel «{channel}»: the SFTP private key cannot be used (an OpenSSH or PEM Ed25519, "
        "ECDSA or RSA key without a passphrase is needed)",
    ),
    "problem.grassroots_private_url": (
        "Kênh «{channel}»: địa chỉ tải lên {url} trỏ vào mạng nội bộ, không được phép gửi",
        "Channel «{channel}»: upload address {url} points to a private network and is refused",
    ),
    "problem.grassroots_bad_url": (
        "Kênh «{channel}»: địa chỉ tải lên {url} phải bắt đầu bằng http:// hoặc https://",
        "Channel «{channel}»: upload address {url} must start with http:// or https://",
    ),
    "problem.grassroots_drop_dir": (
        "Kênh «{channel}»: thư mục nhận tệp phải là đường dẫn đầy đủ (bắt đầu bằng /)",
        "Channel «{channel}»: the drop folder must be an absolute path (starting with /)",
    ),
    "problem.grassroots_no_audio": (
        "Kênh «{channel}»: loa truyền thanh chỉ phát bản tin âm thanh; hãy gắn bản tin",
        "Channel «{channel}»: loudspeakers play audio bulletins only; attach one",
    ),
}

_CHANNEL: dict[str, tuple[str, str]] = {
    "ui.kind.grassroots": ("Truyền thanh cơ sở", "Grassroots loudspeakers"),
    "stats.kind.grassroots": ("Truyền thanh cơ sở", "Grassroots loudspeakers"),
    # The sandbox's emulator of a province's text-to-speech service (the Hộp cát page).
    "ui.kind.tts": ("Dịch vụ đọc văn bản", "Text-to-speech service"),
    "ui.channels.field.drop_dir": ("Thư mục nhận tệp", "Drop folder"),
    "ui.channels.help.drop_dir": (
        "Thư mục máy phát của xã đọc (đường dẫn đầy đủ); để trống nếu tải lên qua địa chỉ URL",
        "The folder the commune's playout computer reads (absolute path); empty for an URL",
    ),
    "ui.channels.field.sftp_url": ("Địa chỉ SFTP", "SFTP address"),
    "ui.channels.help.sftp_url": (
        "sftp://tên@máy[:cổng]/thư-mục trên máy phát của xã (/~/thư-mục: trong thư mục đăng "
        "nhập); để trống nếu dùng thư mục hoặc địa chỉ tải lên",
        "sftp://user@host[:port]/folder on the commune's playout computer (/~/folder: under "
        "the login folder); empty for a drop folder or an upload URL",
    ),
    "ui.channels.field.sftp_host_key": ("Dấu vân tay khóa máy chủ SFTP", "SFTP host key"),
    "ui.channels.help.sftp_host_key": (
        "SHA256:… của khóa máy chủ, lấy từ quản trị máy phát (ssh-keygen -lf "
        "/etc/ssh/ssh_host_ed25519_key.pub); khóa khác là bị từ chối",
        "SHA256:… of the server's key, from the playout computer's administrator (ssh-keygen "
        "-lf /etc/ssh/ssh_host_ed25519_key.pub); any other key is refused",
    ),
    "ui.channels.field.sftp_password": ("Mật khẩu SFTP", "SFTP password"),
    "ui.channels.help.sftp_password": (
        "Mật khẩu tài khoản SFTP (hoặc dùng khóa riêng)",
        "The SFTP account's password (or use a private key)",
    ),
    "ui.channels.field.sftp_key": ("Khóa riêng SFTP", "SFTP private key"),
    "ui.channels.help.sftp_key": (
        "Nội dung khóa riêng OpenSSH hoặc PEM (Ed25519, ECDSA, RSA; không đặt mật khẩu)",
        "The OpenSSH or PEM private key's text (Ed25519, ECDSA, RSA; no passphrase)",
    ),
}

_CLI: dict[str, tuple[str, str]] = {
    "bulletin.cli.played": (
        "Đã ghi nhận {commune} phát bản tin của lượt gửi #{delivery}",
        "Recorded: {commune} played the bulletin of delivery #{delivery}",
    ),
    "bulletin.cli.played_again": (
        "{commune} đã được ghi nhận phát bản tin của lượt gửi #{delivery} từ trước",
        "{commune} was already recorded as playing the bulletin of delivery #{delivery}",
    ),
    "bulletin.cli.made": (
        "Đã tạo bản tin {file}: {duration} giây, độ to {lufs} LUFS, MP3 {bitrate} kbit/s",
        "Bulletin {file} made: {duration} s, loudness {lufs} LUFS, MP3 {bitrate} kbit/s",
    ),
}

_UI: dict[str, tuple[str, str]] = {
    "ui.nav.bulletins": ("Bản tin phát thanh", "Audio bulletins"),
    "ui.bulletin.title": ("Bản tin phát thanh cơ sở", "Grassroots audio bulletin"),
    "ui.bulletin.caption": (
        "Chọn tin đã duyệt, sửa kịch bản để đọc, tạo bản tin bằng giọng máy hoặc giọng của bạn, "
        "nghe thử rồi gửi duyệt để phát trên loa truyền thanh của xã, phường",
        "Pick approved posts, edit the script for listening, make the bulletin with the machine "
        "voice or your own, listen, then send it for review to play on the loudspeakers",
    ),
    "ui.bulletin.step_source": ("1. Chọn tin", "1. Pick the news"),
    "ui.bulletin.source": ("Lấy tin từ", "Take news from"),
    "ui.bulletin.source_week": ("Tin đã duyệt trong tuần", "This week's approved posts"),
    "ui.bulletin.source_campaign": ("Một chiến dịch", "A campaign"),
    "ui.bulletin.campaign": ("Chiến dịch", "Campaign"),
    "ui.bulletin.year": ("Năm", "Year"),
    "ui.bulletin.posts": (
        "Tin đưa vào bản tin (đã duyệt, 7 ngày qua và 7 ngày tới)",
        "Posts in the bulletin (approved, past 7 and next 7 days)",
    ),
    "ui.bulletin.posts_placeholder": ("Chọn tin", "Pick posts"),
    "ui.bulletin.no_week_posts": (
        "Không có tin nào đã duyệt trong 7 ngày qua và 7 ngày tới. Chọn một chiến dịch.",
        "No approved post in the past 7 or next 7 days. Pick a campaign.",
    ),
    "ui.bulletin.draft": ("Soạn kịch bản", "Draft the script"),
    "ui.bulletin.step_script": ("2. Kịch bản để đọc", "2. The script to read"),
    "ui.bulletin.script": ("Kịch bản (sửa được)", "Script (editable)"),
    "ui.bulletin.script_help": (
        "Mỗi đoạn cách nhau một dòng trống: đoạn mở đầu, mỗi tin một đoạn, đoạn kết. "
        "Số, ngày, giờ, chữ viết tắt đã được viết thành lời.",
        "Paragraphs separated by a blank line: intro, one per item, outro. Numbers, dates, "
        "times and abbreviations are already written out as words.",
    ),
    "ui.bulletin.step_voice": ("3. Giọng đọc", "3. The voice"),
    "ui.bulletin.voice": ("Ai đọc bản tin", "Who reads the bulletin"),
    "ui.bulletin.voice_espeak": ("Giọng máy (espeak-ng)", "Machine voice (espeak-ng)"),
    "ui.bulletin.voice_provider": ("Dịch vụ đọc của tỉnh", "The province's TTS service"),
    "ui.bulletin.voice_person": ("Giọng của tôi", "My own voice"),
    "ui.bulletin.person_help": (
        "Đọc kịch bản ở trên: thu âm ngay tại đây hoặc tải tệp ghi âm lên. Nhạc hiệu đầu và cuối "
        "được thêm tự động, độ to được chuẩn hóa.",
        "Read the script above: record it here or upload a recording. The jingles are added "
        "and the loudness normalised for you.",
    ),
    "ui.bulletin.record": ("Thu âm", "Record"),
    "ui.bulletin.record_label": (
        "Bấm micrô để thu, bấm lần nữa để dừng",
        "Press the mic to record",
    ),
    "ui.bulletin.upload": ("Tải tệp lên", "Upload a file"),
    "ui.bulletin.upload_label": (
        "Tệp ghi âm (MP3, WAV, M4A, OGG)",
        "Recording (MP3, WAV, M4A, OGG)",
    ),
    "ui.bulletin.need_recording": (
        "Hãy thu âm hoặc tải tệp ghi âm lên trước",
        "Record or upload your reading first",
    ),
    "ui.bulletin.make": ("Tạo bản tin", "Make the bulletin"),
    "ui.bulletin.making": ("Đang tạo bản tin…", "Making the bulletin…"),
    "ui.bulletin.asset_title": ("Bản tin phát thanh {day}", "Audio bulletin {day}"),
    "ui.bulletin.step_listen": ("4. Nghe thử", "4. Listen"),
    "ui.bulletin.duration": ("Thời lượng", "Duration"),
    "ui.bulletin.seconds": ("{s} giây", "{s} s"),
    "ui.bulletin.loudness": ("Độ to (EBU R128)", "Loudness (EBU R128)"),
    "ui.bulletin.format": ("Định dạng", "Format"),
    "ui.bulletin.file_gone": ("Không tìm thấy tệp bản tin", "The bulletin's file is missing"),
    "ui.bulletin.step_schedule": ("5. Lên lịch phát", "5. Schedule"),
    "ui.bulletin.no_systems": (
        "Đơn vị chưa có kênh truyền thanh cơ sở. Quản trị viên thêm ở trang Kênh đăng.",
        "The unit has no grassroots channel yet. An administrator adds one on Channels.",
    ),
    "ui.bulletin.systems": ("Hệ thống truyền thanh", "Loudspeaker systems"),
    "ui.bulletin.day": ("Ngày phát", "Day"),
    "ui.bulletin.time": ("Giờ phát", "Time"),
    "ui.bulletin.schedule": ("Gửi duyệt để phát", "Send for review to play"),
    "ui.bulletin.scheduled": (
        "Đã gửi bản tin đi duyệt; sau khi duyệt, bản tin được gửi tới loa đúng giờ",
        "The bulletin was sent for review; once approved it is delivered on time",
    ),
    "ui.bulletin.step_reach": ("Xã, phường đã phát", "Communes that played it"),
    "ui.bulletin.reach_help": (
        "Hệ thống loa báo về tự động (có chữ ký) hoặc cán bộ xác nhận tại đây; số xã, phường đã "
        "phát được tính vào tiêu chí 80% của kế hoạch.",
        "Systems report back automatically (signed) or an officer confirms here; communes that "
        "played count towards the plan's 80% criterion.",
    ),
    "ui.bulletin.no_sent": ("Chưa có bản tin nào được gửi tới loa", "No bulletin delivered yet"),
    "ui.bulletin.col_bulletin": ("Bản tin", "Bulletin"),
    "ui.bulletin.col_system": ("Hệ thống", "System"),
    "ui.bulletin.col_sent": ("Đã gửi lúc", "Sent at"),
    "ui.bulletin.col_played": ("Đã phát tại", "Played in"),
    "ui.bulletin.commune": ("Xã, phường đã phát", "Commune that played it"),
    "ui.bulletin.confirm": ("Xác nhận đã phát", "Confirm it was played"),
    "ui.bulletin.confirmed": ("Đã ghi nhận xã, phường phát bản tin", "Recorded as played"),
}

MESSAGES: dict[str, tuple[str, str]] = {**_ERRORS, **_CHANNEL, **_CLI, **_UI}

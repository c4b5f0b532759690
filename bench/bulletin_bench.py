"""Audio bulletin benchmark. Run: ``.venv/bin/python -m bench.bulletin_bench``.

A bulletin of about three minutes from six Vietnamese posts (intro, six items, outro, the
jingles and pauses), spoken by the embedded voice (espeak-ng), normalised to EBU R128 and
encoded as 64 kbit/s mono MP3: the wall time of the whole make (script, speech, assembly, two
loudness passes, encoding, measurement) against the bulletin's duration. Target: at most 0.5x
real time. Three runs; the machine's load average is recorded before and after.

Writes ``bench/results/bulletin.json`` and ``bench/results/bulletin.md``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from media import bulletin as audio
from media.tts import EspeakVoice, espeak_path

RESULTS = Path(__file__).parent / "results"
TARGET = 0.5
RUNS = 3

POSTS: tuple[tuple[str, str], ...] = (
    (
        "Ngày Chuyển đổi số quốc gia 10/10",
        "Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10/2026, UBND xã tổ chức chuỗi hoạt động "
        "hướng dẫn người dân cài đặt ứng dụng định danh điện tử, thanh toán không dùng tiền "
        "mặt và nộp hồ sơ trực tuyến. Tổ công nghệ số cộng đồng có mặt tại nhà văn hóa các ấp "
        "từ 7h30 đến 11h00 sáng thứ Bảy và Chủ nhật. Bà con mang theo căn cước và điện thoại.",
    ),
    (
        "Dịch vụ công trực tuyến",
        "Sáu tháng đầu năm 2026, tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến toàn "
        "trình của xã đạt 65,4%, tăng 12% so với cùng kỳ. Người dân nộp hồ sơ trực tuyến được "
        "giảm 50% lệ phí với nhiều thủ tục như chứng thực, đăng ký hộ tịch.",
    ),
    (
        "Tập huấn ĐMST cho hộ kinh doanh",
        "Sở KH&CN phối hợp với Hội Nông dân tỉnh mở lớp tập huấn ĐMST cho 120 hộ kinh doanh "
        "và hợp tác xã: xây dựng thương hiệu, truy xuất nguồn gốc bằng mã QR, bán hàng trên "
        "sàn thương mại điện tử. Lớp học miễn phí, đăng ký trước ngày 25/10/2026.",
    ),
    (
        "Nhiệm vụ KH&CN cấp tỉnh",
        "Nhiệm vụ KH&CN ứng dụng công nghệ tưới tiết kiệm nước cho cây sầu riêng đã được "
        "nghiệm thu với kết quả khá. Mô hình giúp giảm 30% lượng nước tưới và tăng năng suất "
        "15%. Sở KH&CN sẽ hỗ trợ chuyển giao cho các hộ có nhu cầu trong năm 2027. Hộ nào "
        "muốn tham gia mô hình, đăng ký với cán bộ khuyến nông của xã trước ngày 15/12/2026.",
    ),
    (
        "Cuộc thi ý tưởng sáng tạo",
        "Cuộc thi ý tưởng khởi nghiệp ĐMST dành cho học sinh, sinh viên năm 2026 nhận hồ sơ "
        "đến hết ngày 30/11/2026. Tổng giá trị giải thưởng 150 triệu đồng; các ý tưởng xuất "
        "sắc được hỗ trợ ươm tạo tại Trung tâm Đổi mới sáng tạo của tỉnh.",
    ),
    (
        "An toàn thông tin trên mạng",
        "Công an xã khuyến cáo bà con cảnh giác với các cuộc gọi giả danh cơ quan nhà nước "
        "yêu cầu cài đặt ứng dụng lạ hoặc chuyển tiền. Không cung cấp mã OTP cho bất kỳ ai. "
        "Khi nghi ngờ, gọi ngay số điện thoại đường dây nóng của Công an xã để được hỗ trợ. "
        "Mỗi gia đình hãy nhắc nhở người cao tuổi và các cháu học sinh cùng cảnh giác.",
    ),
)


def run_once(out: Path) -> tuple[float, audio.Measured]:
    started = time.perf_counter()
    script = audio.build_script(POSTS, unit="xã Tân Phong", day="10/10/2026")
    measured = audio.make(script, out, voice=EspeakVoice(), opts=audio.AudioOptions())
    return time.perf_counter() - started, measured


def main() -> int:
    if espeak_path() is None:
        print("espeak-ng is not installed (apt-get install espeak-ng)")
        return 2
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(RUNS):
            wall, measured = run_once(Path(tmp) / f"b{n}.mp3")
            runs.append(
                {
                    "wall_s": round(wall, 2),
                    "duration_s": measured.duration,
                    "ratio": round(wall / measured.duration, 3),
                    "lufs": measured.lufs,
                    "true_peak": measured.true_peak,
                    "bytes": measured.bytes,
                }
            )
            print(runs[-1], flush=True)
    load_after = os.getloadavg()
    median = statistics.median(r["ratio"] for r in runs)
    data = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
        },
        "target_ratio": TARGET,
        "median_ratio": median,
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bulletin.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    lines = [
        "# Audio bulletin benchmark",
        "",
        f"Run {data['run_at']} on {data['machine']}",
        "",
        "Six posts, espeak-ng Vietnamese voice, jingles and pauses, EBU R128 two-pass loudnorm,",
        "MP3 64 kbit/s mono 44.1 kHz; wall time of the whole make against the bulletin's",
        f"duration (target ratio <= {TARGET}).",
        "",
        "| run | duration s | wall s | ratio | LUFS | true peak dBTP | bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(runs, start=1):
        lines.append(
            f"| {n} | {r['duration_s']} | {r['wall_s']} | {r['ratio']} | {r['lufs']} "
            f"| {r['true_peak']} | {r['bytes']} |"
        )
    verdict = "met" if median <= TARGET else "NOT met"
    lines += ["", f"Median ratio {median} ({verdict}).", ""]
    (RESULTS / "bulletin.md").write_text("\n".join(lines), encoding="utf-8")
    return 0 if median <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

"""Motion-graphic clip benchmark. Run: ``.venv/bin/python -m bench.motion_bench``.

1. A 10 s 1080x1920 30 fps motion-graphic campaign clip (official header, title rising in line
   by line, subtitle, the countdown card fading in and ticking down 12 days, weekday and date,
   a library track loudness-normalised) rendered by :mod:`media.motion`, against one
   hand-written ffmpeg command making a comparable animation from the same static layer:
   ``drawtext`` with alpha and y expressions for the title lines, subtitle and labels, an
   ``overlay`` of the card with an alpha fade and a rising y, a ``drawtext`` ``%{eif:...}``
   counter ticking down, the same music through the same ``loudnorm`` chain, the same x264
   settings; each still decoded once and held by the ``loop`` filter, the text drawn on
   yuv420p. Alternated in one run, median of 3 (wall and CPU seconds). Target: <= 1.5x.
2. Peak RSS of the motion render (a fresh Python process plus its ffmpeg). Target: <= 500 MB.
3. Infographic render CPU p50 at 1080x1080 (the existing target, <= 60 ms), re-measured.

The machine's load average is recorded before and after (the 2 cores are shared).
Writes ``bench/results/motion.json`` and ``bench/results/motion.md``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.media_bench import _cpu, _PeakRss, bench_infographics
from media import music
from media.brand import PRESETS, BrandKit
from media.fonts import font_path
from media.infographic import render_infographic
from media.motion import MotionSpec, render_motion
from media.motion_frames import plan
from media.probe import ffmpeg_exe, probe
from media.templates.base import Canvas
from media.video_graph import X264, audio_input

RESULTS = Path(__file__).parent / "results"
SIZE = (1080, 1920)
SECONDS = 10.0
TODAY = date(2026, 9, 15)
FIELDS = {
    "title": "Ngày Chuyển đổi số quốc gia",
    "subtitle": "Chung tay xây dựng chính quyền số, kinh tế số và xã hội số",
    "date": "10/10/2026",
}
BRAND = BrandKit(
    org_name="Sở Khoa học và Công nghệ",
    primary=PRESETS["government-red"][0],
    accent=PRESETS["government-red"][1],
    header_line1="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
    header_line2="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    hashtag="#ChuyenDoiSo",
    website="skhcn.dongnai.gov.vn",
)


def _spec(audio: Path) -> MotionSpec:
    return MotionSpec("campaign", FIELDS, SIZE, SECONDS, 30, BRAND, audio=audio,
                      loop_audio=True, today=TODAY)  # fmt: skip


def _esc(value: str) -> str:
    """drawtext option escaping (inside a filter graph)."""
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'").replace(",", "\\,")


def _handwritten(folder: Path, audio: Path, out: Path) -> list[str]:
    """What a person would write with drawtext/overlay for a comparable animation, from the
    same static layer (header and footer already drawn) and the card cut from the final
    frame."""
    card = render_infographic("campaign", FIELDS, BRAND, SIZE, today=TODAY)
    clean = Canvas(BRAND, SIZE).image.convert("RGB")
    base, _bands, _counters, _end = plan(card, clean)
    base.save(folder / "base.png")
    box = card.ink["countdown"]
    panel = (box[0] - 120, box[1] - 140, box[2] + 120, box[3] + 140)
    cut = card.image.convert("RGB").crop(panel)
    # The number is drawn by drawtext: blank it on the card (with the card's own colour).
    fill = cut.getpixel((box[0] - panel[0] - 8, (box[1] + box[3]) // 2 - panel[1]))
    inner = (box[0] - panel[0] - 4, box[1] - panel[1] - 4, box[2] - panel[0] + 4,
             box[3] - panel[1] + 4)  # fmt: skip
    cut.paste(fill, inner)
    cut.save(folder / "card.png")
    bold = str(font_path("Be Vietnam Pro", "extrabold"))
    regular = str(font_path("Be Vietnam Pro", "regular"))
    x, y = card.ink["title"][0], card.ink["title"][1]
    size = card.sizes["title"]

    def reveal(start: float) -> tuple[str, str]:
        p = f"min(1\\,max(0\\,(t-{start})/0.6))"
        return f"alpha='{p}'", f"56*pow(1-{p}\\,3)"

    parts = []
    for i, line in enumerate(card.drawn["title"][0].lines):
        alpha, rise = reveal(0.25 + 0.1 * i)
        parts.append(
            f"drawtext=fontfile='{bold}':text='{_esc(line)}':fontsize={size}:fontcolor=white:"
            f"x={x}:y='{y + i * round(size * 1.15)}+{rise}':{alpha}"
        )
    alpha, rise = reveal(0.55)
    sub = card.ink["subtitle"]
    parts.append(
        f"drawtext=fontfile='{regular}':text='{_esc(FIELDS['subtitle'])}':"
        f"fontsize={card.sizes['subtitle']}:fontcolor=white:x={sub[0]}:y='{sub[1]}+{rise}':{alpha}"
    )
    date_box = card.ink["date"]
    alpha, rise = reveal(0.85)
    parts.append(
        f"drawtext=fontfile='{bold}':text='10/10/2026':fontsize={card.sizes['date']}:"
        f"fontcolor=white:x={date_box[0]}:y='{date_box[1]}+{rise}':{alpha}"
    )
    # Each still is decoded once and repeated by the loop filter (an image input with
    # "-loop 1" would decode the PNG again for every frame).
    hold = f"loop=loop={round(SECONDS * 30)}:size=1:start=0,setpts=N/30/TB"
    graph = f"[0:v]{hold},format=yuv420p," + ",".join(parts) + "[txt];"
    graph += f"[1:v]{hold},format=yuva420p,fade=t=in:st=0.85:d=0.6:alpha=1[card];"
    graph += (
        f"[txt][card]overlay=x={panel[0]}:y='{panel[1]}+56*pow(1-min(1\\,max(0\\,(t-0.85)/0.6))\\,3)'"
        ":eof_action=repeat[withcard];"
    )
    days = (date(2026, 10, 10) - TODAY).days
    counter = f"%{{eif\\:max({days}\\,{days + 12}-floor(max(0\\,t-1.45)*5.5))\\:d}}"
    graph += (
        f"[withcard]drawtext=fontfile='{bold}':text='{counter}':fontsize={card.sizes['countdown']}"
        f":fontcolor=0x111827:x={box[0]}:y={box[1]}:enable='gte(t\\,1.45)'[vout]"
    )
    audio_args, audio_maps, audio_graph = audio_input(2, audio, SECONDS, loop=True)
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", str(folder / "base.png"), "-i", str(folder / "card.png"),
        *audio_args, "-filter_complex", graph + ";" + audio_graph,
        "-map", "[vout]", *audio_maps, *X264, "-r", "30", "-movflags", "+faststart",
        "-t", f"{SECONDS:.3f}", str(out),
    ]  # fmt: skip


def bench_motion_vs_ffmpeg(rounds: int = 3) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        audio = music.track_path("tuoi-sang", tmp / "music")
        cmd = _handwritten(tmp, audio, tmp / "hand.mp4")
        studio_s, ffmpeg_s, studio_cpu, ffmpeg_cpu = [], [], [], []
        for _ in range(rounds):
            c0, t0 = _cpu(), time.perf_counter()
            render_motion(_spec(audio), tmp / "motion.mp4", thumbnail=False)
            studio_s.append(time.perf_counter() - t0)
            studio_cpu.append(_cpu() - c0)
            c0, t0 = _cpu(), time.perf_counter()
            subprocess.run(cmd, check=True, timeout=600)
            ffmpeg_s.append(time.perf_counter() - t0)
            ffmpeg_cpu.append(_cpu() - c0)
        a = probe(tmp / "motion.mp4", count_frames=True)
        b = probe(tmp / "hand.mp4", count_frames=True)
        result = {
            "clip": "10 s 1080x1920 30 fps motion-graphic campaign card with music",
            "rounds": rounds,
            "studio_s": [round(v, 2) for v in studio_s],
            "ffmpeg_s": [round(v, 2) for v in ffmpeg_s],
            "studio_median_s": round(statistics.median(studio_s), 2),
            "ffmpeg_median_s": round(statistics.median(ffmpeg_s), 2),
            "ratio": round(statistics.median(studio_s) / statistics.median(ffmpeg_s), 2),
            "studio_cpu_median_s": round(statistics.median(studio_cpu), 2),
            "ffmpeg_cpu_median_s": round(statistics.median(ffmpeg_cpu), 2),
            "cpu_ratio": round(statistics.median(studio_cpu) / statistics.median(ffmpeg_cpu), 2),
            "studio_frames": a.frames,
            "ffmpeg_frames": b.frames,
            "studio_has_audio": a.has_audio,
            "ffmpeg_has_audio": b.has_audio,
        }
        print(f"motion 10s vs ffmpeg {result}", flush=True)
        return result


def _rss_child(folder: Path) -> None:
    """Runs in a fresh interpreter so that its RSS is the renderer's alone."""
    audio = music.track_path("tuoi-sang", folder / "music")
    t0 = time.perf_counter()
    render_motion(_spec(audio), folder / "rss.mp4")
    print(json.dumps({"wall_s": round(time.perf_counter() - t0, 2)}), flush=True)


def bench_peak_rss() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.motion_bench", "--rss-child", tmp_name],
            stdout=subprocess.PIPE,
            text=True,
        )
        with _PeakRss(proc.pid) as rss:
            stdout, _ = proc.communicate(timeout=1200)
    data = json.loads(stdout.strip().splitlines()[-1])
    out = {
        **data,
        "peak_rss_total_mb": round(rss.peak / 2**20, 1),
        "peak_rss_python_mb": round(rss.peak_python / 2**20, 1),
        "peak_rss_ffmpeg_mb": round(rss.peak_ffmpeg / 2**20, 1),
    }
    print(f"motion peak rss {out}", flush=True)
    return out


def write_results(report: dict[str, object]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "motion.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    v: dict = report["motion_10s_vs_ffmpeg"]  # type: ignore[assignment]
    r: dict = report["peak_rss"]  # type: ignore[assignment]
    info: dict = report["infographic_1080x1080_long_text"]  # type: ignore[assignment]
    lines = [
        "# Motion-graphic clip benchmark",
        "",
        f"Run {report['when']} on {report['machine']}; load average (1, 5, 15 min) before "
        f"{report['load_before']}, after {report['load_after']} (2 cores shared with other "
        "work: wall times are inflated, CPU seconds are the steadier measure).",
        "",
        "## 10 s 1080x1920 motion graphic: media.motion vs hand-written ffmpeg (target <= 1.5x)",
        "",
        f"{v['clip']}. media.motion median {v['studio_median_s']} s, hand-written ffmpeg "
        f"(drawtext/overlay) median {v['ffmpeg_median_s']} s: ratio **{v['ratio']}** (runs: "
        f"motion {v['studio_s']}, ffmpeg {v['ffmpeg_s']}).",
        "",
        f"CPU seconds: motion {v['studio_cpu_median_s']}, ffmpeg {v['ffmpeg_cpu_median_s']}, "
        f"ratio {v['cpu_ratio']}. Frames {v['studio_frames']} / {v['ffmpeg_frames']}; audio "
        f"{v['studio_has_audio']} / {v['ffmpeg_has_audio']}.",
        "",
        "## Peak RSS of the motion render (target <= 500 MB)",
        "",
        f"{r['peak_rss_total_mb']} MB (python {r['peak_rss_python_mb']} MB, ffmpeg "
        f"{r['peak_rss_ffmpeg_mb']} MB), wall {r['wall_s']} s.",
        "",
        "## Infographics, 1080x1080, long Vietnamese text (target CPU p50 <= 60 ms)",
        "",
        "| template | render p50 ms | CPU p50 ms | CPU p95 ms |",
        "|---|---|---|---|",
    ]
    for name, row in info.items():
        lines.append(
            f"| {name} | {row['render_p50_ms']} | {row['render_cpu_p50_ms']} | "
            f"{row['render_cpu_p95_ms']} |"
        )
    (RESULTS / "motion.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    load_before = [round(v, 2) for v in os.getloadavg()]
    report: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "ffmpeg": ffmpeg_exe().rsplit("/", 1)[-1],
        },
        "load_before": load_before,
        "motion_10s_vs_ffmpeg": bench_motion_vs_ffmpeg(),
        "peak_rss": bench_peak_rss(),
        "infographic_1080x1080_long_text": bench_infographics(20),
    }
    report["load_after"] = [round(v, 2) for v in os.getloadavg()]
    write_results(report)
    print(f"wrote {RESULTS / 'motion.json'}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rss-child":
        _rss_child(Path(sys.argv[2]))
    else:
        main()

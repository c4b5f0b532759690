"""Media studio benchmarks. Run: ``.venv/bin/python -m bench.media_bench``.

1. Infographic render time per template at 1080x1080 with long Vietnamese text (p50/p95).
2. A 10 s 1080x1080 30 fps clip of 3 photos, 0.5 s crossfades and a Vietnamese title on the
   first photo: the studio (Pillow layers + one ffmpeg graph) against one hand-written ffmpeg
   command producing the same composition (scale/crop per input, drawtext, xfade), alternated
   in one run with the same encoder settings.
3. A 30 s 1080x1920 clip (title card, 8 photos, captions, end card, audio): wall time and
   peak RSS of the Python process plus its ffmpeg child.

Writes ``bench/results/media.json`` and ``bench/results/media.md``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import psutil
from PIL import Image, ImageDraw

from media.brand import BrandKit
from media.fonts import font_path
from media.infographic import TEMPLATES, render_infographic, save_infographic
from media.probe import ffmpeg_exe, probe
from media.samples import LONG_FIELDS
from media.video import VideoSpec, render_video
from media.video_graph import X264

RESULTS = Path(__file__).parent / "results"
TITLE = "Ngày Chuyển đổi số quốc gia 10/10: chung tay xây dựng chính quyền số"
BRAND = BrandKit(
    org_name="Sở Khoa học và Công nghệ tỉnh Đồng Nai",
    hashtag="#NQ57 #ChuyenDoiSo",
    website="skhcn.dongnai.gov.vn",
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_infographics(runs: int = 40) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    today = date(2026, 9, 15)
    for name in TEMPLATES:
        fields = LONG_FIELDS[name]
        for _ in range(3):  # warm font and background caches, as in a running server
            render_infographic(name, fields, BRAND, (1080, 1080), today=today)
        render_ms, cpu_ms, png_ms = [], [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            result = render_infographic(name, fields, BRAND, (1080, 1080), today=today)
            t1, c1 = time.perf_counter(), time.process_time()
            render_ms.append((t1 - t0) * 1000)
            cpu_ms.append((c1 - c0) * 1000)
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(10):
                t0 = time.perf_counter()
                result = render_infographic(name, fields, BRAND, (1080, 1080), today=today)
                save_infographic(result, Path(tmp) / f"{i}.png")
                png_ms.append((time.perf_counter() - t0) * 1000)
        out[name] = {
            "render_p50_ms": round(statistics.median(render_ms), 1),
            "render_p95_ms": round(_pct(render_ms, 0.95), 1),
            # CPU time of the render: what it costs when the machine is not shared.
            "render_cpu_p50_ms": round(statistics.median(cpu_ms), 1),
            "render_cpu_p95_ms": round(_pct(cpu_ms, 0.95), 1),
            "render_plus_png_p50_ms": round(statistics.median(png_ms), 1),
        }
        print(f"infographic {name:9s} {out[name]}", flush=True)
    return out


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _photos(folder: Path, count: int, size: tuple[int, int] = (1920, 1280)) -> list[Path]:
    """Synthetic press-photo-sized JPEGs with gradients and shapes (real detail to encode)."""
    paths = []
    rng = np.random.default_rng(42)
    w, h = size
    for i in range(count):
        yy, xx = np.mgrid[0:h, 0:w]
        arr = np.stack(
            [
                (xx * 255 // w + i * 40) % 256,
                (yy * 255 // h) % 256,
                ((xx + yy) * 255 // (w + h) + i * 70) % 256,
            ],
            axis=-1,
        ).astype(np.uint8)
        noise = rng.integers(-12, 12, arr.shape)
        image = Image.fromarray(np.clip(arr.astype(int) + noise, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(image)
        for _ in range(25):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            r = int(rng.integers(30, 220))
            d.ellipse((x, y, x + r, y + r), fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
        path = folder / f"photo{i}.jpg"
        image.save(path, quality=90)
        paths.append(path)
    return paths


def _handwritten_ffmpeg(photos: list[Path], out: Path, folder: Path, threads: int) -> list[str]:
    """What a person would write by hand for the same composition (one filter graph)."""
    seconds, fade, w = 11 / 3, 0.5, 1080
    title_file = folder / "title.txt"
    # drawtext cannot wrap: the two lines are broken by hand, as the studio wraps them.
    title_file.write_text(
        "Ngày Chuyển đổi số quốc gia 10/10: chung tay\nxây dựng chính quyền số", encoding="utf-8"
    )
    fontfile = font_path("Be Vietnam Pro", "semibold")
    args: list[str] = []
    graph = []
    for i, photo in enumerate(photos):
        args += ["-loop", "1", "-framerate", "30", "-t", f"{seconds:.4f}", "-i", str(photo)]
        chain = (
            f"[{i}:v]scale={w}:{w}:force_original_aspect_ratio=increase,crop={w}:{w},"
            "setsar=1,format=yuv420p"
        )
        if i == 0:
            chain += (
                f",drawtext=fontfile='{fontfile}':textfile='{title_file}':fontcolor=white:"
                "fontsize=46:line_spacing=12:x=88:y=h-th-72:box=1:boxcolor=black@0.55:"
                "boxborderw=24"
            )
        graph.append(chain + f"[v{i}]")
    graph.append(f"[v0][v1]xfade=transition=fade:duration={fade}:offset={seconds - fade:.4f}[x1]")
    graph.append(
        f"[x1][v2]xfade=transition=fade:duration={fade}:offset={2 * (seconds - fade):.4f}[v]"
    )
    return [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        *args,
        "-filter_complex",
        ";".join(graph),
        "-map",
        "[v]",
        *X264,  # the studio's exact encoder settings: only the composition method differs
        "-r",
        "30",
        "-threads",
        str(threads),
        "-movflags",
        "+faststart",
        "-t",
        "10",
        str(out),
    ]


def bench_video_vs_ffmpeg(rounds: int = 3, threads: int = 0) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photos = _photos(tmp, 3)
        spec = VideoSpec(
            images=photos,
            size=(1080, 1080),
            seconds_per_image=11 / 3,
            crossfade=0.5,
            captions=[TITLE],
            brand=BRAND,
        )
        studio_s, ffmpeg_s, studio_cpu, ffmpeg_cpu = [], [], [], []
        cmd = _handwritten_ffmpeg(photos, tmp / "hand.mp4", tmp, threads)
        for _ in range(rounds):
            c0, t0 = _cpu(), time.perf_counter()
            render_video(spec, tmp / "studio.mp4", threads=threads, thumbnail=False)
            studio_s.append(time.perf_counter() - t0)
            studio_cpu.append(_cpu() - c0)
            c0, t0 = _cpu(), time.perf_counter()
            subprocess.run(cmd, check=True, timeout=600)
            ffmpeg_s.append(time.perf_counter() - t0)
            ffmpeg_cpu.append(_cpu() - c0)
        a, b = (
            probe(tmp / "studio.mp4", count_frames=True),
            probe(tmp / "hand.mp4", count_frames=True),
        )
        result = {
            "clip": "10 s, 1080x1080, 30 fps, 3 photos 1920x1280, 0.5 s crossfades, title",
            "rounds": rounds,
            "studio_s": [round(v, 2) for v in studio_s],
            "ffmpeg_s": [round(v, 2) for v in ffmpeg_s],
            "studio_median_s": round(statistics.median(studio_s), 2),
            "ffmpeg_median_s": round(statistics.median(ffmpeg_s), 2),
            "ratio": round(statistics.median(studio_s) / statistics.median(ffmpeg_s), 2),
            # CPU seconds (this process + children): robust when other work shares the CPUs.
            "studio_cpu_median_s": round(statistics.median(studio_cpu), 2),
            "ffmpeg_cpu_median_s": round(statistics.median(ffmpeg_cpu), 2),
            "cpu_ratio": round(statistics.median(studio_cpu) / statistics.median(ffmpeg_cpu), 2),
            "studio_frames": a.frames,
            "ffmpeg_frames": b.frames,
            "studio_bytes": a.bytes,
            "ffmpeg_bytes": b.bytes,
        }
        print(f"video 10s studio vs ffmpeg {result}", flush=True)
        return result


class _PeakRss:
    """Samples the RSS of a process tree every 20 ms (the Python renderer plus its ffmpeg)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.peak_ffmpeg = 0
        self.peak_python = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                own = self.root.memory_info().rss
                kids = sum(c.memory_info().rss for c in self.root.children(recursive=True))
            except psutil.Error:
                self._stop.wait(0.02)
                continue
            self.peak = max(self.peak, own + kids)
            self.peak_python = max(self.peak_python, own)
            self.peak_ffmpeg = max(self.peak_ffmpeg, kids)
            self._stop.wait(0.02)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _story_child(zoom: bool, folder: Path) -> None:
    """Runs in a fresh interpreter so that its RSS is the renderer's alone."""
    photos = sorted(folder.glob("photo*.jpg"))
    # 2.5 (title) + 8 x 3.6 (108 frames) + 3.2 (end) - 9 x 0.5 (fades) = 30.0 s = 900 frames
    spec = VideoSpec(
        images=photos,
        size=(1080, 1920),
        seconds_per_image=3.6,
        crossfade=0.5,
        title=TITLE,
        subtitle="Hưởng ứng Nghị quyết 57-NQ/TW",
        end_card=True,
        campaign="Ngày Chuyển đổi số quốc gia",
        captions=[f"Ảnh {i + 1}: hoạt động chuyển đổi số tại địa phương" for i in range(8)],
        audio=folder / "music.m4a",
        zoom=zoom,
        brand=BRAND,
        title_seconds=2.5,
        end_seconds=3.2,
    )
    t0 = time.perf_counter()
    result = render_video(spec, folder / f"story-{zoom}.mp4")
    wall = time.perf_counter() - t0
    info = probe(result.path, count_frames=True)
    print(
        json.dumps(
            {
                "wall_s": round(wall, 2),
                "duration_s": round(info.duration, 2),
                "frames": info.frames,
                "bytes": info.bytes,
                "codec": info.video_codec,
                "pix_fmt": info.pix_fmt,
                "audio": info.audio_codec,
            }
        ),
        flush=True,
    )


def bench_story_30s(zoom: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        _photos(folder, 8, (3000, 2000))
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=330:duration=40",
                "-c:a",
                "aac",
                str(folder / "music.m4a"),
            ],
            check=True,
            timeout=120,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.media_bench",
                "--story-child",
                "zoom" if zoom else "still",
                str(folder),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        with _PeakRss(proc.pid) as rss:
            stdout, _ = proc.communicate(timeout=1200)
    data = json.loads(stdout.strip().splitlines()[-1])
    out = {
        "clip": "30 s 1080x1920 30 fps: title card, 8 photos 3000x2000 with captions, end card, "
        f"background audio, zoom={zoom}",
        **data,
        "peak_rss_total_mb": round(rss.peak / 2**20, 1),
        "peak_rss_python_mb": round(rss.peak_python / 2**20, 1),
        "peak_rss_ffmpeg_mb": round(rss.peak_ffmpeg / 2**20, 1),
    }
    print(f"story 30s {out}", flush=True)
    return out


def write_results(report: dict[str, object]) -> None:
    """Write media.json and a readable media.md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "media.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# Media studio benchmark",
        "",
        f"Run {report['when']} on {report['machine']}",
        "",
        "## Infographics, 1080x1080, long Vietnamese text (target p50 <= 60 ms)",
        "",
        "| template | render p50 ms | render p95 ms | CPU p50 ms | CPU p95 ms | +PNG p50 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in report["infographic_1080x1080_long_text"].items():  # type: ignore[union-attr]
        lines.append(
            f"| {name} | {row['render_p50_ms']} | {row['render_p95_ms']} | "
            f"{row['render_cpu_p50_ms']} | {row['render_cpu_p95_ms']} | "
            f"{row['render_plus_png_p50_ms']} |"
        )
    v = report["video_10s_studio_vs_ffmpeg"]
    lines += [  # type: ignore[index]
        "",
        "## 10 s clip: studio vs hand-written ffmpeg (target ratio <= 1.2)",
        "",
        f"studio median {v['studio_median_s']} s, ffmpeg median {v['ffmpeg_median_s']} s, "  # type: ignore[index]
        f"ratio {v['ratio']} (runs: studio {v['studio_s']}, ffmpeg {v['ffmpeg_s']})",
        "",
        f"CPU seconds: studio {v['studio_cpu_median_s']}, ffmpeg {v['ffmpeg_cpu_median_s']}, "
        f"ratio {v['cpu_ratio']}",
        "",
    ]  # type: ignore[index]
    for key in ("story_30s", "story_30s_zoom"):
        s = report[key]
        lines.append(f"## {s['clip']}")  # type: ignore[index]
        lines += [
            "",
            f"wall {s['wall_s']} s, peak RSS {s['peak_rss_total_mb']} MB "  # type: ignore[index]
            f"(python {s['peak_rss_python_mb']} MB, ffmpeg {s['peak_rss_ffmpeg_mb']} MB), "
            f"frames {s['frames']}",
            "",
        ]  # type: ignore[index]
    (RESULTS / "media.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    started = datetime.now(UTC)
    report = {
        "when": started.isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "ffmpeg": ffmpeg_exe().rsplit("/", 1)[-1],
        },
        "infographic_1080x1080_long_text": bench_infographics(),
        "video_10s_studio_vs_ffmpeg": bench_video_vs_ffmpeg(),
        "story_30s": bench_story_30s(zoom=False),
        "story_30s_zoom": bench_story_30s(zoom=True),
    }
    write_results(report)
    print(f"wrote {RESULTS / 'media.json'}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--rerun-zoom-story"]:
        # Re-measure one case into the existing results (after a fix to that case only).
        saved = json.loads((RESULTS / "media.json").read_text(encoding="utf-8"))
        saved["story_30s_zoom"] = bench_story_30s(zoom=True)
        saved["story_30s_zoom"]["rerun_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        write_results(saved)
    elif len(sys.argv) == 4 and sys.argv[1] == "--story-child":
        _story_child(sys.argv[2] == "zoom", Path(sys.argv[3]))
    else:
        main()

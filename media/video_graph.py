"""ffmpeg command lines for a slideshow (pure functions: they build arguments, run nothing).

The clip is planned as a sequence of *parts*: a hold (frames ``first..last`` of one segment's
picture, possibly zooming) or a fade (the next segment's head fading in by alpha over the
previous segment's tail). A whole short clip is one filter graph. Longer clips are cut into
chunks of a few segments, each one graph encoded with identical settings, then joined without
re-encoding (concat demuxer) while the audio is added: ffmpeg keeps roughly one decoded
picture plus a few frames per input and per transition alive, so one graph for a 30 s
1080x1920 story peaked at ~600 MB, and chunks keep it flat whatever the length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from media.probe import ffmpeg_exe

ZOOM = 0.08  # slow zoom: +8% over a segment
MAX_SEGMENTS_PER_GRAPH = 4
#: Same x264 settings for every chunk (so they can be joined by stream copy). A shorter
#: lookahead than veryfast's default costs nothing visible on slideshows and saves memory.
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
        "-profile:v", "high", "-x264-params", "rc-lookahead=5:sync-lookahead=0"]  # fmt: skip


@dataclass
class Segment:
    """One picture on screen for ``seconds``; ``overlay`` is a caption over a zooming still."""

    still: Path
    seconds: float
    zoom: bool = False
    overlay: Path | None = None


@dataclass(frozen=True)
class Part:
    kind: str  # "hold" or "fade"
    seg: int  # hold: the segment; fade: the incoming segment (the outgoing one is seg - 1)
    first: int = 0
    last: int = 0

    def frames(self, fade: int) -> int:
        return fade if self.kind == "fade" else self.last - self.first


def plan(segments: Sequence[Segment], fps: int, fade: int) -> list[Part]:
    """Parts in playing order; ``fade`` is the crossfade length in frames (0 = cuts)."""
    parts: list[Part] = []
    for i, seg in enumerate(segments):
        frames = round(seg.seconds * fps)
        head = fade if (fade and i > 0) else 0
        tail = fade if (fade and i < len(segments) - 1) else 0
        if head:
            parts.append(Part("fade", i))
        if frames - head - tail > 0:
            parts.append(Part("hold", i, head, frames - tail))
    return parts


def chunks(parts: list[Part], limit: int = MAX_SEGMENTS_PER_GRAPH) -> list[list[Part]]:
    """Consecutive runs of parts touching at most ``limit`` segments each."""
    out: list[list[Part]] = []
    current: list[Part] = []
    used: set[int] = set()
    for part in parts:
        needs = {part.seg, part.seg - 1} if part.kind == "fade" else {part.seg}
        if current and len(used | needs) > limit:
            out.append(current)
            current, used = [], set()
        current.append(part)
        used |= needs
    if current:
        out.append(current)
    return out


def _uses(
    parts: Sequence[Part], segments: Sequence[Segment], fps: int, fade: int
) -> dict[int, list[tuple[str, int, int]]]:
    """For each segment: the frame ranges this graph needs, labelled."""
    uses: dict[int, list[tuple[str, int, int]]] = {}
    for k, part in enumerate(parts):
        if part.kind == "hold":
            uses.setdefault(part.seg, []).append((f"h{k}", part.first, part.last))
        else:
            prev_frames = round(segments[part.seg - 1].seconds * fps)
            uses.setdefault(part.seg - 1, []).append((f"t{k}", prev_frames - fade, prev_frames))
            uses.setdefault(part.seg, []).append((f"i{k}", 0, fade))
    return uses


def video_graph(
    parts: Sequence[Part],
    segments: Sequence[Segment],
    size: tuple[int, int],
    fps: int,
    fade: int,
) -> tuple[list[str], str]:
    """Input arguments and the filter graph (output label ``[vout]``) for ``parts``."""
    w, h = size
    args: list[str] = []
    graph: list[str] = []
    index = 0
    uses = _uses(parts, segments, fps, fade)
    for seg_no in sorted(uses):
        seg, spans = segments[seg_no], uses[seg_no]
        frames = round(seg.seconds * fps)
        args += ["-i", str(seg.still)]
        still, index = index, index + 1
        # Convert once; split hands the same decoded picture to every range that needs it.
        graph.append(
            f"[{still}:v]format=yuv420p,setsar=1,split={len(spans)}"
            + "".join(f"[s{label}]" for label, _, _ in spans)
        )
        caption = None
        if seg.overlay is not None:
            args += ["-i", str(seg.overlay)]
            caption, index = index, index + 1
            graph.append(
                f"[{caption}:v]split={len(spans)}" + "".join(f"[c{label}]" for label, _, _ in spans)
            )
        for label, first, last in spans:
            # loop= repeats the one picture: no per-frame file reads or colour conversion.
            chain = f"[s{label}]loop=loop={last - first - 1}:size=1:start=0,setpts=N/{fps}/TB"
            if seg.zoom:
                # The zoom runs across the whole segment: frame n here is n + first overall.
                chain += (
                    f",scale=w='2*trunc({w}*(1+{ZOOM}*(n+{first})/{frames})/2)':h=-2"
                    f":eval=frame:flags=bicubic,crop={w}:{h}"
                )
            if caption is not None:
                chain += f"[z{label}];[z{label}][c{label}]overlay=0:0:format=auto"
            graph.append(chain + f",format=yuv420p,setsar=1[{label}]")
    labels: list[str] = []
    for k, part in enumerate(parts):
        if part.kind == "hold":
            labels.append(f"h{k}")
            continue
        # The incoming head fades in by alpha over the outgoing tail (the same picture as
        # xfade's "fade", which instead buffers ~8 frames per transition).
        graph.append(
            f"[i{k}]format=yuva420p,fade=t=in:st=0:d={fade / fps:.4f}:alpha=1[a{k}];"
            f"[t{k}][a{k}]overlay=0:0:format=yuv420:eof_action=pass,"
            f"format=yuv420p[x{k}]"
        )
        labels.append(f"x{k}")
    # Parts may end with an EOF timestamp a frame off, which would make concat overlap the
    # next part; renumbering every frame after concat keeps exactly the planned frames.
    graph.append(
        "".join(f"[{label}]" for label in labels)
        + f"concat=n={len(labels)}:v=1:a=0,setpts=N/{fps}/TB[vout]"
    )
    return args, ";".join(graph)


#: Social platforms play at about -16 LUFS integrated (EBU R128 measured by ffmpeg's
#: ``loudnorm``), true peak under -1.5 dBTP.
TARGET_LUFS = -16.0


def _audio_filter(input_index: int, total: float) -> str:
    fade_in, fade_out = min(1.0, total / 4), min(1.5, total / 3)
    return (
        f"[{input_index}:a]atrim=0:{total:.3f},asetpts=PTS-STARTPTS,"
        f"loudnorm=I={TARGET_LUFS:.0f}:TP=-1.5:LRA=11,"
        f"apad=whole_dur={total:.3f},afade=t=in:st=0:d={fade_in:.2f},"
        f"afade=t=out:st={total - fade_out:.3f}:d={fade_out:.2f},"
        f"aformat=sample_rates=48000:channel_layouts=stereo[aout]"
    )


def audio_input(
    index: int, audio: str | Path | None, total: float, *, loop: bool = False
) -> tuple[list[str], list[str], str]:
    """Input arguments, output maps and filter graph for the clip's audio as input ``index``:
    the music (looped when ``loop``: library tracks are seamless loops) loudness-normalised
    and faded, or silence. Every clip has an audio track (see :func:`join_command`)."""
    if audio is None:
        return (["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"],
                ["-map", f"{index}:a:0", "-c:a", "aac", "-b:a", "64k"], "")  # fmt: skip
    args = (["-stream_loop", "-1"] if loop else []) + ["-i", str(audio)]
    return args, ["-map", "[aout]", "-c:a", "aac", "-b:a", "128k"], _audio_filter(index, total)


def _tail(fps: int, threads: int, total: float, out: Path, faststart: bool = True) -> list[str]:
    return [
        "-r", str(fps), "-threads", str(threads),
        *(["-movflags", "+faststart"] if faststart else []),
        "-t", f"{total:.3f}", "-progress", "pipe:1", "-nostats", str(out),
    ]  # fmt: skip


def _head() -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]


def single_command(
    parts: Sequence[Part],
    segments: Sequence[Segment],
    size: tuple[int, int],
    out: Path,
    *,
    fps: int,
    fade: int,
    audio: Path | None,
    total: float,
    threads: int = 0,
    loop: bool = False,
) -> list[str]:
    """One ffmpeg process: the whole clip in one filter graph, with audio, to MP4."""
    args, graph = video_graph(parts, segments, size, fps, fade)
    audio_args, audio_maps, audio_graph = audio_input(len(args) // 2, audio, total, loop=loop)
    if audio_graph:
        graph += ";" + audio_graph
    args += audio_args
    maps = ["-map", "[vout]", *audio_maps]
    return [
        *_head(),
        *args,
        "-filter_complex",
        graph,
        *maps,
        *X264,
        *_tail(fps, threads, total, out),
    ]


def chunk_command(
    parts: Sequence[Part],
    segments: Sequence[Segment],
    size: tuple[int, int],
    out: Path,
    *,
    fps: int,
    fade: int,
    threads: int = 0,
) -> list[str]:
    """One chunk of a long clip: video only, MPEG-TS (joins cleanly by stream copy)."""
    args, graph = video_graph(parts, segments, size, fps, fade)
    seconds = sum(p.frames(fade) for p in parts) / fps
    return [
        *_head(),
        *args,
        "-filter_complex",
        graph,
        "-map",
        "[vout]",
        *X264,
        "-f",
        "mpegts",
        *_tail(fps, threads, seconds, out, faststart=False),
    ]


def join_command(
    listing: Path, out: Path, *, audio: Path | None, total: float, fps: int, loop: bool = False
) -> list[str]:
    """Join chunk files (listed for the concat demuxer) by stream copy; add the audio.

    Every clip gets an audio track: the music, loudness-normalised and faded, or silence
    (players such as Telegram's show a clip without audio as a looping GIF, no controls).
    """
    args = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    audio_args, audio_maps, audio_graph = audio_input(1, audio, total, loop=loop)
    args += audio_args
    extra = ["-filter_complex", audio_graph] if audio_graph else []
    maps = ["-map", "0:v:0", "-c:v", "copy", *audio_maps]
    return [
        *_head(),
        *args,
        *extra,
        *maps,
        "-movflags",
        "+faststart",
        "-t",
        f"{total:.3f}",
        "-progress",
        "pipe:1",
        "-nostats",
        str(out),
    ]

"""Run every benchmark, one after the other: ``python -m bench [--quick] [NAME ...]``.

Each benchmark writes its own results under ``bench/results/``. ``--quick`` is passed to the
benchmarks that have a scaled-down mode (engine, render, stats, province, ops, crash,
resilience, cli); the others run their normal size. Names: engine, connectors, media, render,
stats, province, ui, ops, faults, crash, resilience, load, api-memory, cli, faq.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS: dict[str, tuple[str, bool]] = {
    # name: (module, accepts --quick)
    "engine": ("bench.engine_bench", True),
    "connectors": ("bench.connector_bench", False),
    "media": ("bench.media_bench", False),
    "render": ("bench.render_bench", True),
    "stats": ("bench.stats_bench", True),
    "province": ("bench.province_bench", True),
    "ui": ("bench.ui_bench", False),
    "ops": ("bench.ops_bench", True),
    "faults": ("bench.faults", False),
    "crash": ("bench.crash", True),
    "resilience": ("bench.resilience", True),
    "load": ("bench.load", False),
    "api-memory": ("bench.api_memory", False),
    "cli": ("bench.cli_bench", True),
    "faq": ("bench.faq_bench", False),
}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("-")] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    failed = []
    for name in names:
        module, has_quick = BENCHMARKS[name]
        cmd = [sys.executable, "-m", module] + (["--quick"] if quick and has_quick else [])
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(cmd).returncode
        print(f"== {name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

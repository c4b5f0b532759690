"""CLI start-up benchmark: ``publisher --help`` and ``publisher post list --json`` against the
``--help`` of a bare two-command Typer app. Run: ``.venv/bin/python -m bench.cli_bench
[--runs N] [--quick] [--baseline SRC]``.

Every case is a fresh process, timed wall-clock from start to exit (what a person or a
script waits for), with the bytecode caches written by a warm-up round (as an installed
package has them: ``PYTHONDONTWRITEBYTECODE`` is removed from the cases' environment).
The cases run interleaved, round after round, so that the machine's load falls on all of
them alike; the result is the median (and the minimum) per case. The CPU time each run used
(user + system, from ``getrusage``) is reported beside it: on a busy machine the wall times
stretch with the load, the CPU times far less, so their ratios are the steadier comparison
(the targets stay on wall time).

* ``bare --help``: a two-command Typer app written to a temporary file (the floor any Typer
  CLI pays: the interpreter, Typer, Rich's help rendering);
* ``publisher --help``: the console script;
* ``publisher post list --json``: on an empty SQLite data directory (a temporary
  ``PUBLISHER_DATA_DIR`` where ``publisher init`` ran first).

``--baseline SRC`` also times another source tree of the project (e.g. the commit before a
change, unpacked with ``git archive <commit> | tar -x -C SRC``) in the same rounds: what the
console script runs (``publisher.cli:main``), with ``PYTHONPATH=SRC``.

Targets (issue 15): ``--help`` within 2x of the bare app, ``post list`` within 4x.
Writes ``bench/results/cli.json`` and ``bench/results/cli.md``; the machine's load average is
recorded before and after the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]

HELP_TARGET = 2.0
LIST_TARGET = 4.0

BARE_APP = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    typer.echo(f"Hello {name}")


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""
    typer.echo(f"Bye {name}")


if __name__ == "__main__":
    app()
'''


#: What the ``publisher`` console script runs, for a source tree on ``PYTHONPATH``.
CONSOLE_SCRIPT = [
    sys.executable,
    "-c",
    "import sys; from publisher.cli import main; sys.argv[0] = 'publisher'; sys.exit(main())",
]


def _publisher_command() -> list[str]:
    """The installed console script next to this interpreter (``python -m publisher.cli``
    where it is missing)."""
    script = Path(sys.executable).with_name("publisher")
    return [str(script)] if script.exists() else [sys.executable, "-m", "publisher.cli"]


#: Left out of the cases' environment: with it the warm-up round writes no bytecode cache, and
#: every round compiles the project's own modules from source again (an installed package has
#: its ``.pyc`` files; an editable checkout writes them on its first run).
NO_BYTECODE = "PYTHONDONTWRITEBYTECODE"


def _env(data_dir: Path, src: Path | None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_") and k != NO_BYTECODE
    }
    env["PUBLISHER_DATA_DIR"] = str(data_dir)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``, in seconds."""
    cpu_before = _cpu_of_children()
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    cpu = _cpu_of_children() - cpu_before
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-500:]!r}")
    return elapsed, cpu


def _source(env: dict[str, str], cwd: Path) -> Path:
    """The source tree a case's ``publisher`` is imported from (``PYTHONPATH`` before the
    installed package: an editable install points elsewhere)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import publisher; print(publisher.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(probe.stdout.strip()).resolve().parents[1]


def _check_source(env: dict[str, str], cwd: Path, src: Path) -> None:
    """Make sure the baseline run really imports the baseline tree."""
    found = _source(env, cwd)
    if not found.is_relative_to(src.resolve()):
        raise SystemExit(f"baseline imports {found}, not {src}")


def run(runs: int, baseline: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as tmp_name:
        tmp = Path(tmp_name)
        bare = tmp / "bare_app.py"
        bare.write_text(BARE_APP)
        work = tmp / "cwd"
        work.mkdir()
        trees: dict[str, tuple[list[str], dict[str, str]]] = {
            "current": (_publisher_command(), _env(tmp / "data-current", None))
        }
        if baseline is not None:
            env = _env(tmp / "data-baseline", baseline)
            _check_source(env, work, baseline)
            trees["baseline"] = (CONSOLE_SCRIPT, env)
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare --help": ([sys.executable, str(bare), "--help"], _env(tmp / "unused", None))
        }
        sources = {tree: str(_source(env, work)) for tree, (_, env) in trees.items()}
        for tree, (cmd, env) in trees.items():
            # An empty, initialised SQLite data directory for `post list`.
            _run([*cmd, "init", "--json"], env, work)
            cases[f"{tree}: publisher --help"] = ([*cmd, "--help"], env)
            cases[f"{tree}: publisher post list --json"] = ([*cmd, "post", "list", "--json"], env)
        for cmd, env in cases.values():  # warm the file cache and the bytecode caches
            _run(cmd, env, work)
        load_before = os.getloadavg()
        times: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        names = list(cases)
        for i in range(runs):
            shift = i % len(names)  # rotate the order round by round
            for name in names[shift:] + names[:shift]:
                cmd, env = cases[name]
                wall, used = _run(cmd, env, work)
                times[name].append(wall)
                cpu[name].append(used)
        load_after = os.getloadavg()
    summary = {
        name: {
            "median_ms": round(statistics.median(ts) * 1000, 1),
            "min_ms": round(min(ts) * 1000, 1),
            "max_ms": round(max(ts) * 1000, 1),
            "cpu_median_ms": round(statistics.median(cpu[name]) * 1000, 1),
        }
        for name, ts in times.items()
    }
    bare_ms = summary["bare --help"]["median_ms"]
    ratios: dict[str, dict[str, float | bool]] = {}
    for tree in trees:
        help_ratio = summary[f"{tree}: publisher --help"]["median_ms"] / bare_ms
        list_ratio = summary[f"{tree}: publisher post list --json"]["median_ms"] / bare_ms
        ratios[tree] = {
            "help_ratio": round(help_ratio, 2),
            "help_met": help_ratio <= HELP_TARGET,
            "post_list_ratio": round(list_ratio, 2),
            "post_list_met": list_ratio <= LIST_TARGET,
        }
    return {
        "runs": runs,
        "sources": sources,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "cases": summary,
        "ratios": ratios,
        "samples_ms": {name: [round(t * 1000, 1) for t in ts] for name, ts in times.items()},
    }


def write_results(data: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cli.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    r = data["results"]
    lines = [
        "# CLI start-up benchmark",
        "",
        f"Run {data['run_at']} on {data['machine']}; command `{data['command']}`.",
        "",
        f"{r['runs']} rounds, every case a fresh process per round, interleaved (the order "
        "rotates each round), after one warm-up round that also writes the bytecode caches "
        "(`PYTHONDONTWRITEBYTECODE` is left out of the cases' environment); wall time from "
        "start to exit (the targets), and the CPU time (user + system) the process used, "
        "which other processes on the machine disturb far less. Load average (1, 5, 15 min) "
        f"before the rounds {r['load_before']}, after {r['load_after']}.",
        "",
        "Source trees imported: "
        + ", ".join(
            f"{data.get('trees', {}).get(tree, tree)} `{src}`"
            for tree, src in r.get("sources", {}).items()
        )
        + ".",
        "",
        "| case | median | min | max | vs bare `--help` | CPU median | CPU vs bare |",
        "|---|---|---|---|---|---|---|",
    ]
    bare = r["cases"]["bare --help"]["median_ms"]
    bare_cpu = r["cases"]["bare --help"].get("cpu_median_ms")
    for name, c in r["cases"].items():
        ratio = c["median_ms"] / bare
        cpu_ms = c.get("cpu_median_ms")
        cpu_cells = (
            f"{cpu_ms:.0f} ms | {cpu_ms / bare_cpu:.2f}x" if cpu_ms and bare_cpu else "- | -"
        )
        tree, sep, rest = name.partition(": ")
        shown = f"{data.get('trees', {}).get(tree, tree)}: {rest}" if sep else name
        lines.append(
            f"| `{shown}` | {c['median_ms']:.0f} ms | {c['min_ms']:.0f} ms | "
            f"{c['max_ms']:.0f} ms | {ratio:.2f}x | {cpu_cells} |"
        )
    lines += ["", "| tree | `--help` (target <= 2x) | `post list --json` (target <= 4x) |"]
    lines.append("|---|---|---|")
    for tree, x in r["ratios"].items():
        label = data.get("trees", {}).get(tree, tree)
        help_met = "met" if x["help_met"] else "**not met**"
        list_met = "met" if x["post_list_met"] else "**not met**"
        lines.append(
            f"| {label} | {x['help_ratio']:.2f}x, {help_met} | "
            f"{x['post_list_ratio']:.2f}x, {list_met} |"
        )
    lines.append("")
    (RESULTS / "cli.md").write_text("\n".join(lines))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="Rounds (default 21).")
    parser.add_argument("--quick", action="store_true", help="7 rounds.")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="Another source tree to time beside."
    )
    parser.add_argument(
        "--baseline-label", default="baseline", help="How the results name the baseline."
    )
    parser.add_argument(
        "--current-label", default="current", help="How the results name this tree."
    )
    args = parser.parse_args(argv)
    runs = 7 if args.quick else args.runs
    results = run(runs, args.baseline)
    trees = {"current": args.current_label}
    if args.baseline is not None:
        trees["baseline"] = args.baseline_label
    data = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "command": " ".join([".venv/bin/python -m bench.cli_bench", *argv]),
        "trees": trees,
        "results": results,
    }
    write_results(data)
    print((RESULTS / "cli.md").read_text())
    current = results["ratios"]["current"]
    return 0 if current["help_met"] and current["post_list_met"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

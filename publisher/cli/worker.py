"""``publisher worker``: the long-running delivery process."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from publisher.cli.common import emit, fail, handle_errors
from publisher.i18n import t

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


@handle_errors
def worker(
    executor_only: Annotated[
        bool,
        typer.Option("--executor-only", help="Only execute deliveries; never run the scheduler."),
    ] = False,
    until_idle: Annotated[
        bool,
        typer.Option(
            "--until-idle",
            help="Exit 0 once nothing is in flight, nothing is due or awaiting "
            "retry within the next 60 s, and no render job is left.",
        ),
    ] = False,
    threads: Annotated[int, typer.Option("--threads", help="Executor threads.")] = 4,
    call_processes: Annotated[
        int | None,
        typer.Option(
            "--call-processes",
            help="Child processes that make the platform calls while this worker is busy "
            "(default: one per core, up to 4; none with --executor-only; 0: every call in "
            "this process).",
        ),
    ] = None,
    idle_window: Annotated[
        float,
        typer.Option("--idle-window", help="Seconds ahead that --until-idle looks for due work."),
    ] = 60.0,
    as_json: JsonOpt = False,
) -> None:
    """Publish due deliveries: scheduler (leader or standby) and executor threads."""
    from publisher.config import get_settings
    from publisher.engine.calls import MAX_CALL_PROCESSES, chosen_count
    from publisher.engine.worker import MAX_THREADS, Worker

    if not 1 <= threads <= MAX_THREADS:
        fail(t("error.threads_invalid", max=MAX_THREADS))
    call_processes = chosen_count(
        call_processes, get_settings().call_processes, executor_only=executor_only
    )
    if not 0 <= call_processes <= MAX_CALL_PROCESSES:
        fail(t("error.call_processes_invalid", max=MAX_CALL_PROCESSES))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    engine = Worker(threads=threads, executor_only=executor_only, call_processes=call_processes)
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if until_idle:
        engine.start()
        typer.echo(
            t(
                "engine.worker_started",
                worker=engine.worker_id,
                role=t(f"engine.role_{engine.role}"),
                threads=engine.threads,
            ),
            err=True,
        )
        streak = 0
        try:
            while not done.wait(0.2):
                streak = streak + 1 if engine.idle(idle_window) else 0
                if streak >= 2:
                    break
        finally:
            engine.stop()
        counts = dict(engine.results)
        renders = dict(engine.renders.results) if engine.renders is not None else {}
        data = {
            "worker": engine.worker_id,
            **{k: counts.get(k, 0) for k in ("sent", "failed", "unconfirmed", "pending")},
            "rendered": renders.get("done", 0),
            "render_failed": renders.get("failed", 0),
        }
        emit(
            data,
            as_json,
            lambda: t(
                "engine.worker_idle",
                seconds=int(idle_window),
                sent=counts.get("sent", 0),
                failed=counts.get("failed", 0),
                unconfirmed=counts.get("unconfirmed", 0),
                missed=counts.get("missed", 0),
                rendered=data["rendered"],
                render_failed=data["render_failed"],
            ),
        )
        return
    engine.start()
    typer.echo(
        t(
            "engine.worker_started",
            worker=engine.worker_id,
            role=t(f"engine.role_{engine.role}"),
            threads=engine.threads,
        ),
        err=True,
    )
    try:
        done.wait()
    finally:
        engine.stop()
        typer.echo(t("engine.worker_stopped", worker=engine.worker_id), err=True)

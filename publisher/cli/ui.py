"""``publisher ui`` (the web interface) and ``publisher demo`` (everything, one command).

``publisher demo`` with nothing configured: an SQLite database in the data dir, the demo
office (users printed once, sandbox channels, a lead-up plan with an infographic), the
sandbox emulators, the worker, the API when it exists, and the UI; Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import fail, handle_errors
from publisher.i18n import set_language, t

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
ROOT = UI_DIR.parent


def drop_stale_pages_dir(ui_dir: Path = UI_DIR) -> None:
    """Remove a ``ui/pages/`` left by an upgrade. The views lived there until Streamlit was
    found to serve any ``pages/`` folder beside ``app.py`` as its own multipage app (raw file
    names in a sidebar) to a fresh server's first request; they are in ``ui/views/`` now, but
    a checkout updated in place keeps the old folder's untracked ``__pycache__``. A folder
    with Python sources in it is someone's own: left alone."""
    stale = ui_dir / "pages"
    if stale.is_dir() and not any(stale.rglob("*.py")):
        shutil.rmtree(stale, ignore_errors=True)


def streamlit_command(port: int, host: str) -> list[str]:
    """The ``streamlit run`` command line (viewer toolbar, no telemetry, headless)."""
    drop_stale_pages_dir()
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(UI_DIR / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        "500",
    ]


def streamlit_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def register(app: typer.Typer) -> None:
    """Add ``ui`` and ``demo`` to ``app``."""
    app.command("ui")(ui)
    app.command("demo")(demo)


@handle_errors
def ui(
    port: Annotated[int, typer.Option("--port", help="HTTP port of the web interface.")] = 8501,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """Run the web interface (Streamlit) in the foreground."""
    from publisher.config import get_settings

    env = streamlit_env({"PUBLISHER_DATA_DIR": str(get_settings().data_dir.resolve())})
    typer.echo(t("ui.demo.url", url=f"http://{host}:{port}"))
    # Become Streamlit (exec) so that a service manager's SIGTERM reaches it directly.
    command = streamlit_command(port, host)
    os.chdir(UI_DIR)
    os.execve(command[0], command, env)  # noqa: S606


def _configure(data_dir: Path | None) -> Path:
    """Point the settings at ``data_dir`` and allow loopback webhooks (the sandbox)."""
    from publisher import db
    from publisher.config import get_settings
    from publisher.fsmodes import private_dir
    from publisher.security import load_secret

    if data_dir is not None:
        os.environ["PUBLISHER_DATA_DIR"] = str(data_dir.resolve())
    os.environ["PUBLISHER_ALLOW_PRIVATE_WEBHOOKS"] = "1"
    get_settings.cache_clear()
    load_secret.cache_clear()
    db.reset_engines()
    resolved = get_settings().data_dir.resolve()
    os.environ["PUBLISHER_DATA_DIR"] = str(resolved)
    private_dir(resolved)
    return resolved


def _wait_http(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _start_api(host: str, port: int) -> tuple[Any, threading.Thread]:
    """The API service (inbound events, tracked links, health, metrics) in a thread."""
    import uvicorn

    from publisher.api import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(), host=host, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="api", daemon=True)
    thread.start()
    return server, thread


def _print_credentials(admin: tuple[str, str | None], seeded: Any) -> None:
    rows = list(seeded.credentials)
    if not any(role == "admin" for _, role, _ in rows):
        rows.insert(0, (admin[0], "admin", admin[1]))
    typer.echo(t("ui.demo.accounts"))
    for username, role, password in rows:
        shown = password if password else t("ui.demo.password_unchanged")
        typer.echo(f"  {t('ui.role.' + role):<24} {username:<20} {shown}")
    if not all(p for _, _, p in rows):
        typer.echo(t("ui.demo.password_hint"))


@handle_errors
def demo(
    port: Annotated[int, typer.Option("--port", help="HTTP port of the web interface.")] = 8501,
    sandbox_port: Annotated[
        int,
        typer.Option("--sandbox-port", help="Port of the platform emulators (0: any free port)."),
    ] = 8765,
    api_port: Annotated[int, typer.Option("--api-port", help="Port of the API service.")] = 8780,
    smtp_port: Annotated[
        int,
        typer.Option(
            "--smtp-port",
            help="Loopback port of the sandbox's mail catcher (0: any free port).",
        ),
    ] = 0,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Where the database, media and sandbox records live."),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a web browser.")
    ] = False,
    reset_passwords: Annotated[
        bool,
        typer.Option("--reset-passwords", help="Give the demo users new passwords and print them."),
    ] = False,
    seed_only: Annotated[
        bool,
        typer.Option("--seed-only", help="Initialise and seed, print the accounts, start nothing."),
    ] = False,
) -> None:
    """Run the whole demo: database, demo data, sandbox, worker, API and web interface."""
    from connectors.sandbox import run_in_thread
    from publisher.config import get_settings
    from publisher.db import session_scope
    from publisher.services.operations import demo as demo_svc
    from publisher.services.operations import sandbox as sandbox_svc
    from publisher.services.operations.setup import initialise

    folder = _configure(data_dir)
    # Links in demo posts become tracked links served by the demo's own api service.
    os.environ.setdefault("PUBLISHER_PUBLIC_URL", f"http://{host}:{api_port}")
    set_language(get_settings().language)
    typer.echo(t("ui.demo.data_dir", path=str(folder)))
    init = initialise()
    try:
        sandbox = run_in_thread(host, sandbox_port, folder / "sandbox")
    except OSError as exc:
        fail(t("ui.demo.port_taken", port=sandbox_port, detail=str(exc)))
    stops: list[tuple[str, Any]] = [("sandbox", sandbox.stop)]
    # Email: the sandbox's mail catcher (loopback, no TLS, no login) is the SMTP server;
    # the «Hộp cát» page shows what it received. A PUBLISHER_SMTP_HOST set in the
    # environment wins (all of its settings then come from there too).
    from connectors.sandbox.mail import start as start_mail

    try:
        sandbox.mail = start_mail(sandbox.state, "127.0.0.1", smtp_port)
    except OSError as exc:
        sandbox.stop()
        fail(t("connectors.sandbox.smtp_taken", port=smtp_port, detail=str(exc)))
    if "PUBLISHER_SMTP_HOST" not in os.environ:
        os.environ.update(demo_svc.smtp_environment(sandbox.mail.host, sandbox.mail.port))
    # Notifications: the sandbox plays the notification bot; the demo people's private chats
    # with it are open (demo_svc.NOTIFY_CHATS), so the worker's direct messages arrive there.
    os.environ.setdefault("PUBLISHER_NOTIFY_TELEGRAM_TOKEN", "9000:sandbox-notify")
    os.environ.setdefault("PUBLISHER_NOTIFY_TELEGRAM_API", sandbox.url)
    os.environ.setdefault("PUBLISHER_UI_URL", f"http://{host}:{port}")
    # Bulletins: «Dịch vụ đọc của tỉnh» is the sandbox's text-to-speech emulator (a tone).
    from connectors.sandbox.grassroots import TTS_KEY

    os.environ.setdefault("PUBLISHER_TTS_URL", f"{sandbox.url.rstrip('/')}/tts/synthesize")
    os.environ.setdefault("PUBLISHER_TTS_KEY", TTS_KEY)
    get_settings.cache_clear()
    for username, chat in demo_svc.NOTIFY_CHATS.items():
        sandbox.state.accounts.tg_chats[chat] = {
            "id": int(chat),
            "type": "private",
            "first_name": username,
        }
    try:
        with session_scope() as session:
            seeded = demo_svc.seed(
                session, init.org_slug, sandbox.url, reset_passwords=reset_passwords
            )
        if seed_only:
            _print_credentials((init.admin_username or "admin", init.admin_password), seeded)
            return
        typer.echo(t("ui.demo.sandbox", url=sandbox.url))
        typer.echo(t("connectors.sandbox.smtp", address=sandbox.mail.address))
        if seeded.campaign:
            typer.echo(
                t(
                    "ui.demo.plan",
                    campaign=seeded.campaign,
                    date=seeded.campaign_date,
                    renders=seeded.renders_queued,
                )
            )
        import logging

        from publisher.engine.worker import Worker

        # The demo's console is for people: the scheduler's per-job lines are noise here.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        worker = Worker(threads=2, poll_interval=0.5).start()
        stops.append(("worker", lambda: worker.stop(timeout=15)))
        typer.echo(t("ui.demo.worker"))
        api_server, api_thread = _start_api(host, api_port)

        def _stop_api() -> None:
            api_server.should_exit = True
            api_thread.join(timeout=10)

        stops.append(("api", _stop_api))
        with session_scope() as session:  # for `publisher feeds` run from another terminal
            sandbox_svc.set_api_url(session, os.environ["PUBLISHER_PUBLIC_URL"])
        typer.echo(t("ui.demo.api", url=f"http://{host}:{api_port}"))
        env = streamlit_env({"PUBLISHER_SANDBOX_URL": sandbox.url})
        proc = subprocess.Popen(
            streamlit_command(port, host),
            cwd=UI_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        stops.append(("ui", lambda: _stop_process(proc)))
        url = f"http://{host}:{port}"
        if not _wait_http(f"{url}/_stcore/health", 90, proc):
            err = proc.stderr.read().decode(errors="replace")[-500:] if proc.stderr else ""
            fail(t("ui.demo.ui_failed", detail=err.strip()))
        typer.echo("")
        typer.echo(t("ui.demo.ready", url=url))
        _print_credentials((init.admin_username or "admin", init.admin_password), seeded)
        typer.echo(t("ui.demo.stop_hint"))
        sys.stdout.flush()
        if not no_browser:
            webbrowser.open(url)
        _wait_for_signal(proc)
    finally:
        for name, stop in reversed(stops):
            try:
                stop()
            except Exception as exc:
                typer.echo(f"{name}: {exc}", err=True)
        typer.echo(t("ui.demo.stopped"))


def _wait_for_signal(proc: subprocess.Popen[bytes]) -> None:
    """Block until Ctrl-C / SIGTERM, or until the UI process ends by itself."""
    import signal

    done = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not done.wait(0.5):
        if proc.poll() is not None:
            break


def _stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

"""``publisher sandbox``: run the local platform emulators in the foreground."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from publisher.cli.common import fail
from publisher.i18n import t


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to ``app``."""

    @app.command("sandbox")
    def sandbox(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
        port: int = typer.Option(8765, help="TCP port."),
        data_dir: Path | None = typer.Option(
            None, "--data-dir", help="Append every received request to sandbox-records.jsonl here."
        ),
        latency: float = typer.Option(0.0, help="Seconds added to every emulated answer."),
        smtp_port: int = typer.Option(
            8025, "--smtp-port", help="Loopback port of the mail catcher (SMTP, no TLS or login)."
        ),
        no_smtp: bool = typer.Option(False, "--no-smtp", help="Run no mail catcher."),
        sftp_port: int | None = typer.Option(
            None,
            "--sftp-port",
            help="Also run an SFTP drop for grassroots channels on this port (0: any free).",
        ),
    ) -> None:
        """Emulate the Graph API, the Telegram Bot API, a webhook receiver and an SMTP server
        (a mail catcher that keeps every message) locally."""
        from connectors.sandbox import serve

        up: dict[str, bool] = {"smtp": no_smtp, "sftp": sftp_port is None}

        def started(state: Any) -> None:
            up["smtp"] = True
            typer.echo(t("connectors.sandbox.started", url=f"http://{host}:{port}"))
            if state.smtp_address:
                typer.echo(t("connectors.sandbox.smtp", address=state.smtp_address))

        def sftp_started(server: Any) -> None:
            from connectors.sandbox.sftp import SANDBOX_FOLDER, SANDBOX_PASSWORD, SANDBOX_USER

            up["sftp"] = True
            typer.echo(
                t(
                    "connectors.sandbox.sftp_started",
                    url=server.url(SANDBOX_USER, SANDBOX_FOLDER),
                    host_key=server.fingerprint,
                    password=SANDBOX_PASSWORD,
                )
            )

        try:
            serve(
                host,
                port,
                data_dir,
                latency=latency,
                smtp_port=None if no_smtp else smtp_port,
                on_start=started,
                sftp_port=sftp_port,
                started=sftp_started,
            )
        except OSError as exc:
            # The mail catcher starts first, then the SFTP drop: the one not up is the one refused.
            if not up["smtp"]:
                fail(t("connectors.sandbox.smtp_taken", port=smtp_port, detail=str(exc)))
            fail(t("connectors.sandbox.sftp_taken", port=sftp_port, detail=str(exc)))

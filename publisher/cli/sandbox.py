"""``publisher sandbox``: run the local platform emulators in the foreground."""

from __future__ import annotations

from pathlib import Path

import typer

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
        sftp_port: int | None = typer.Option(
            None,
            "--sftp-port",
            help="Also run an SFTP drop for grassroots channels on this port (0: any free).",
        ),
    ) -> None:
        """Emulate the Graph API, the Telegram Bot API and a webhook receiver locally."""
        from typing import Any

        from connectors.sandbox import serve

        def sftp_started(server: Any) -> None:
            from connectors.sandbox.sftp import SANDBOX_FOLDER, SANDBOX_PASSWORD, SANDBOX_USER

            typer.echo(
                t(
                    "connectors.sandbox.sftp_started",
                    url=server.url(SANDBOX_USER, SANDBOX_FOLDER),
                    host_key=server.fingerprint,
                    password=SANDBOX_PASSWORD,
                )
            )

        typer.echo(t("connectors.sandbox.started", url=f"http://{host}:{port}"))
        serve(host, port, data_dir, latency=latency, sftp_port=sftp_port, started=sftp_started)

"""``publisher bot``: run a channel's FAQ bot in the foreground; talk to it in the sandbox."""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Annotated, Any

import typer

from publisher.cli.common import emit, fail, handle_errors
from publisher.i18n import t

bot_app = typer.Typer(help="The FAQ bot of a channel (docs/faq-bot.md).", no_args_is_help=True)
ChannelOpt = Annotated[str, typer.Option("--channel", help="Channel name or id.")]


def register(app: typer.Typer) -> None:
    app.add_typer(bot_app, name="bot")


@bot_app.command("run")
@handle_errors
def bot_run(
    channel: ChannelOpt,
    poll_timeout: Annotated[
        float, typer.Option("--poll-timeout", min=1, max=50, help="Long-poll seconds.")
    ] = 10.0,
) -> None:
    """Answer the channel's bot messages (long polling) until Ctrl-C or SIGTERM."""
    import logging

    from publisher.bots.telegram import TelegramBot, load_channel

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    target = load_channel(channel, require_enabled=False)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    typer.echo(t("faqbot.cli.running", channel=target.name), err=True)
    try:
        TelegramBot(target, poll_timeout=poll_timeout).run(stop)
    except Exception as exc:  # the Bot API refused the token or is unreachable
        from connectors.errors import ConnectorError

        detail = str(exc) if isinstance(exc, ConnectorError) else type(exc).__name__
        fail(t("error.faqbot_bot_api", channel=target.name, detail=detail))
    typer.echo(t("faqbot.cli.stopped", channel=target.name), err=True)


@bot_app.command("webhook")
@handle_errors
def bot_webhook(
    channel: ChannelOpt,
    url: Annotated[
        str | None,
        typer.Option("--url", help="The api's https URL ending in /bot/telegram/<channel>."),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Back to long polling.")] = False,
) -> None:
    """Tell Telegram to post the bot's updates to the api (setWebhook with the channel's
    bot_webhook_secret), or stop it with --off (deleteWebhook)."""
    import asyncio

    from publisher.bots.telegram import TelegramBot, load_channel

    target = load_channel(channel, require_enabled=False)
    if not off and not (url and target.webhook_secret):
        fail(t("error.faqbot_webhook_needs", channel=target.name))
    bot = TelegramBot(target)

    async def apply() -> None:
        client = await bot.start()
        try:
            if off:
                await client.delete_webhook()
            else:
                await client.set_webhook(
                    str(url),
                    secret_token=target.webhook_secret,
                    allowed_updates=["message", "callback_query"],
                )
        finally:
            await bot.close()

    try:
        asyncio.run(apply())
    except Exception as exc:  # the Bot API refused (not https, bad token) or is unreachable
        fail(t("error.faqbot_bot_api", channel=target.name, detail=type(exc).__name__ + f": {exc}"))
    typer.echo(t("faqbot.cli.webhook_off" if off else "faqbot.cli.webhook_on", channel=target.name))


@bot_app.command("chat")
@handle_errors
def bot_chat(
    channel: ChannelOpt,
    text: Annotated[str, typer.Argument(help="What the citizen writes.")],
    user_id: Annotated[int, typer.Option("--user-id", help="The citizen's Telegram id.")] = 501,
    name: Annotated[str, typer.Option("--name", help="The citizen's name.")] = "Công dân",
    wait: Annotated[float, typer.Option("--wait", min=1, max=120)] = 20.0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Sandbox only: write to the channel's bot as a citizen and print its answer.

    The channel's ``api_base_url`` must be the sandbox; the bot must be running (the
    worker, or ``publisher bot run``)."""
    import httpx

    from connectors.sandbox.client import SandboxClient
    from publisher.bots.telegram import load_channel

    if not text.strip():  # Telegram sends no empty message: the bot would never answer
        fail(t("error.faqbot_chat_empty"))
    target = load_channel(channel, require_enabled=False)
    url = str(target.config.settings.get("api_base_url") or "")
    token = str(target.config.credentials.get("bot_token") or "")
    client = SandboxClient(url, timeout=10)
    try:
        started = time.time()
        sent = client.citizen_says(token, text, user_id=user_id, name=name)
        deadline = time.monotonic() + wait
        answers: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not answers:
            time.sleep(0.2)
            rows = client.chat(int(sent["chat_id"]), since=started)["messages"]
            answers = [m for m in rows if m["side"] == "bot"]
    except (httpx.HTTPError, ValueError, KeyError):
        fail(t("error.faqbot_sandbox_unreachable", url=url or "-"))
    if not answers:
        fail(t("error.faqbot_no_answer", seconds=int(wait)))
    data = [
        {
            "message_id": m["message_id"],
            "text": m.get("text", ""),
            "buttons": [
                {"text": b["text"], "data": b.get("callback_data")}
                for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            ],
        }
        for m in answers
    ]

    def human() -> str:
        lines = [t("faqbot.cli.citizen", text=text)]
        for m in data:
            lines.append(t("faqbot.cli.bot", text=m["text"]))
            lines += [t("faqbot.cli.button", text=b["text"]) for b in m["buttons"]]
        return "\n".join(lines)

    emit(data, as_json, human)

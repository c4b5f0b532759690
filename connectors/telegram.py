"""Telegram channel connector (python-telegram-bot 22, async, driven from sync code).

An ``HTTPXRequest`` (its ``httpx.AsyncClient``) is bound to the event loop it first ran on;
reusing it across ``asyncio.run()`` calls fails with "Event loop is closed". So either each
call builds its own request and loop (no :class:`connectors.clients.ClientCache`: one-off
callers), or the calling thread keeps one loop and one request per timeout in its
``ClientCache`` and runs every call on that loop (the engine's executor threads). The
``Bot`` itself is a thin object made per call around the request, so a changed token or
Bot API address takes effect on the next call.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from connectors.base import (
    IMAGE,
    MB,
    ChannelConfig,
    CheckResult,
    Connector,
    MediaLimits,
    Metrics,
    OutgoingPost,
    Problem,
    PublishResult,
)
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
)
from connectors.settings import BOOL, POLL, PREVIEW_BUBBLE, SECRET, URL, Field

if TYPE_CHECKING:  # python-telegram-bot and httpx load with the first call to the platform
    from telegram import Bot, Message
    from telegram.request import HTTPXRequest

    from connectors.clients import ClientCache
    from connectors.telegram_dm import StartPoll

# PTB warns that retry_after will become a timedelta; opt in to the future behaviour.
os.environ.setdefault("PTB_TIMEDELTA", "1")

DEFAULT_API_URL = "https://api.telegram.org"
#: "<bot id>:<secret>" as issued by @BotFather (the secret part is 35 characters there).
TOKEN_FORMAT = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")
#: A public @username (5-32 letters, digits, underscores; a letter first) or a numeric id
#: (users positive, groups negative, channels and supergroups -100...). Use fullmatch.
CHAT_FORMAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}|-?[1-9][0-9]{0,15}")
T = TypeVar("T")


class TelegramConnector(Connector):
    """Telegram channel: settings ``chat_id`` (``@username`` or ``-100…``), optional
    ``api_base_url`` (self-hosted Bot API server); credential ``bot_token``.

    Captions over 1024 characters are split: the media goes first without a caption and the
    text follows as a separate message (``caption_split`` notice).
    """

    kind: ClassVar[str] = "telegram"
    platform: ClassVar[str] = "Telegram"
    text_max: ClassVar[int] = 4096
    caption_max: ClassVar[int] = 1024
    max_media: ClassVar[int] = 10
    mixed_media: ClassVar[bool] = True
    image_max_bytes: ClassVar[int] = 10 * MB
    video_max_bytes: ClassVar[int] = 50 * MB
    #: Upload limit through a self-hosted Bot API server.
    local_api_max_bytes: ClassVar[int] = 2000 * MB
    rate_per_second: ClassVar[float] = 1.0
    rate_burst: ClassVar[int] = 1
    max_concurrency: ClassVar[int] = 1
    call_timeout: ClassVar[float] = 20.0
    can_reconcile: ClassVar[bool] = False  # bots cannot read channel history
    fields: ClassVar[tuple[Field, ...]] = (
        Field(
            "chat_id",
            required=True,
            pattern=CHAT_FORMAT.pattern,
            problem="invalid_chat_id",
            message="chat id must be @username or a number",
            cli="chat-id",
        ),
        Field("api_base_url", URL, cli="api-base-url", clearable=True),
        Field(
            "bot_token",
            SECRET,
            required=True,
            pattern=TOKEN_FORMAT.pattern,
            problem="invalid_token",
            message="the bot token must look like 123456:ABC…",
            cli="token",
            cli_help="bot token",
        ),
        # The FAQ bot (publisher/engine/faqbot.py): the worker runs it for channels with it on.
        Field(
            "faq_bot",
            BOOL,
            default="false",
            cli="faq-bot",
            cli_help="answer citizens' messages from the knowledge base (the FAQ bot)",
        ),
        Field(
            "bot_webhook_secret",
            SECRET,
            pattern=r"[A-Za-z0-9_-]{1,256}",
            problem="invalid_webhook_secret",
            message="the webhook secret token is 1-256 letters, digits, _ or -",
            cli="bot-webhook-secret",
            cli_help="secret token of the FAQ bot's webhook mode (api /bot/telegram/<channel>)",
        ),
    )
    #: About 30 messages per second per bot across all its chats.
    group_rate_per_second: ClassVar[float] = 30.0
    engagement: ClassVar[str] = POLL
    preview: ClassVar[str] = PREVIEW_BUBBLE
    error_table: ClassVar[str] = "connectors.telegram_errors"
    icon: ClassVar[str] = ":material/send:"
    card_size: ClassVar[tuple[int, int]] = (1080, 1080)
    link_source: ClassVar[str] = "telegram"
    #: Bots are given reaction totals only.
    never_counts: ClassVar[tuple[str, ...]] = ("views", "comments", "shares")
    can_edit: ClassVar[bool] = True

    @classmethod
    def rate_group(cls, config: ChannelConfig) -> str | None:
        """The bot (its id, the part of the token before the colon)."""
        bot = str(config.credentials.get("bot_token") or "").split(":", 1)[0]
        return f"tg:{bot}" if bot else None

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 30.0, clients: ClientCache | None = None
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        self.chat_id = str(config.settings.get("chat_id") or "").strip()
        self.api_url = str(config.settings.get("api_base_url") or DEFAULT_API_URL).rstrip("/")

    @classmethod
    def media_limits(cls, settings: Any = None) -> MediaLimits:
        """Upload limits; 2000 MB when the channel uses its own Bot API server."""
        if settings and settings.get("api_base_url"):
            big = cls.local_api_max_bytes
            return MediaLimits(
                image_max_bytes=big, video_max_bytes=big, video_max_seconds=cls.video_max_seconds
            )
        return super().media_limits(settings)

    def splits_long_captions(self, post: OutgoingPost) -> bool:
        return True

    @classmethod
    def text_length(cls, text: str) -> int:
        # Telegram measures in UTF-16 code units: an emoji outside the BMP counts twice.
        return len(text.encode("utf-16-le")) // 2

    def notices(self, post: OutgoingPost) -> list[Problem]:
        text = unicodedata.normalize("NFC", post.text or "")
        if post.media and self.caption_max < self.text_length(text) <= self.text_max:
            return [
                Problem(
                    "caption_split",
                    f"Channel {self.config.name!r}: caption over {self.caption_max} characters;"
                    " the media is sent first and the text follows as a separate message",
                    {"channel": self.config.name, "limit": self.caption_max},
                )
            ]
        return []

    # -- plumbing -----------------------------------------------------------------------------
    def _run(self, action: Callable[[Bot], Awaitable[T]]) -> T:
        """Run ``action`` with a Bot on this thread's kept loop and request (with a
        ClientCache) or on a fresh loop and request (without); map errors."""
        import asyncio

        from connectors.telegram_errors import classify

        try:
            if self.clients is None:
                return asyncio.run(self._once(action))
            loop = self.clients.loop()
            request = self.clients.get(
                ("telegram", self.timeout),
                self._new_request,
                # Evicted or closed (loop idle): shut down on the loop it belongs to.
                lambda kept: loop.run_until_complete(kept.shutdown()),
            )
            return loop.run_until_complete(self._call(request, action))
        except Exception as exc:
            if isinstance(exc.__cause__, ConnectorError):
                # The outbound guard's refusal (or DNS failure), wrapped by PTB in a
                # NetworkError("Unknown error in HTTP implementation"): keep our own error.
                raise self.failure(exc.__cause__, classify) from None
            raise self.failure(exc, classify) from None

    def chat_bot(self, *, poll_timeout: float, connections: int = 8) -> Bot:
        """A Bot for conversations (the FAQ bot): ``getUpdates``' long poll holds a
        connection of its own (read timeout ``poll_timeout`` + the call timeout) and replies
        share ``connections`` others, all through the outbound guard. The caller runs it on
        one event loop: ``async with bot: ...`` (initialises it with getMe, shuts it down)."""
        from telegram import Bot

        return Bot(
            str(self.config.credentials.get("bot_token") or ""),
            base_url=f"{self.api_url}/bot",
            base_file_url=f"{self.api_url}/file/bot",
            request=self._new_request(connections),
            get_updates_request=self._new_request(1, read_timeout=poll_timeout + self.timeout),
        )

    def _new_request(
        self, connections: int = 1, *, read_timeout: float | None = None
    ) -> HTTPXRequest:
        from http.cookiejar import CookieJar

        import httpx
        from telegram.request import HTTPXRequest

        from connectors import outbound, tls
        from connectors.clients import NO_COOKIES

        return HTTPXRequest(
            connect_timeout=min(5.0, self.timeout),
            read_timeout=read_timeout or self.timeout,
            write_timeout=self.timeout,
            media_write_timeout=max(self.timeout, 120.0),
            pool_timeout=self.timeout,
            connection_pool_size=connections,
            # One request serves every channel of a thread: no cookie passes between them.
            # Connections go to addresses the outbound guard judged (also after a redirect
            # or a changed DNS answer); a custom transport also means no environment proxy.
            httpx_kwargs={
                "transport": outbound.httpx_async_transport(
                    ssl_context=tls.client_context(),
                    limits=httpx.Limits(max_connections=connections),
                ),
                "cookies": CookieJar(NO_COOKIES),
            },
        )

    def _bot(self, request: HTTPXRequest) -> Bot:
        from telegram import Bot

        return Bot(
            str(self.config.credentials.get("bot_token") or ""),
            base_url=f"{self.api_url}/bot",
            base_file_url=f"{self.api_url}/file/bot",
            request=request,
            get_updates_request=request,
        )

    async def _call(self, request: HTTPXRequest, action: Callable[[Bot], Awaitable[T]]) -> T:
        # Initialise only the HTTP client (a no-op once done): Bot.initialize() would also
        # call getMe, one more round trip per post; an invalid token fails the send itself.
        await request.initialize()
        return await action(self._bot(request))

    async def _once(self, action: Callable[[Bot], Awaitable[T]]) -> T:
        request = self._new_request()
        try:
            return await self._call(request, action)
        finally:
            await request.shutdown()

    def _html(self, text: str) -> str:
        return html.escape(unicodedata.normalize("NFC", text), quote=False)

    # -- operations ---------------------------------------------------------------------------
    def publish(self, post: OutgoingPost) -> PublishResult:
        """Send text, a photo, a video or an album (2–10 items, caption on the first).

        Raises a :class:`ConnectorError` subclass (table in :mod:`connectors.telegram_errors`).
        """
        self.ensure_publishable(post)
        text = unicodedata.normalize("NFC", post.text or "")
        if post.link and post.link not in text:
            text = f"{text}\n\n{post.link}" if text else post.link
        messages = self._run(lambda bot: self._send(bot, post, text))
        first = messages[0]
        ids = [m.message_id for m in messages]
        return PublishResult(
            f"{self.chat_id}:{first.message_id}",
            _message_url(self.chat_id, first),
            {"message_ids": ids, "chat_id": first.chat_id},
        )

    async def _send(self, bot: Bot, post: OutgoingPost, text: str) -> list[Message]:
        from telegram import InputMediaPhoto, InputMediaVideo
        from telegram.constants import ParseMode
        from telegram.error import TelegramError

        chat = self.chat_id
        html_text = self._html(text)
        if not post.media:
            msg = await bot.send_message(chat, html_text, parse_mode=ParseMode.HTML)
            return [msg]
        split = self.text_length(text) > self.caption_max
        caption = None if split else html_text
        with ExitStack() as stack:
            files = [stack.enter_context(open(m.path, "rb")) for m in post.media]
            if len(post.media) == 1:
                item, fh = post.media[0], files[0]
                if item.kind == IMAGE:
                    sent = [
                        await bot.send_photo(chat, fh, caption=caption, parse_mode=ParseMode.HTML)
                    ]
                else:
                    sent = [
                        await bot.send_video(
                            chat,
                            fh,
                            caption=caption,
                            parse_mode=ParseMode.HTML,
                            supports_streaming=True,
                        )
                    ]
            else:
                group: list[InputMediaPhoto | InputMediaVideo] = []
                for i, (item, fh) in enumerate(zip(post.media, files, strict=True)):
                    kwargs: dict[str, Any] = {"filename": item.path.name}
                    if i == 0 and caption:
                        kwargs.update(caption=caption, parse_mode=ParseMode.HTML)
                    if item.kind == IMAGE:
                        group.append(InputMediaPhoto(fh, **kwargs))
                    else:
                        group.append(InputMediaVideo(fh, supports_streaming=True, **kwargs))
                sent = list(await bot.send_media_group(chat, group))
        if split:
            try:
                sent.append(await bot.send_message(chat, html_text, parse_mode=ParseMode.HTML))
            except TelegramError as exc:
                # The media is already public: a blind retry would post it twice, so this is
                # ambiguous (-> unconfirmed + alert), whatever the follow-up's own error was.
                raise AmbiguousError(
                    f"media sent (message {sent[0].message_id}) but the follow-up text "
                    f"failed: {exc}",
                    code="tg:partial",
                ) from exc
        return sent

    def poll_metrics(
        self, state: Mapping[str, Any], external_ids: Sequence[str]
    ) -> tuple[dict[str, Any], dict[str, Metrics]]:
        """Reaction totals from ``message_reaction_count`` updates (the bot must be an
        administrator of the channel); state: the update offset and the latest total per
        message. Views are never given to bots. Raises ConnectorError subclasses."""
        from connectors.telegram_reactions import fetch_reaction_counts

        counts: dict[str, int] = dict(state.get("counts") or {})
        offset = state.get("offset")
        poll = self._run(lambda bot: fetch_reaction_counts(bot, offset))
        for item in poll.counts:
            # Telegram sends the message's full current count: the newest one replaces older.
            counts[str(item.message_id)] = item.total
        out: dict[str, Metrics] = {}
        for external_id in external_ids:
            reactions = counts.get(external_id.rsplit(":", 1)[-1])
            unavailable = ["comments", "shares", "views"]
            if reactions is None:
                unavailable.insert(0, "reactions")
            out[external_id] = Metrics(reactions=reactions, unavailable=tuple(unavailable))
        return {"offset": poll.next_offset, "counts": counts}, out

    def poll_start_codes(self, offset: int | None = None) -> StartPoll:
        """Private ``/start <code>`` messages sent to the bot (account linking, see
        :mod:`connectors.telegram_dm`). Raises ConnectorError subclasses."""
        from connectors.telegram_dm import fetch_start_codes

        return self._run(lambda bot: fetch_start_codes(bot, offset))

    def editable(self, post: OutgoingPost) -> bool:
        """One message only: an album, or media whose text went into a second message, is
        several messages that cannot be edited or removed as one post."""
        if len(post.media) > 1:
            return False
        text = unicodedata.normalize("NFC", post.text or "")
        if post.link and post.link not in text:
            text = f"{text}\n\n{post.link}" if text else post.link
        return not post.media or self.text_length(text) <= self.caption_max

    def edit_published(self, external_id: str, text: str) -> None:
        """editMessageText, or editMessageCaption for a photo or video message (Telegram
        answers "there is no text in the message to edit"). Raises a ConnectorError (a
        deleted message: "message to edit not found", permanent)."""
        from telegram.constants import ParseMode
        from telegram.error import TelegramError

        chat, message_id = self._message_ref(external_id)
        html_text = self._html(text)

        async def edit(bot: Bot) -> None:
            try:
                await bot.edit_message_text(
                    html_text, chat_id=chat, message_id=message_id, parse_mode=ParseMode.HTML
                )
            except TelegramError as exc:
                if "no text in the message" not in str(exc):
                    raise
                await bot.edit_message_caption(
                    chat_id=chat, message_id=message_id, caption=html_text,
                    parse_mode=ParseMode.HTML,
                )  # fmt: skip

        self._run(edit)

    def delete_published(self, external_id: str) -> None:
        """deleteMessage. Raises a ConnectorError ("message to delete not found": permanent)."""
        chat, message_id = self._message_ref(external_id)
        self._run(lambda bot: bot.delete_message(chat, message_id))

    @staticmethod
    def _message_ref(external_id: str) -> tuple[str, int]:
        chat, _, message = external_id.rpartition(":")
        if not chat or not message.isdigit():
            raise PermanentError(f"not a message reference: {external_id}", code="tg:bad_ref")
        return chat, int(message)

    def check(self) -> CheckResult:
        """getMe with the token. Returns ``ok=False`` for a rejected token; raises
        Transient/Ambiguous/RateLimited errors when the answer is unknown."""
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, problems[0].message, error_kind=ConfigError.kind)
        try:
            me = self._run(lambda bot: bot.get_me())
        except (AuthError, PermanentError) as exc:
            return CheckResult(False, str(exc), error_kind=exc.kind)
        return CheckResult(True, f"bot @{me.username} ({me.id}) accepted")


def _message_url(chat_id: str, message: Message) -> str | None:
    username = message.chat.username or (chat_id[1:] if chat_id.startswith("@") else None)
    if username:
        return f"https://t.me/{username}/{message.message_id}"
    raw = str(message.chat_id)
    if raw.startswith("-100"):  # private channel: t.me/c/<id without -100>/<msg>
        return f"https://t.me/c/{raw[4:]}/{message.message_id}"
    return None

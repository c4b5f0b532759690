"""Configuration from the environment and an optional ``.env`` file (pydantic-settings)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting is read from ``PUBLISHER_<NAME>``; see ``.env.example``."""

    model_config = SettingsConfigDict(
        env_prefix="PUBLISHER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("./data"))
    database_url: str | None = None
    secret_key: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    #: The web interface runs behind a reverse proxy that appends the client's address to
    #: ``X-Forwarded-For``: login throttling uses that address (right-most entry). Leave off
    #: when browsers reach the interface directly (any client can write the header).
    ui_trust_forwarded_for: bool = False
    #: Deliveries that fell due while no worker ran are still published within this grace.
    missed_grace_seconds: int = 6 * 3600
    #: How long an executor may hold a delivery before the lease is considered dead.
    lease_seconds: int = 120
    #: Share of a worker's executor threads that one platform may hold (its bulkhead): a
    #: platform that hangs keeps the rest free for the others.
    platform_share: float = Field(default=0.5, gt=0, le=1)
    log_json: bool = False
    #: Child processes a worker runs its platform calls in (``publisher.engine.calls``):
    #: unset, one per core up to four (none on one core, none for ``--executor-only``
    #: processes); 0 runs every call in the worker.
    call_processes: int | None = Field(default=None, ge=0, le=16)
    #: Render executor threads per worker process (their own slots: never publishing's).
    render_slots: int = 1
    #: Queued render jobs one organisation may have at once.
    render_org_cap: int = 300
    #: How long a render executor may hold a job without reporting progress.
    render_lease_seconds: int = 180
    #: ``GET /health`` on the api shows its checks (channel names, worker hosts) only to a
    #: request with ``Authorization: Bearer <this>``; without it, only the overall status.
    health_token: SecretStr | None = None
    #: The api's public address (``PUBLISHER_PUBLIC_URL``): tracked links, the Zalo callback,
    #: feeds, public pages and embeds (read through ``services.publishing.links.public_url``).
    public_url: str | None = None
    #: Requests per second (and burst) one client address may make to ``POST /inbound/...``
    #: and to tracked links ``/l/...``; 429 with ``Retry-After`` beyond. 0 turns a limit off.
    api_inbound_rate: float = 200.0
    api_inbound_burst: int = 400
    api_link_rate: float = 20.0
    api_link_burst: int = 100
    #: The same for the public feeds, pages, embeds and their media (``/feeds/``, ``/p/``,
    #: ``/embed/``, ``/media/``), except for the addresses or networks in
    #: ``api_public_exempt`` (comma-separated; loopback by default: local tools and the
    #: benchmark; a proxy on the same host forwards its clients' addresses, see
    #: ``FORWARDED_ALLOW_IPS``).
    api_public_rate: float = 20.0
    api_public_burst: int = 100
    api_public_exempt: str = "127.0.0.0/8,::1"
    #: Audio bulletins (docs/bulletins.md): MP3 bitrate (kbit/s) and channels (1 mono, 2
    #: stereo) the loudspeaker systems take, the loudness target (EBU R128: -23 LUFS) and
    #: the longest bulletin or recording accepted, in seconds.
    bulletin_bitrate: int = 64
    bulletin_channels: int = 1
    bulletin_lufs: float = Field(default=-23.0, ge=-40, le=-5)
    bulletin_max_seconds: float = Field(default=900.0, gt=0)
    #: espeak-ng voice of the embedded default: vi (Northern), vi-vn-x-central, vi-vn-x-south.
    bulletin_espeak_voice: str = "vi"
    #: A province's contracted text-to-speech service (``--voice provider``): its URL, API
    #: key and how long one paragraph may take.
    tts_url: str | None = None
    tts_key: SecretStr | None = None
    tts_timeout: float = Field(default=30.0, gt=0)
    #: The web interface's address as people reach it: notifications link into it.
    ui_url: str = "http://127.0.0.1:8501"
    #: Notifications by email (SMTP). No host: no email. ``smtp_security``: starttls
    #: (port 587), ssl (implicit TLS, port 465) or none (a relay on the same host only).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = ""
    smtp_timeout: float = 20.0
    #: The bot that sends notifications as direct messages (people link their account by
    #: a one-time code); defaults to the alert bot (PUBLISHER_ALERT_TELEGRAM_TOKEN).
    notify_telegram_token: SecretStr | None = None
    notify_telegram_api: str = ""
    #: The notification bot's username (without @): the «Thông báo» page links to
    #: ``https://t.me/<it>?start=<code>``.
    notify_telegram_bot: str = ""
    #: FAQ bot: days a hand-over (chat id, name, question, reply) is kept before the worker
    #: deletes it.
    faq_retention_days: int = Field(default=30, ge=1)
    #: FAQ bot: messages one citizen may send per minute (and at once); more are dropped.
    faq_user_rate_per_minute: float = Field(default=6.0, gt=0)
    faq_user_burst: int = Field(default=3, ge=1)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'publisher.db').resolve()}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / "secret.key"

    def read_secret_key(self) -> str | None:
        """``PUBLISHER_SECRET_KEY``, else the key file's value, else None."""
        if self.secret_key:
            return self.secret_key
        path = self.secret_key_file
        if path.exists():
            return path.read_text(encoding="utf-8").strip() or None
        return None


@cache
def get_settings() -> Settings:
    """The process-wide settings (tests call ``get_settings.cache_clear()`` after env changes)."""
    return Settings()

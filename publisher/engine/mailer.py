"""Email through SMTP (stdlib ``smtplib``/``email``: a well-kept standard library does all of
it; nothing hand-written beyond choosing the TLS mode).

Settings: ``PUBLISHER_SMTP_HOST``, ``_PORT``, ``_SECURITY`` (starttls | ssl | none),
``_USER``, ``_PASSWORD`` (a secret: never logged, never in an error text), ``_FROM``,
``_TIMEOUT``. STARTTLS and SSL verify the server's certificate with the system's roots.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from publisher.config import Settings


class MailError(Exception):
    """Sending failed; ``retryable``: worth trying again later (the server or network was
    unavailable), else the message itself was refused."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str
    timeout: float
    #: The TLS context (tests trust their own certificate authority).
    context: ssl.SSLContext | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer | None:
        """The configured mailer, or None without ``PUBLISHER_SMTP_HOST``."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security.lower(),
            settings.smtp_user,
            password,
            settings.smtp_from or settings.smtp_user,
            settings.smtp_timeout,
        )

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr(("R57 Publisher", self.sender))
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(body, charset="utf-8")
        return msg

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text message. Raises MailError (without the password)."""
        msg = self.message(to, subject, body)
        context = self.context or ssl.create_default_context()
        try:
            if self.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=context)
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(msg)
        except smtplib.SMTPRecipientsRefused:
            raise MailError("recipient refused", retryable=False) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"authentication failed ({exc.smtp_code})", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"server said {exc.smtp_code}", retryable=exc.smtp_code < 500) from None
        except smtplib.SMTPNotSupportedError:
            raise MailError("the server lacks STARTTLS or AUTH", retryable=False) from None
        except ssl.SSLError as exc:
            raise MailError(f"TLS failed ({exc.reason})", retryable=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"server unavailable ({type(exc).__name__})", retryable=True) from None

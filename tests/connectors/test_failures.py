"""Every failure of every connector leaves scrubbed and in the right class.

Distinct planted credentials per channel kind are driven, with the real client libraries
over real sockets, through every way a call can fail — connection refused, a name that does
not resolve (``.invalid``: fails locally, no network), a TLS handshake against a plain-HTTP
server, a timeout, 4xx/5xx answers (JSON and HTML) that echo the request URL, its
``Authorization`` header and its credential fields — for ``check`` and ``publish``. The
error's text, ``repr`` and printed traceback must hold no form of any credential; failures
before the request reached the platform must be transient, never ``auth``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from connectors import failures
from connectors.base import ChannelConfig, CheckResult, Connector, OutgoingPost
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    PermanentError,
    TransientError,
)
from connectors.facebook import FacebookConnector
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from connectors.telegram import TelegramConnector
from connectors.webhook import WebhookConnector

from .conftest import closed_port_url

FB = "EAAPlantedFbPageTok3nZq9x7Wv"
TG = "7654321987:AAPlantedTgB0tTok3n_qZ7xWvPl-9a8b7c6d"
HOOK = "whsec planted/Hook+Secret=Q9&x"
PLANTED = {"facebook": FB, "telegram": TG, "webhook": HOOK}
DNS_FAILS = "http://publisher-planted.invalid"


def forms(secret: str) -> list[str]:
    out = [secret, quote(secret, safe=""), quote_plus(secret)]
    if ":" in secret:
        out.append(secret.split(":", 1)[1])
    return out


ALL_FORMS = [f for s in PLANTED.values() for f in forms(s)]


def leaks(text: str) -> list[str]:
    return [f for f in ALL_FORMS if f in text]


def make(kind: str, base: str, timeout: float = 5.0) -> Connector:
    if kind == "facebook":
        config = ChannelConfig(
            "facebook", "fb", {"page_id": "1001", "graph_url": base + "/"}, {"access_token": FB}
        )
        return FacebookConnector(config, timeout=timeout)
    if kind == "telegram":
        config = ChannelConfig(
            "telegram", "tg", {"chat_id": "@planted", "api_base_url": base}, {"bot_token": TG}
        )
        return TelegramConnector(config, timeout=timeout)
    config = ChannelConfig(
        "webhook", "hook", {"url": f"{base}/hooks/planted", "signature": "hmac"}, {"secret": HOOK}
    )
    return WebhookConnector(config, timeout=timeout)


@pytest.fixture
def planted(sb: SandboxClient) -> SandboxClient:
    sb.set_permissive(False)
    sb.add_facebook_page("1001", FB)
    sb.add_telegram_bot(TG)
    sb.add_telegram_chat("@planted")
    sb.add_hook("planted", HOOK, scheme="hmac")
    return sb


def outcome(call: Callable[[], Any]) -> tuple[str, ConnectorError | None, str]:
    """(everything a caller could print, the error if any, its kind or "ok"/"check")."""
    try:
        result = call()
    except ConnectorError as exc:
        printed = "".join(traceback.format_exception(exc))
        return f"{exc} {exc!r} {exc.message} {exc.code} {printed}", exc, exc.kind
    except Exception as exc:  # pragma: no cover - shown on failure
        pytest.fail(f"not our error: {type(exc).__name__}: {exc}")
    if isinstance(result, CheckResult):
        return f"{result.detail} {result!r}", None, result.error_kind or "ok"
    return repr(result), None, "ok"


KINDS = ("facebook", "telegram", "webhook")
NETWORK_PATHS = ("refused", "dns", "tls")


def base_url(path: str, sandbox: SandboxHandle) -> str:
    if path == "refused":
        return closed_port_url()
    if path == "dns":
        return DNS_FAILS
    if path == "tls":
        return sandbox.url.replace("http://", "https://")  # plain HTTP answers a ClientHello
    return sandbox.url


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", NETWORK_PATHS)
@pytest.mark.parametrize("operation", ["check", "publish"])
def test_network_failures_are_transient_and_scrubbed(
    planted: SandboxClient, sandbox: SandboxHandle, kind: str, path: str, operation: str
) -> None:
    connector = make(kind, base_url(path, sandbox))
    post = OutgoingPost("Tin thử", idempotency_key="k-1")
    call = connector.check if operation == "check" else lambda: connector.publish(post)
    text, error, error_kind = outcome(call)
    assert leaks(text) == [], text
    assert error_kind != "auth"
    if kind == "webhook" and operation == "check":
        # A webhook check does not connect; with private targets allowed (the sandbox is on
        # loopback) it does not resolve the name either.
        assert error_kind in ("ok", "transient"), text
        return
    assert isinstance(error, TransientError), text


#: (name, platform, fault spec, error classes accepted): every answer echoes the request.
ECHOES: list[tuple[str, str, dict[str, Any], tuple[type[ConnectorError], ...]]] = [
    ("fb-400-json", "facebook", {"code": 100, "status": 400}, (PermanentError,)),
    ("fb-401-json", "facebook", {"code": 190, "status": 401}, (AuthError,)),
    ("fb-500-json", "facebook", {"status": 500}, (AmbiguousError,)),
    ("fb-502-html", "facebook", {"status": 502, "plain": True}, (AmbiguousError,)),
    ("fb-403-html", "facebook", {"status": 403, "plain": True}, (AuthError,)),
    ("tg-400", "telegram", {"status": 400}, (PermanentError,)),
    ("tg-403", "telegram", {"status": 403}, (AuthError,)),
    ("tg-500", "telegram", {"status": 500}, (AmbiguousError,)),
    ("tg-502-html", "telegram", {"status": 502, "plain": True}, (AmbiguousError,)),
    ("hook-400", "webhook", {"status": 400}, (PermanentError,)),
    ("hook-401", "webhook", {"status": 401}, (AuthError,)),
    ("hook-500", "webhook", {"status": 500}, (AmbiguousError,)),
]


#: A webhook check sends nothing to the receiver: only its publish meets an answer.
ECHO_CASES = [
    pytest.param(*echo, operation, id=f"{operation}-{echo[0]}")
    for echo in ECHOES
    for operation in ("check", "publish")
    if not (echo[1] == "webhook" and operation == "check")
]


@pytest.mark.parametrize(("name", "kind", "spec", "expected", "operation"), ECHO_CASES)
def test_answers_echoing_the_request_are_scrubbed(
    planted: SandboxClient,
    sandbox: SandboxHandle,
    name: str,
    kind: str,
    spec: dict[str, Any],
    expected: tuple[type[ConnectorError], ...],
    operation: str,
) -> None:
    planted.add_fault(kind, "error", message="echo: {request}", times=None, **spec)
    connector = make(kind, sandbox.url)
    post = OutgoingPost("Tin thử", idempotency_key="k-1")
    call = connector.check if operation == "check" else lambda: connector.publish(post)
    text, error, error_kind = outcome(call)
    # The server did echo: the records show the credential reached the answer.
    answers = repr([r.get("response") for r in planted.records()])
    assert any(f in answers for f in forms(PLANTED[kind])) or spec.get("plain")
    assert leaks(text) == [], text
    if error is not None:
        assert isinstance(error, expected), text
    else:
        assert operation == "check" and error_kind in {c.kind for c in expected}, text


@pytest.mark.parametrize("kind", KINDS)
def test_timeouts_are_scrubbed(planted: SandboxClient, sandbox: SandboxHandle, kind: str) -> None:
    planted.add_fault(kind, "timeout", seconds=3, times=None)
    connector = make(kind, sandbox.url, timeout=0.5)
    text, error, _ = outcome(lambda: connector.publish(OutgoingPost("x", idempotency_key="k")))
    assert leaks(text) == [], text
    assert isinstance(error, AmbiguousError | TransientError), text


@pytest.mark.parametrize("kind", KINDS)
def test_dropped_connections_are_scrubbed(
    planted: SandboxClient, sandbox: SandboxHandle, kind: str
) -> None:
    planted.add_fault(kind, "drop", when="before", times=None)
    connector = make(kind, sandbox.url)
    text, error, _ = outcome(lambda: connector.publish(OutgoingPost("x", idempotency_key="k")))
    assert leaks(text) == [], text
    assert isinstance(error, AmbiguousError | TransientError), text


def test_facebook_reads_are_scrubbed(planted: SandboxClient) -> None:
    connector = make("facebook", DNS_FAILS)
    for call in (
        lambda: connector.fetch_metrics("1001_1"),
        lambda: connector.find_published(OutgoingPost("x")),
    ):
        text, error, _ = outcome(call)
        assert isinstance(error, TransientError) and leaks(text) == [], text


def test_a_webhook_url_with_a_token_in_its_query_is_scrubbed(planted: SandboxClient) -> None:
    config = ChannelConfig(
        "webhook",
        "hook",
        {"url": f"{DNS_FAILS}/in?token=abc123def456&x=1", "signature": "hmac"},
        {"secret": HOOK},
    )
    text, error, _ = outcome(
        lambda: WebhookConnector(config, timeout=2).publish(OutgoingPost("x", idempotency_key="k"))
    )
    assert isinstance(error, TransientError), text
    assert "abc123def456" not in text


# -- the scrubber itself -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dirty",
    [
        "GET /v23.0/me?fields=id&access_token=EAAunknownTok3n HTTP/1.1",
        "POST https://api.telegram.org/bot12345:AAunknown_bot-tok3n/sendMessage",
        "https://api.telegram.org/file/bot12345%3AAAunknown_bot-tok3n/x.jpg",
        "headers {'Authorization': 'Bearer EAAunknownTok3n'}",
        "Authorization: OAuth EAAunknownTok3n",
        "body: token=EAAunknownTok3n&x=1",
        "url=...%3Faccess_token%3DEAAunknownTok3n%26x",
        '{"secret_key": "EAAunknownTok3n"}',
        "appsecret_proof=EAAunknownTok3n",
        "client_secret=EAAunknownTok3n",
        "postgresql://user:EAAunknownTok3n@db/x",
        "bare 123456789:AAunknown_bot-tok3n_long_enough here",
    ],
)
def test_token_shapes_are_removed_without_knowing_the_token(dirty: str) -> None:
    clean = failures.scrub_text(dirty)
    assert "EAAunknownTok3n" not in clean and "AAunknown_bot-tok3n" not in clean, clean
    assert failures.SCRUBBED in clean


def test_known_values_are_removed_in_every_encoding() -> None:
    secret = "p@ss w/rd+Q9&x=é"
    text = " ".join(
        [secret, quote(secret, safe=""), quote_plus(secret), quote(secret), secret.encode().hex()]
    )
    clean = failures.scrub_text(text, [secret])
    for form in (secret, quote(secret, safe=""), quote_plus(secret), quote(secret)):
        assert form not in clean
    assert "Nothing secret here" == failures.scrub_text("Nothing secret here", [secret])


def test_translate_never_makes_a_network_failure_an_auth_error() -> None:
    import socket

    import requests

    dns = requests.ConnectionError("boom")
    dns.__context__ = socket.gaierror(-2, "Name or service not known")
    error = failures.translate(dns, lambda exc: AuthError(f"says auth: {exc}"), [])
    assert isinstance(error, TransientError) and error.code == "dns"
    refused = OSError("x")
    refused.__cause__ = ConnectionRefusedError(111, "refused")
    assert isinstance(
        failures.translate(refused, lambda exc: PermanentError("media?"), []), TransientError
    )
    # A table's own transient answer and a plain auth answer are kept.
    assert isinstance(failures.translate(ValueError(), lambda e: AuthError("401"), []), AuthError)

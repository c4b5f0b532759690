"""The sandbox HTTP server: routes, control endpoints, and ways to run it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.sandbox import botapi, botchat, graph, grassroots, hooks, reactions, zalo
from connectors.sandbox.faults import Fault
from connectors.sandbox.mail import MailServer
from connectors.sandbox.mail import start as start_mail
from connectors.sandbox.state import Hook, SandboxState, make_chat

Handler = Callable[[Request], Awaitable[Response]]


def create_app(state: SandboxState) -> Starlette:
    """The ASGI app over ``state`` (emulators first, Graph's catch-all route last)."""

    def bind(fn: Callable[[Request, SandboxState], Awaitable[Response]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            return await fn(request, state)

        return endpoint

    routes = [
        Route("/", bind(_index)),
        Route("/_sandbox/health", bind(_health)),
        Route("/_sandbox/records", bind(_records), methods=["GET", "DELETE"]),
        Route("/_sandbox/faults", bind(_faults), methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/faults/{fault_id:int}", bind(_fault_delete), methods=["DELETE"]),
        Route("/_sandbox/latency", bind(_latency), methods=["GET", "PUT", "POST"]),
        Route("/_sandbox/accounts", bind(_accounts), methods=["GET", "POST"]),
        Route("/_sandbox/metrics/{object_id}", bind(_metrics), methods=["POST", "PUT"]),
        Route("/_sandbox/reset", bind(_reset), methods=["POST"]),
        Route("/_sandbox/telegram/reactions", bind(reactions.add_reactions), methods=["POST"]),
        Route("/_sandbox/telegram/messages", bind(reactions.add_message), methods=["POST"]),
        Route("/_sandbox/telegram/citizen", bind(botchat.citizen), methods=["POST"]),
        Route("/_sandbox/telegram/chat", bind(botchat.chat), methods=["GET"]),
        Route("/bot{token}/getUpdates", bind(botchat.get_updates), methods=["GET", "POST"]),
        Route("/bot{token}/{method}", bind(botapi.handle), methods=["GET", "POST"]),
        Route("/hooks/{name}", bind(hooks.handle), methods=["POST"]),
        Route("/grassroots/{name}", bind(grassroots.upload), methods=["POST"]),
        Route("/tts/synthesize", bind(grassroots.synthesize), methods=["POST"]),
        Route("/_sandbox/zalo", bind(zalo.control), methods=["GET", "POST"]),
        Route("/zalo/oauth/v4/oa/permission", bind(zalo.permission), methods=["GET"]),
        Route("/zalo/oauth/v4/oa/access_token", bind(zalo.access_token), methods=["POST"]),
        Route("/zalo/openapi/{rest:path}", bind(zalo.openapi), methods=["GET", "POST"]),
        Route("/zalo/media/{attachment}", bind(zalo.media), methods=["GET"]),
        Route("/{version}/{rest:path}", bind(graph.handle), methods=["GET", "POST", "DELETE"]),
    ]
    return Starlette(routes=routes)


async def _index(request: Request, state: SandboxState) -> Response:
    return JSONResponse(
        {
            "sandbox": "r57-publisher platform emulators",
            "facebook": {"graph_url": str(request.base_url), "demo_token": "sandbox-fb-<page_id>"},
            "telegram": {
                "api_base_url": str(request.base_url).rstrip("/"),
                "demo_token": "<digits>:sandbox-<anything>",
                "demo_chats": "@sandbox… or -100…",
            },
            "webhook": {"url": f"{request.base_url}hooks/<name>", "demo_secret": "sandbox-secret"},
            "grassroots": {
                "url": f"{request.base_url}grassroots/<name>",
                "demo_secret": "sandbox-secret",
                "tts_url": f"{request.base_url}tts/synthesize",
                "tts_key": grassroots.TTS_KEY,
            },
            "email": {"smtp": state.smtp_address, "security": "none", "login": None},
            "zalo_oa": {
                "oauth_url": f"{request.base_url}zalo/oauth",
                "openapi_url": f"{request.base_url}zalo/openapi",
                "demo_access_token": "sandbox-zalo-<oa_id>",
                "demo_refresh_token": "sandbox-zalo-refresh-<oa_id>",
                "demo_app_secret": "sandbox-zalo-secret",
            },
            "control": [
                "/_sandbox/records",
                "/_sandbox/faults",
                "/_sandbox/latency",
                "/_sandbox/accounts",
                "/_sandbox/metrics/<id>",
                "/_sandbox/reset",
            ],
        }
    )


async def _health(request: Request, state: SandboxState) -> Response:
    return JSONResponse(
        {
            "ok": True,
            "records": len(state.records),
            "latency": state.latency,
            "smtp": state.smtp_address,
        }
    )


def _number(value: str | None, cast: Callable[[str], Any]) -> Any:
    return cast(value) if value not in (None, "") else None


async def _records(request: Request, state: SandboxState) -> Response:
    if request.method == "DELETE":
        with state.lock:
            state.records = []
        return JSONResponse({"ok": True})
    q = request.query_params
    try:
        rows = state.query(
            platform=q.get("platform") or None,
            since=_number(q.get("since"), int),
            after=_number(q.get("after"), float),
            account=q.get("account") or None,
            limit=_number(q.get("limit"), int),
            tail=_number(q.get("tail"), int),
        )
    except ValueError:
        return JSONResponse({"error": "since/after/limit must be numbers"}, status_code=400)
    last = rows[-1]["seq"] if rows else _number(q.get("since"), int) or 0
    return JSONResponse({"records": rows, "last_seq": last})


async def _faults(request: Request, state: SandboxState) -> Response:
    if request.method == "GET":
        return JSONResponse({"faults": state.faults.list()})
    if request.method == "DELETE":
        state.faults.clear()
        return JSONResponse({"ok": True})
    try:
        spec = await request.json()
        fault = state.faults.add(
            Fault(**{k: v for k, v in spec.items() if k not in ("id", "hits")})
        )
    except (TypeError, ValueError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(fault.to_dict(), status_code=201)


async def _fault_delete(request: Request, state: SandboxState) -> Response:
    found = state.faults.remove(request.path_params["fault_id"])
    return JSONResponse({"ok": found}, status_code=200 if found else 404)


async def _latency(request: Request, state: SandboxState) -> Response:
    if request.method != "GET":
        try:
            state.latency = max(0.0, float((await request.json())["seconds"]))
        except (KeyError, TypeError, ValueError):
            return JSONResponse({"error": 'body must be {"seconds": number}'}, status_code=400)
    return JSONResponse({"seconds": state.latency})


async def _accounts(request: Request, state: SandboxState) -> Response:
    """POST ``{"facebook": [{"page_id", "token", "name"}], "telegram": {"bots": [{"token",
    "bot_id"}], "chats": [{"chat_id", "title"}]}, "webhook": [{"name", "secret", "scheme",
    "app_id"}], "permissive": bool}`` — every part optional."""
    if request.method == "POST":
        try:
            spec = await request.json()
            _add_accounts(state, spec)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": f"bad accounts spec: {exc!r}"}, status_code=400)
    return JSONResponse(state.accounts.to_dict())


def _add_accounts(state: SandboxState, spec: dict[str, Any]) -> None:
    acc = state.accounts
    for page in spec.get("facebook") or []:
        acc.fb_tokens[str(page["token"])] = str(page["page_id"])
        acc.fb_pages[str(page["page_id"])] = str(page.get("name") or f"Page {page['page_id']}")
        if "expires_at" in page or "data_access_expires_at" in page:
            acc.fb_expiry[str(page["token"])] = (
                int(page.get("expires_at") or 0),
                int(page.get("data_access_expires_at") or 0),
            )
    tg = spec.get("telegram") or {}
    for bot in tg.get("bots") or []:
        token = str(bot["token"])
        acc.tg_bots[token] = int(bot.get("bot_id") or token.split(":", 1)[0])
    for chat in tg.get("chats") or []:
        chat_id = str(chat["chat_id"])
        acc.tg_chats[chat_id] = make_chat(chat_id, chat.get("title"))
    for hook in spec.get("webhook") or []:
        acc.hooks[str(hook["name"])] = Hook(
            str(hook["name"]), str(hook["secret"]), hook.get("scheme"), hook.get("app_id")
        )
    if "permissive" in spec:
        acc.permissive = bool(spec["permissive"])


async def _metrics(request: Request, state: SandboxState) -> Response:
    try:
        values = {k: int(v) for k, v in (await request.json()).items()}
    except (TypeError, ValueError, AttributeError):
        return JSONResponse({"error": "body must map counter names to integers"}, status_code=400)
    object_id = request.path_params["object_id"]
    with state.lock:
        post = state.fb_posts.get(object_id)
        key = post["id"] if post else object_id
        state.fb_metrics[key] = {**state.fb_metrics.get(key, {}), **values}
    return JSONResponse({"id": key, **state.fb_metrics[key]})


async def _reset(request: Request, state: SandboxState) -> Response:
    state.reset()
    return JSONResponse({"ok": True})


# -- running ------------------------------------------------------------------------------------
def _config(state: SandboxState) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(state),
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=4096,
        timeout_keep_alive=30,
        # Held "timeout" faults must not keep a stopping server alive for long.
        timeout_graceful_shutdown=1,
    )


@dataclass
class SandboxHandle:
    """A sandbox running in a background thread (tests, demo)."""

    url: str
    state: SandboxState
    server: uvicorn.Server
    thread: threading.Thread
    #: The mail catcher (``connectors.sandbox.mail``), when one was asked for.
    mail: MailServer | None = None
    #: The SFTP drop (:class:`connectors.sandbox.sftp.SftpServer`) when one was asked for.
    sftp: Any = None

    @property
    def client(self) -> Any:
        from connectors.sandbox.client import SandboxClient

        return SandboxClient(self.url)

    def stop(self) -> None:
        """Stop serving and close the records file; waits up to a few seconds."""
        if self.mail is not None:
            self.mail.stop()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self.sftp is not None:
            self.sftp.close()
        self.state.close()

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    data_dir: str | Path | None = None,
    *,
    latency: float = 0.0,
    smtp_port: int | None = None,
    smtp_host: str = "127.0.0.1",
    sftp_port: int | None = None,
) -> SandboxHandle:
    """Start the sandbox on ``host:port`` (0 = any free port) in a daemon thread, with the
    mail catcher on ``smtp_host:smtp_port`` (0: any free port; None: no SMTP) and, with
    ``sftp_port`` (0 = any free port), its SFTP drop (``handle.sftp``,
    :func:`connectors.sandbox.sftp.for_sandbox`).

    Returns once it accepts connections. Raises :class:`OSError` if a port is taken and
    :class:`RuntimeError` if it does not start within 10 s.
    """
    state = SandboxState(data_dir, latency=latency)
    mail_server = _start_mail(state, smtp_host, smtp_port)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        if mail_server is not None:
            mail_server.stop()
        raise
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(state))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("sandbox server did not start")
        time.sleep(0.01)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    handle = SandboxHandle(f"http://{shown}:{bound_port}", state, server, thread, mail_server)
    if sftp_port is not None:
        from connectors.sandbox.sftp import for_sandbox

        try:
            handle.sftp = for_sandbox(state.record, state.data_dir, host, sftp_port)
        except BaseException:
            handle.stop()
            raise
    return handle


def _start_mail(state: SandboxState, host: str, port: int | None) -> MailServer | None:
    if port is None:
        return None
    try:
        return start_mail(state, host, port)
    except OSError:
        state.close()
        raise


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    data_dir: str | Path | None = None,
    *,
    latency: float = 0.0,
    smtp_port: int | None = None,
    on_start: Callable[[SandboxState], None] | None = None,
    sftp_port: int | None = None,
    started: Callable[[Any], None] | None = None,
) -> None:
    """Run the sandbox in the foreground until interrupted (``publisher sandbox``), with
    the mail catcher on loopback port ``smtp_port`` unless it is None; ``on_start`` is
    called once the catcher listens (before the HTTP server starts). Raises
    :class:`OSError` if the SMTP port is taken. With ``sftp_port`` its SFTP drop too, given
    to ``started`` once it listens."""
    state = SandboxState(data_dir, latency=latency)
    mail_server = _start_mail(state, "127.0.0.1", smtp_port)
    if on_start is not None:
        on_start(state)
    config = _config(state)
    config.host, config.port = host, port
    sftp = None
    try:
        if sftp_port is not None:
            from connectors.sandbox.sftp import for_sandbox

            sftp = for_sandbox(state.record, state.data_dir, host, sftp_port)
            if started is not None:
                started(sftp)
        uvicorn.Server(config).run()
    finally:
        if sftp is not None:
            sftp.close()
        if mail_server is not None:
            mail_server.stop()
        state.close()

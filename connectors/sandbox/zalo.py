"""Zalo Official Account emulator: the OAuth v4 host and the Open API host.

Mounted on the sandbox under ``/zalo/oauth`` and ``/zalo/openapi`` (point a channel's
``oauth_url``/``openapi_url``, or ``PUBLISHER_ZALO_OAUTH_URL``/``PUBLISHER_ZALO_OPENAPI_URL``,
there). It follows the facts of PLATFORMS.md: answers ``{"error", "message", "data"}`` with
HTTP 200 and a negative ``error`` on failure; the access token in an ``access_token`` header;
token exchange and refresh form-encoded with a ``secret_key`` header, ``expires_in`` a
string; single-use authorization codes (10 min) and refresh tokens (rotated on every
refresh, a reused one is refused); articles processed in the background (create answers a
token, verify answers the id); broadcasts refused for unverified OAs (-221), at night
(-234, 22:00-06:00 Vietnam time) and beyond the package's quota (-211 monthly, -218 daily).

Faults: platform ``zalo``, ``account`` = the OA id, ``method`` = ``create``, ``verify``,
``getslice``, ``getdetail``, ``message``, ``getoa``, ``upload``, ``preparevideo``,
``videoverify``, ``access_token``; an ``error`` fault answers ``{"error": code}`` with HTTP
200 (or ``status``).

Demo accounts (permissive mode): access token ``sandbox-zalo-<oa_id>``, refresh token
``sandbox-zalo-refresh-<oa_id>[-anything]`` (single-use like real ones), app secret
``sandbox-zalo-secret`` for any app id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from connectors.sandbox.exchange import Outcome, exchange, file_info, image_size, is_mp4
from connectors.sandbox.faults import Fault
from connectors.sandbox.state import SandboxState

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_ACCESS = re.compile(r"^sandbox-zalo-(?P<oa>\d{1,20})(?:-[-\w]*)?$")
DEMO_REFRESH = re.compile(r"^sandbox-zalo-refresh-(?P<oa>\d{1,20})(?:-[-\w]*)?$")
DEMO_SECRET = "sandbox-zalo-secret"  # noqa: S105 - documented public demo value
ACCESS_TTL = 90000  # 25 h
REFRESH_TTL = 90 * 86400  # about 3 months
CODE_TTL = 600
IMAGE_MAX = 1024 * 1024
VIDEO_MAX = 50 * 1024 * 1024
PACKAGE_MONTHLY = {"basic": 1, "advanced": 4, "premium": 6}


@dataclass
class OA:
    oa_id: str
    name: str = ""
    is_verified: bool = True
    package: str = "premium"
    followers: int = 1200


@dataclass
class ZaloState:
    """Everything the Zalo emulator knows (guarded by ``SandboxState.lock``)."""

    apps: dict[str, str] = field(default_factory=dict)  # app id -> secret
    oas: dict[str, OA] = field(default_factory=dict)
    #: token -> (oa id, app id, expires at [emulated unix time])
    access: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    refresh: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    used_refresh: set[str] = field(default_factory=set)
    #: code -> (oa id, app id, challenge, redirect uri, expires at)
    codes: dict[str, tuple[str, str, str, str, float]] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> article
    tokens: dict[str, str] = field(default_factory=dict)  # create token -> article id
    pending: dict[str, int] = field(default_factory=dict)  # create token -> -214 left
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> video
    media: dict[str, bytes] = field(default_factory=dict)
    broadcasts: list[dict[str, Any]] = field(default_factory=list)
    #: Customer-service messages the OA sent to users (the FAQ bot's replies).
    cs_messages: list[dict[str, Any]] = field(default_factory=list)
    #: Verify answers -214 this many times for each new article (processing time).
    processing_polls: int = 0
    #: Seconds added to the real clock (tests move Zalo's time: token expiry, night block).
    offset: float = 0.0
    permissive: bool = True
    #: Whether ``upload/image`` also answers a ``url`` (the CDN URL official samples show).
    #: Off by default: the sources document only ``attachment_id`` (PLATFORMS.md).
    upload_url: bool = False

    def now(self) -> float:
        return time.time() + self.offset

    def oa(self, oa_id: str) -> OA:
        if oa_id not in self.oas:
            self.oas[oa_id] = OA(oa_id, f"OA {oa_id}")
        return self.oas[oa_id]

    def secret_of(self, app_id: str) -> str | None:
        if app_id in self.apps:
            return self.apps[app_id]
        return DEMO_SECRET if self.permissive else None

    def token_owner(self, token: str) -> tuple[str | None, int]:
        """(oa id, 0) for a live token; (None, -216) unknown; (oa id, -220) expired."""
        if token in self.access:
            oa_id, _app, expires = self.access[token]
            return (oa_id, 0) if expires > self.now() else (oa_id, -220)
        m = DEMO_ACCESS.match(token) if self.permissive else None
        if m:
            return m.group("oa"), 0
        return None, -216

    def issue(self, oa_id: str, app_id: str, *, demo: bool = False) -> dict[str, Any]:
        """A new pair. ``demo``: shaped like the demo patterns, so that a demo channel keeps
        working after the sandbox restarts (its memory of issued tokens is gone then)."""
        access = f"zat-{secrets.token_urlsafe(24)}"
        refresh = f"zrt-{secrets.token_urlsafe(24)}"
        if demo:
            tail = secrets.token_hex(8)
            access, refresh = f"sandbox-zalo-{oa_id}-{tail}", f"sandbox-zalo-refresh-{oa_id}-{tail}"
        now = self.now()
        self.access[access] = (oa_id, app_id, now + ACCESS_TTL)
        self.refresh[refresh] = (oa_id, app_id, now + REFRESH_TTL)
        return {"access_token": access, "refresh_token": refresh, "expires_in": str(ACCESS_TTL)}


def zstate(state: SandboxState) -> ZaloState:
    existing = getattr(state, "zalo", None)
    if existing is None:
        existing = ZaloState()
        state.zalo = existing  # type: ignore[attr-defined]
    return existing


def answer(code: int, message: str, data: Any = None, status: int = 200) -> Outcome:
    body: dict[str, Any] = {"error": code, "message": message}
    if data is not None:
        body["data"] = data
    return Outcome(status, body, accepted=code == 0)


def fault_answer(fault: Fault) -> Outcome:
    code = fault.code if fault.code is not None else -32
    if fault.code is None and (fault.status or 0) >= 500:
        return Outcome(fault.status or 502, "<html><body>Bad gateway</body></html>", False)
    out = answer(
        code, fault.message or f"Sandbox injected error {code}", status=fault.status or 200
    )
    if code == -32:
        out.headers = {"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "0"}
    return out


def _oauth_error(code: int, name: str, description: str) -> Outcome:
    body = {"error": code, "error_name": name, "error_description": description}
    return Outcome(200, body, accepted=False)


# -- OAuth host ----------------------------------------------------------------------------------
async def permission(request: Request, state: SandboxState) -> Response:
    """``GET /v4/oa/permission``: the OA admin "grants" at once; redirect with a code.
    ``oa_id`` (a sandbox-only parameter) chooses the OA; default 4242."""
    z = zstate(state)
    q = request.query_params
    app_id, redirect_uri = q.get("app_id", ""), q.get("redirect_uri", "")
    challenge, oa_id = q.get("code_challenge", ""), q.get("oa_id", "4242")
    if not app_id or not redirect_uri or not challenge:
        return JSONResponse({"error": -14003, "error_name": "Invalid parameter"})
    code = f"zcode-{secrets.token_urlsafe(16)}"
    with state.lock:
        z.codes[code] = (oa_id, app_id, challenge, redirect_uri, z.now() + CODE_TTL)
    query = urlencode({"code": code, "oa_id": oa_id, "state": q.get("state", "")})
    sep = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{sep}{query}", status_code=302)


async def access_token(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    z = zstate(state)
    form = dict((await request.form()).items())
    fields = {k: str(v) for k, v in form.items()}
    secret_key = request.headers.get("secret_key", "")
    app_id = fields.get("app_id", "")
    grant = fields.get("grant_type", "")
    account: str | None = None
    if grant == "refresh_token":
        owner = z.refresh.get(fields.get("refresh_token", ""))
        m = DEMO_REFRESH.match(fields.get("refresh_token", ""))
        account = owner[0] if owner else (m.group("oa") if m else None)

    def process() -> Outcome:
        with state.lock:
            return _token(z, fields, secret_key)

    return await exchange(
        request,
        state,
        platform="zalo",
        method="access_token",
        account=account,
        received_at=received_at,
        details={"fields": {"grant_type": grant, "app_id": app_id}},
        process=process,
        error_answer=fault_answer,
    )


def _token(z: ZaloState, fields: dict[str, str], secret_key: str) -> Outcome:
    app_id = fields.get("app_id", "")
    if not app_id or z.secret_of(app_id) != secret_key or "application/json" in secret_key:
        return _oauth_error(-14003, "Invalid parameter", "app_id or secret_key is invalid")
    grant = fields.get("grant_type")
    now = z.now()
    if grant == "authorization_code":
        code = fields.get("code", "")
        entry = z.codes.pop(code, None)  # single-use
        if entry is None:
            return _oauth_error(-14003, "Invalid parameter", "invalid authorization code")
        oa_id, code_app, challenge, _uri, expires = entry
        if expires < now:
            return _oauth_error(-14014, "Code expired", "authorization code has expired")
        verifier = fields.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if code_app != app_id or not hmac.compare_digest(expected, challenge):
            return _oauth_error(-14003, "Invalid parameter", "code_verifier does not match")
        return Outcome(200, z.issue(oa_id, app_id), published=False)
    if grant == "refresh_token":
        token = fields.get("refresh_token", "")
        if token in z.used_refresh:
            return _oauth_error(-14003, "Invalid parameter", "refresh token was already used")
        entry2 = z.refresh.get(token)
        m = DEMO_REFRESH.match(token) if z.permissive else None
        if entry2 is None and m is None:
            return _oauth_error(-14003, "Invalid parameter", "invalid refresh token")
        if entry2 is not None and entry2[2] < now:
            return _oauth_error(-14003, "Invalid parameter", "refresh token has expired")
        oa_id = entry2[0] if entry2 else (m.group("oa") if m else "")
        z.used_refresh.add(token)
        z.refresh.pop(token, None)
        return Outcome(200, z.issue(oa_id, app_id, demo=entry2 is None))
    return _oauth_error(-14003, "Invalid parameter", "grant_type is invalid")


# -- Open API host -------------------------------------------------------------------------------
ROUTES = {
    ("POST", "v2.0/article/create"): "create",
    ("POST", "v2.0/article/update"): "update",
    ("POST", "v2.0/article/verify"): "verify",
    ("POST", "v2.0/article/remove"): "remove",
    ("GET", "v2.0/article/getdetail"): "getdetail",
    ("GET", "v2.0/article/getslice"): "getslice",
    ("POST", "v2.0/article/upload_video/preparevideo"): "preparevideo",
    ("GET", "v2.0/article/upload_video/verify"): "videoverify",
    ("POST", "v2.0/oa/upload/image"): "upload",
    ("GET", "v2.0/oa/getoa"): "getoa",
    ("POST", "v2.0/oa/message"): "message",
    ("POST", "v3.0/oa/quota/message"): "quota",
    ("POST", "v3.0/oa/message/cs"): "cs",
}


async def openapi(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    z = zstate(state)
    path = request.path_params["rest"].strip("/")
    method = ROUTES.get((request.method, path), "unknown")
    token = request.headers.get("access_token", "")
    proof = request.headers.get("appsecret_proof", "")
    with state.lock:
        oa_id, token_error = z.token_owner(token)
    body: dict[str, Any] = {}
    uploads: dict[str, tuple[bytes, dict[str, Any]]] = {}
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form(max_files=2)
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads[key] = await file_info(value)
    elif request.method == "POST":
        try:
            parsed = await request.json()
            body = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            body = {}
    params = dict(request.query_params)
    details: dict[str, Any] = {
        "fields": _summary(body, params),
        "files": [info for _, info in uploads.values()],
        "text": _plain_text(body) if method == "create" else None,
    }

    # The cover is fetched (when on a local host) before the state is locked.
    cover = body.get("cover") if method in ("create", "update") else None
    cover_problem = (
        await _cover_refusal(str(cover.get("photo_url") or ""))
        if isinstance(cover, dict) and cover.get("cover_type") == "photo"
        else None
    )

    def process() -> Outcome:
        if method == "unknown":
            return answer(404, "Not found: wrong path")
        if token_error:
            text = "Access token is invalid" if token_error == -216 else "Access token expired"
            return answer(token_error, text)
        assert oa_id is not None
        if proof and not _proof_ok(z, token, proof):
            return answer(-216, "appsecret_proof is invalid")
        with state.lock:
            return _route(z, state, request, method, oa_id, body, params, uploads, cover_problem)

    return await exchange(
        request,
        state,
        platform="zalo",
        method=method,
        account=oa_id,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
        echo=f"access_token={token}" if token else "",
    )


def _proof_ok(z: ZaloState, token: str, proof: str) -> bool:
    owner = z.access.get(token)
    secret = z.secret_of(owner[1]) if owner else DEMO_SECRET
    if secret is None:
        return False
    expected = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, proof)


def _summary(body: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = dict(params)
    for key in ("type", "title", "author", "description", "tracking_link", "token", "id"):
        if key in body:
            out[key] = body[key]
    if "cover" in body:
        out["cover"] = body["cover"]
    if "recipient" in body:
        out["recipient"] = body["recipient"]
        try:
            element = body["message"]["attachment"]["payload"]["elements"][0]
            out["attachment_id"] = element.get("attachment_id")
        except (KeyError, IndexError, TypeError):
            pass
    return out


def _plain_text(body: dict[str, Any]) -> str:
    """The article's text as a reader sees it (paragraphs, HTML unescaped)."""
    parts: list[str] = []
    for block in body.get("body") or []:
        if isinstance(block, dict) and block.get("type") == "text":
            content = str(block.get("content") or "")
            paragraphs = re.findall(r"<p>(.*?)</p>", content, flags=re.S) or [content]
            parts += [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in paragraphs]
    if body.get("type") == "video" and not parts:
        parts.append(str(body.get("description") or ""))
    return "\n".join(parts)


def _route(
    z: ZaloState,
    state: SandboxState,
    request: Request,
    method: str,
    oa_id: str,
    body: dict[str, Any],
    params: dict[str, str],
    uploads: dict[str, tuple[bytes, dict[str, Any]]],
    cover_problem: str | None = None,
) -> Outcome:
    oa = z.oa(oa_id)
    if method == "getoa":
        return answer(
            0,
            "Success",
            {
                "oa_id": oa.oa_id,
                "name": oa.name,
                "description": "Sandbox Official Account",
                "is_verified": oa.is_verified,
                "oa_type": 4,
                "num_follower": oa.followers,
                "avatar": "",
                "cover": "",
                "package_name": oa.package,
            },
        )
    if method in ("create", "update"):
        return _create(
            z, state, oa_id, body, update=method == "update", cover_problem=cover_problem
        )
    if method == "verify":
        token = str(body.get("token") or "")
        if token not in z.tokens:
            return answer(-201, "token is invalid")
        if z.pending.get(token, 0) > 0:
            z.pending[token] -= 1
            return answer(-214, "Article is being processed")
        return answer(0, "Success", {"id": z.tokens[token]})
    if method == "getdetail":
        article = z.articles.get(params.get("id", ""))
        if article is None or article["oa_id"] != oa_id:
            return answer(-201, "article id is invalid")
        return answer(0, "Success", _public(article, detail=True))
    if method == "getslice":
        return _slice(z, oa_id, params)
    if method == "remove":
        article = z.articles.get(str(body.get("id") or ""))
        if article is None or article["oa_id"] != oa_id:
            return answer(-201, "article id is invalid")
        article["removed"] = True
        return answer(0, "Success", {})
    if method == "upload":
        return _upload_image(z, request, uploads)
    if method == "preparevideo":
        return _prepare_video(z, uploads)
    if method == "videoverify":
        token = params.get("token") or request.headers.get("token", "")
        video = z.videos.get(token)
        if video is None:
            return answer(-201, "token is invalid")
        return answer(0, "Success", {"video_id": video["video_id"], "status": 1})
    if method == "message":
        return _broadcast(z, state, oa, body)
    if method == "cs":
        return _cs_message(z, oa, body)
    if method == "quota":
        used = _month_count(z, oa_id)
        cap = PACKAGE_MONTHLY.get(oa.package, 1)
        return answer(0, "Success", {"total": cap, "remain": max(0, cap - used)})
    return answer(404, "Not found")


async def _cover_refusal(url: str) -> str | None:
    """Why Zalo would not take ``url`` as a cover: it must be a public HTTPS jpg/png of at
    most 1 MB (third-party publishers' practice, PLATFORMS.md). The emulator cannot reach the
    internet: a URL on a loopback or private host (the office's own server, the emulator) is
    fetched and checked, and may be plain HTTP; any other must be HTTPS (not fetched)."""
    import ipaddress
    from urllib.parse import urlsplit

    import httpx

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        local = (
            host == "localhost"
            or ipaddress.ip_address(host).is_private
            or (ipaddress.ip_address(host).is_loopback)
        )
    except ValueError:
        local = False
    if parts.scheme not in ("http", "https") or not host:
        return "cover.photo_url is invalid"
    if not local:
        return None if parts.scheme == "https" else "cover.photo_url must be https"
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            got = await client.get(url)
    except httpx.HTTPError:
        return "cover.photo_url cannot be fetched"
    data = got.content
    if got.status_code != 200:
        return "cover.photo_url cannot be fetched"
    if len(data) > IMAGE_MAX or not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
        return "cover.photo_url must be a jpg/png of at most 1 MB"
    return None


def _create(
    z: ZaloState,
    state: SandboxState,
    oa_id: str,
    body: dict[str, Any],
    *,
    update: bool,
    cover_problem: str | None = None,
) -> Outcome:
    kind = body.get("type")
    title = str(body.get("title") or "")
    if kind not in ("normal", "video"):
        return answer(-201, "type is invalid")
    if not title or len(title) > 150:
        return answer(-201, "title is invalid (1-150 characters)")
    if len(str(body.get("description") or "")) > 300:
        return answer(-201, "description is invalid (at most 300 characters)")
    if len(str(body.get("author") or "")) > 50:
        return answer(-201, "author is invalid (at most 50 characters)")
    if kind == "normal":
        if not isinstance(body.get("body"), list) or not body["body"]:
            return answer(-201, "body is invalid")
        cover = body.get("cover")
        if cover is not None:
            if not isinstance(cover, dict) or cover.get("cover_type") not in ("photo", "video"):
                return answer(-201, "cover is invalid")
            if cover["cover_type"] == "photo" and cover_problem:
                return answer(-201, cover_problem)
    elif str(body.get("video_id") or "") not in {v["video_id"] for v in z.videos.values()}:
        return answer(-201, "video_id is invalid")
    if update:
        article_id = str(body.get("id") or "")
        if article_id not in z.articles:
            return answer(-201, "article id is invalid")
    else:
        article_id = secrets.token_hex(16)
    token = secrets.token_hex(12)
    created = int(z.now() * 1000)
    z.articles[article_id] = {
        **body,
        "id": article_id,
        "oa_id": oa_id,
        "status": body.get("status") or "hide",
        "comment": body.get("comment") or "show",
        "create_date": z.articles.get(article_id, {}).get("create_date", created),
        "update_date": created,
        "total_view": z.articles.get(article_id, {}).get("total_view", 0),
        "total_share": z.articles.get(article_id, {}).get("total_share", 0),
        "link_view": f"https://sandbox.zalo.invalid/article/{article_id}",
    }
    z.tokens[token] = article_id
    z.pending[token] = z.processing_polls
    return Outcome(
        200,
        {"error": 0, "message": "Success", "data": {"token": token}},
        published=True,
        external_id=article_id,
    )


def _public(article: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    keys = ("id", "type", "title", "status", "total_view", "total_share", "create_date")
    out = {k: article.get(k) for k in keys}
    out["update_date"] = article.get("update_date")
    out["link_view"] = article.get("link_view")
    out["thumb"] = (article.get("cover") or {}).get("photo_url") or article.get("avatar") or ""
    if detail:
        for key in ("author", "description", "body", "cover", "comment", "tracking_link"):
            if key in article:
                out[key] = article[key]
        if article.get("type") == "video":
            out["video_id"] = article.get("video_id")
    return out


def _slice(z: ZaloState, oa_id: str, params: dict[str, str]) -> Outcome:
    try:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 5)
    except ValueError:
        return answer(-201, "offset/limit are invalid")
    if not 0 < limit <= 10 or offset < 0:
        return answer(-201, "limit must be 1-10")
    kind = params.get("type") or "normal"
    items = [
        a
        for a in z.articles.values()
        if a["oa_id"] == oa_id and a.get("type") == kind and not a.get("removed")
    ]
    items.sort(key=lambda a: (a["create_date"], a["id"]), reverse=True)
    page = [_public(a, detail=False) for a in items[offset : offset + limit]]
    return answer(0, "Success", {"medias": page, "total": len(items)})


def _upload_image(
    z: ZaloState, request: Request, uploads: dict[str, tuple[bytes, dict[str, Any]]]
) -> Outcome:
    if "file" not in uploads:
        return answer(-201, "file is missing")
    data, _info = uploads["file"]
    if len(data) > IMAGE_MAX:
        return answer(-201, "file is too large (at most 1 MB)")
    if image_size(data) is None:
        return answer(-201, "file is not an image")
    attachment = secrets.token_hex(12)
    z.media[attachment] = data
    answered: dict[str, Any] = {"attachment_id": attachment}
    if z.upload_url:  # the CDN URL of the official samples, only when asked for
        answered["url"] = f"{str(request.base_url).rstrip('/')}/zalo/media/{attachment}"
    return Outcome(200, {"error": 0, "message": "Success", "data": answered})


def _prepare_video(z: ZaloState, uploads: dict[str, tuple[bytes, dict[str, Any]]]) -> Outcome:
    if "file" not in uploads:
        return answer(-201, "file is missing")
    data, info = uploads["file"]
    if len(data) > VIDEO_MAX or not is_mp4(data):
        return answer(-201, "file must be an mp4/avi video of at most 50 MB")
    token = secrets.token_hex(12)
    z.videos[token] = {"video_id": secrets.token_hex(12), "sha256": info["sha256"]}
    return answer(0, "Success", {"token": token})


def _month_count(z: ZaloState, oa_id: str) -> int:
    now = datetime.fromtimestamp(z.now(), VN)
    return sum(
        1
        for b in z.broadcasts
        if b["oa_id"] == oa_id
        and (lambda d: (d.year, d.month) == (now.year, now.month))(
            datetime.fromtimestamp(b["at"], VN)
        )
    )


def _broadcast(z: ZaloState, state: SandboxState, oa: OA, body: dict[str, Any]) -> Outcome:
    try:
        target = body["recipient"]["target"]
        element = body["message"]["attachment"]["payload"]["elements"][0]
    except (KeyError, IndexError, TypeError):
        return answer(-201, "recipient or message is invalid")
    if not isinstance(target, dict):
        return answer(-201, "recipient.target is invalid")
    article = z.articles.get(str(element.get("attachment_id") or ""))
    if element.get("media_type") != "article" or article is None or article["oa_id"] != oa.oa_id:
        return answer(-201, "attachment_id is not an article of this OA")
    if not oa.is_verified:
        return answer(-221, "OA is not verified")
    now = datetime.fromtimestamp(z.now(), VN)
    if now.hour >= 22 or now.hour < 6:
        return answer(-234, "Promotional messages cannot be sent from 22:00 to 06:00")
    if _month_count(z, oa.oa_id) >= PACKAGE_MONTHLY.get(oa.package, 1):
        return answer(-211, "Out of quota")
    today = [
        b
        for b in z.broadcasts
        if b["oa_id"] == oa.oa_id and datetime.fromtimestamp(b["at"], VN).date() == now.date()
    ]
    if today:
        return answer(-218, "Follower's limit reached for today")
    message_id = secrets.token_hex(16)
    z.broadcasts.append(
        {
            "oa_id": oa.oa_id,
            "article_id": article["id"],
            "at": z.now(),
            "message_id": message_id,
            "target": target,
        }
    )
    return Outcome(
        200,
        {"error": 0, "message": "Success", "data": {"message_id": message_id}},
        published=True,
        external_id=message_id,
    )


def _cs_message(z: ZaloState, oa: OA, body: dict[str, Any]) -> Outcome:
    """A customer-service text message to one user (``/v3.0/oa/message/cs``)."""
    try:
        user_id = str(body["recipient"]["user_id"])
        text = body["message"]["text"]
    except (KeyError, TypeError):
        return answer(-201, "recipient.user_id or message.text is invalid")
    if not user_id.isdigit():
        return answer(-201, "user_id is invalid")
    if not isinstance(text, str) or not text.strip():
        return answer(-201, "message.text is empty")
    if len(text) > 2000:
        return answer(-201, "message.text is too long")
    message_id = secrets.token_hex(16)
    z.cs_messages.append(
        {
            "oa_id": oa.oa_id,
            "user_id": user_id,
            "text": text,
            "at": z.now(),
            "message_id": message_id,
        }
    )
    return Outcome(
        200,
        {"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}},
        external_id=message_id,
    )


async def media(request: Request, state: SandboxState) -> Response:
    data = zstate(state).media.get(request.path_params["attachment"])
    if data is None:
        return Response(status_code=404)
    return Response(data, media_type="image/jpeg")


async def control(request: Request, state: SandboxState) -> Response:
    """``POST /_sandbox/zalo``: ``{"apps": {id: secret}, "oas": [{"oa_id", "name",
    "is_verified", "package", "followers"}], "tokens": [{"oa_id", "app_id", "access_token",
    "refresh_token", "expires_in"}], "processing_polls": n, "advance": seconds,
    "permissive": bool, "upload_url": bool, "views": {article id: [views, shares]}}``; GET
    shows the state
    without tokens."""
    z = zstate(state)
    if request.method == "POST":
        try:
            spec = await request.json()
            with state.lock:
                _configure(z, spec)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": f"bad zalo spec: {exc!r}"}, status_code=400)
    with state.lock:
        return JSONResponse(
            {
                "now": z.now(),
                "oas": {k: vars(v) for k, v in z.oas.items()},
                "articles": [_public(a, detail=True) for a in z.articles.values()],
                "broadcasts": list(z.broadcasts),
                "cs_messages": list(z.cs_messages),
                "processing_polls": z.processing_polls,
                "permissive": z.permissive,
            }
        )


def _configure(z: ZaloState, spec: dict[str, Any]) -> None:
    # The clock first: tokens given in the same call live from the new "now".
    if "at" in spec:
        z.offset = float(spec["at"]) - time.time()
    if "advance" in spec:
        z.offset += float(spec["advance"])
    z.apps.update({str(k): str(v) for k, v in (spec.get("apps") or {}).items()})
    for oa in spec.get("oas") or []:
        current = z.oa(str(oa["oa_id"]))
        for key in ("name", "is_verified", "package", "followers"):
            if key in oa:
                setattr(current, key, oa[key])
    now = z.now()
    for tok in spec.get("tokens") or []:
        ttl = float(tok.get("expires_in") or ACCESS_TTL)
        oa_id, app_id = str(tok["oa_id"]), str(tok.get("app_id") or "")
        if tok.get("access_token"):
            z.access[str(tok["access_token"])] = (oa_id, app_id, now + ttl)
        if tok.get("refresh_token"):
            z.refresh[str(tok["refresh_token"])] = (oa_id, app_id, now + REFRESH_TTL)
    if "processing_polls" in spec:
        z.processing_polls = int(spec["processing_polls"])
    if "permissive" in spec:
        z.permissive = bool(spec["permissive"])
    if "upload_url" in spec:
        z.upload_url = bool(spec["upload_url"])
    for article_id, (views, shares) in (spec.get("views") or {}).items():
        z.articles[str(article_id)]["total_view"] = int(views)
        z.articles[str(article_id)]["total_share"] = int(shares)

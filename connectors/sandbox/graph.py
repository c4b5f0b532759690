"""Graph API emulator: page feed, photos, videos, objects with summaries, insights, /me."""

from __future__ import annotations

import json
import re
import time
import zlib
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from connectors.sandbox.exchange import Outcome, exchange, file_info, image_size, is_mp4
from connectors.sandbox.faults import Fault
from connectors.sandbox.state import SandboxState

VERSION = re.compile(r"^v\d+\.\d+$")
MESSAGE_MAX = 63206
PHOTO_MAX = 10 * 1024 * 1024
#: Insights metrics accepted today; retired ones fail the whole request with error 100.
INSIGHTS_OK = frozenset(
    {
        "post_media_view",
        "post_total_media_view_unique",
        "post_clicks",
        "post_reactions_by_type_total",
        "post_video_views",
    }
)
INSIGHTS_RETIRED = frozenset(
    {
        "post_impressions",
        "post_impressions_unique",
        "post_impressions_paid",
        "post_impressions_organic",
        "post_engaged_users",
        "page_impressions",
        "page_fans",
    }
)
OBJECT_FIELDS = frozenset(
    {
        "id",
        "message",
        "created_time",
        "permalink_url",
        "shares",
        "reactions",
        "comments",
        "story",
        "full_picture",
        "status_type",
        "is_published",
    }
)


def graph_error(
    code: int,
    message: str,
    *,
    status: int = 400,
    subcode: int | None = None,
    kind: str = "OAuthException",
    headers: dict[str, str] | None = None,
) -> Outcome:
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "SandboxTrace",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return Outcome(status, {"error": error}, accepted=False, headers=headers or {})


def fault_answer(fault: Fault) -> Outcome:
    """The Graph answer for an injected error (``code`` = Graph code, ``status`` = HTTP)."""
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(int(fault.retry_after))
        usage = {
            "sandbox": [
                {
                    "type": "pages",
                    "call_count": 100,
                    "estimated_time_to_regain_access": max(1, int(fault.retry_after // 60)),
                }
            ]
        }
        headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
    if fault.code is None and (fault.status or 500) >= 500:
        return Outcome(
            fault.status or 500,
            {
                "error": {
                    "message": fault.message or "Service unavailable",
                    "code": 2,
                    "is_transient": True,
                }
            },
            accepted=False,
            headers=headers,
        )
    code = fault.code if fault.code is not None else 100
    status = fault.status or (500 if code in (1, 2) else 400)
    return graph_error(
        code, fault.message or f"(#{code}) Sandbox injected error", status=status, headers=headers
    )


async def handle(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    version = request.path_params["version"]
    parts = [p for p in request.path_params["rest"].split("/") if p]
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadFile] = {}
    if request.method == "POST":
        form = await request.form(max_files=20, max_fields=200)
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                params[key] = value
    token = str(params.pop("access_token", "") or "")
    if not token and request.headers.get("authorization", "").lower().startswith("bearer "):
        token = request.headers["authorization"][7:].strip()
    method = _edge(request.method, parts)
    account = parts[0] if parts and parts[0] != "me" else state.accounts.fb_page_for(token)
    uploads: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for key, upload in files.items():
        uploads[key] = await file_info(upload)
    details = {
        "fields": {k: v for k, v in params.items() if k != "source"},
        "files": [info for _, info in uploads.values()],
        "text": params.get("message") or params.get("description"),
    }

    def process() -> Outcome:
        if not VERSION.match(version):
            return graph_error(2500, f"Unknown path components: /{version}", status=400)
        page = state.accounts.fb_page_for(token)
        if page is None:
            return graph_error(
                190, "Invalid OAuth access token - Cannot parse access token", status=401
            )
        return _route(state, request.method, parts, page, params, uploads)

    return await exchange(
        request,
        state,
        platform="facebook",
        method=method,
        account=account,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
        # Form fields are not in the URL; an echoing server still shows them.
        echo=f"access_token={token}" if request.method == "POST" and token else "",
    )


def _edge(http_method: str, parts: list[str]) -> str:
    if parts == ["me"]:
        return "me"
    if len(parts) == 2:
        return parts[1]
    return "object"


def _route(
    state: SandboxState,
    http_method: str,
    parts: list[str],
    page: str,
    params: dict[str, Any],
    uploads: dict[str, tuple[bytes, dict[str, Any]]],
) -> Outcome:
    if parts == ["me"]:
        return Outcome(200, {"id": page, "name": state.accounts.fb_page_name(page)})
    if len(parts) == 2 and parts[1] in ("feed", "photos", "videos"):
        if parts[0] != page:
            return graph_error(
                200,
                "(#200) The user hasn't authorized the application to perform this action",
                status=403,
            )
        if http_method == "GET" and parts[1] == "feed":
            return _list_feed(state, page, params)
        if http_method != "POST":
            return graph_error(100, "Unsupported request method", status=400)
        return {"feed": _post_feed, "photos": _post_photo, "videos": _post_video}[parts[1]](
            state, page, params, uploads
        )
    if parts == ["debug_token"] and http_method == "GET":
        return _debug_token(state, page, params)
    if len(parts) == 2 and parts[1] == "insights" and http_method == "GET":
        return _insights(state, page, parts[0], params)
    if len(parts) == 1 and http_method == "GET":
        return _object(state, page, parts[0], params)
    return graph_error(100, "Unsupported request: unknown path components", status=400)


def _debug_token(state: SandboxState, page: str, params: dict[str, Any]) -> Outcome:
    """``/debug_token?input_token=``: a Page token never expires (``expires_at`` 0) but its data
    access does (90 days), unless the account was registered with other ends."""
    token = str(params.get("input_token") or "")
    owner = state.accounts.fb_page_for(token)
    if owner is None:
        return Outcome(200, {"data": {"is_valid": False, "error": {"code": 190}}})
    ends = state.accounts.fb_expiry.get(token)
    expires, data_access = ends if ends else (0, int(time.time()) + 90 * 86400)
    data = {
        "app_id": "sandbox",
        "type": "PAGE",
        "is_valid": True,
        "profile_id": owner,
        "expires_at": expires,
        "data_access_expires_at": data_access,
    }
    return Outcome(200, {"data": data})


def _new_post(state: SandboxState, page: str, message: str, kind: str, **extra: Any) -> dict:
    number = state.next_id()
    post_id = f"{page}_{number}"
    post = {
        "id": post_id,
        "page": page,
        "message": message,
        "kind": kind,
        "created": time.time(),
        "permalink_url": f"https://www.facebook.com/{page}/posts/{number}",
        **extra,
    }
    with state.lock:
        state.fb_posts[post_id] = post
        state.fb_feed.setdefault(page, []).append(post_id)
    return post


def _post_feed(
    state: SandboxState,
    page: str,
    params: dict[str, Any],
    uploads: dict[str, tuple[bytes, dict[str, Any]]],
) -> Outcome:
    message = str(params.get("message") or "")
    attached = _attached_media(params)
    if attached is None:
        return graph_error(100, "(#100) param attached_media must be an array of objects")
    if not message.strip() and not params.get("link") and not attached:
        return graph_error(100, "(#100) Missing message or attachment")
    if len(message) > MESSAGE_MAX:
        return graph_error(100, f"(#100) Message is over {MESSAGE_MAX} characters")
    with state.lock:
        for fbid in attached:
            if state.fb_unpublished.get(fbid) != page:
                return graph_error(
                    100, f"(#100) media_fbid {fbid} is not an unpublished photo of this page"
                )
        for fbid in attached:
            del state.fb_unpublished[fbid]
    post = _new_post(
        state,
        page,
        message,
        "photos" if attached else "status",
        link=params.get("link"),
        attached_media=attached,
    )
    return Outcome(
        200,
        {"id": post["id"]},
        external_id=post["id"],
        published=True,
        details={"attached_media": attached},
    )


def _attached_media(params: dict[str, Any]) -> list[str] | None:
    items: list[Any] = []
    if "attached_media" in params:
        try:
            items = json.loads(params["attached_media"])
        except ValueError:
            return None
        if not isinstance(items, list):
            return None
    else:
        indexed = sorted(k for k in params if k.startswith("attached_media["))
        try:
            items = [json.loads(params[k]) for k in indexed]
        except ValueError:
            return None
    ids: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("media_fbid"):
            return None
        ids.append(str(item["media_fbid"]))
    return ids


def _post_photo(
    state: SandboxState,
    page: str,
    params: dict[str, Any],
    uploads: dict[str, tuple[bytes, dict[str, Any]]],
) -> Outcome:
    if "source" not in uploads and not params.get("url"):
        return graph_error(324, "(#324) Requires upload file")
    if "source" in uploads:
        data, _ = uploads["source"]
        if len(data) > PHOTO_MAX:
            return graph_error(100, "(#100) The photo file is too large")
        if image_size(data) is None:
            return graph_error(324, "(#324) Missing or invalid image file")
    photo_id = str(state.next_id())
    if str(params.get("published", "true")).lower() == "false":
        with state.lock:
            state.fb_unpublished[photo_id] = page
        return Outcome(200, {"id": photo_id}, external_id=photo_id, details={"unpublished": True})
    post = _new_post(state, page, str(params.get("message") or ""), "photo", photo_id=photo_id)
    with state.lock:
        state.fb_posts[photo_id] = post
    return Outcome(
        200, {"id": photo_id, "post_id": post["id"]}, external_id=post["id"], published=True
    )


def _post_video(
    state: SandboxState,
    page: str,
    params: dict[str, Any],
    uploads: dict[str, tuple[bytes, dict[str, Any]]],
) -> Outcome:
    if "source" not in uploads and not params.get("file_url"):
        return graph_error(390, "(#390) There was a problem uploading your video file")
    if "source" in uploads and not is_mp4(uploads["source"][0]):
        return graph_error(
            352, "(#352) Sorry, the video file you selected is in a format that we don't support."
        )
    post = _new_post(state, page, str(params.get("description") or ""), "video")
    video_id = post["id"].split("_", 1)[1]
    with state.lock:
        state.fb_posts[video_id] = post
    return Outcome(200, {"id": video_id}, external_id=video_id, published=True)


def _list_feed(state: SandboxState, page: str, params: dict[str, Any]) -> Outcome:
    fields = _fields(params.get("fields") or "id,message,created_time")
    limit = min(int(params.get("limit") or 25), 100)
    with state.lock:
        ids = list(reversed(state.fb_feed.get(page, [])))[:limit]
        posts = [state.fb_posts[i] for i in ids]
    data = [_render(state, post, fields) for post in posts]
    return Outcome(200, {"data": data, "paging": {}})


def _find(state: SandboxState, page: str, object_id: str) -> dict[str, Any] | None:
    with state.lock:
        post = state.fb_posts.get(object_id)
    return post if post is not None and post["page"] == page else None


def _object(state: SandboxState, page: str, object_id: str, params: dict[str, Any]) -> Outcome:
    post = _find(state, page, object_id)
    if post is None:
        return graph_error(
            100,
            f"Unsupported get request. Object with ID '{object_id}' does "
            "not exist, cannot be loaded due to missing permissions, or does "
            "not support this operation",
            subcode=33,
            kind="GraphMethodException",
        )
    fields = _fields(params.get("fields") or "id,message,created_time")
    unknown = [f for f in fields if f.split(".", 1)[0] not in OBJECT_FIELDS]
    if unknown:
        return graph_error(
            100, f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (Post)"
        )
    return Outcome(200, _render(state, post, fields))


def _fields(spec: str) -> list[str]:
    # Split on commas outside parentheses: "reactions.summary(total_count),comments..."
    return [f.strip() for f in re.split(r",(?![^(]*\))", spec) if f.strip()]


def counters(state: SandboxState, post: dict[str, Any]) -> dict[str, int]:
    """Engagement that grows with the post's age (deterministic) unless set by a test."""
    override = state.fb_metrics.get(post["id"])
    seed = zlib.crc32(post["id"].encode())
    minutes = max(0.0, (time.time() - post["created"]) / 60)
    reactions = seed % 7 + int(minutes * (1 + seed % 3))
    values = {
        "reactions": reactions,
        "comments": reactions // 4,
        "shares": reactions // 10,
        "views": reactions * 12 + seed % 50,
    }
    values.update(override or {})
    return values


def _render(state: SandboxState, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    counts = counters(state, post)
    out: dict[str, Any] = {}
    for spec in fields:
        name = spec.split(".", 1)[0]
        if name == "message" and post["message"]:
            out["message"] = post["message"]
        elif name == "created_time":
            out["created_time"] = datetime.fromtimestamp(post["created"], UTC).strftime(
                "%Y-%m-%dT%H:%M:%S+0000"
            )
        elif name == "permalink_url":
            out["permalink_url"] = post["permalink_url"]
        elif name == "shares" and counts["shares"]:
            out["shares"] = {"count": counts["shares"]}
        elif name == "reactions":
            out["reactions"] = {
                "data": [],
                "summary": {"total_count": counts["reactions"], "viewer_reaction": "NONE"},
            }
        elif name == "comments":
            out["comments"] = {
                "data": [],
                "summary": {
                    "order": "ranked",
                    "can_comment": True,
                    "total_count": counts["comments"],
                },
            }
        elif name == "is_published":
            out["is_published"] = True
    out["id"] = post["id"]
    return out


def _insights(state: SandboxState, page: str, object_id: str, params: dict[str, Any]) -> Outcome:
    post = _find(state, page, object_id)
    if post is None:
        return graph_error(100, f"Object with ID '{object_id}' does not exist", subcode=33)
    metrics = [m.strip() for m in str(params.get("metric") or "").split(",") if m.strip()]
    if not metrics:
        return graph_error(100, "(#100) The parameter metric is required")
    for name in metrics:
        if name not in INSIGHTS_OK:
            retired = " (retired: use post_media_view)" if name in INSIGHTS_RETIRED else ""
            return graph_error(100, f"(#100) The value must be a valid insights metric{retired}")
    counts = counters(state, post)
    data = [
        {
            "name": m,
            "period": "lifetime",
            "title": m,
            "id": f"{object_id}/insights/{m}/lifetime",
            "values": [{"value": counts["views"] if "view" in m else counts["reactions"]}],
        }
        for m in metrics
    ]
    return Outcome(200, {"data": data, "paging": {}})

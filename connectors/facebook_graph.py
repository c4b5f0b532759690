"""The Graph API client of the Facebook connector (facebook-sdk over requests).

Kept apart from :mod:`connectors.facebook` so that the connector class (its limits and its
settings schema) imports without the client libraries; this module loads with the first
call to the platform.
"""

from __future__ import annotations

import os
from typing import Any

import facebook
import requests

from connectors import outbound
from connectors.clients import NO_COOKIES
from connectors.facebook_errors import HttpStatusError


def new_session(base_url: str) -> requests.Session:
    """A session for one Graph server, with the environment read once, here.

    With ``trust_env`` (the default) requests scans every environment variable for proxy
    settings on each request: a large share of a publish's CPU. The same settings are taken
    now instead: the proxy ``HTTP(S)_PROXY``/``NO_PROXY`` give for this server, and the CA
    bundle of ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``. (``.netrc`` credentials, which
    requests would also look up, are not used: Graph takes the token as a parameter.) No
    cookie is stored or sent. Every connection goes through the outbound guard
    (:func:`connectors.outbound.requests_session`). Raises nothing.
    """
    session = outbound.requests_session()  # connects to judged addresses only (SSRF guard)
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.cookies.set_policy(NO_COOKIES)
    return session


class PageGraphAPI(facebook.GraphAPI):
    """GraphAPI with a per-instance base URL and access to the HTTP status.

    facebook-sdk reads its base URL from the module global ``facebook.FACEBOOK_GRAPH_URL`` on
    every call. The engine publishes from several threads to channels that may point at
    different servers (Graph, a sandbox, a test server), so assigning the global would make
    one thread's request go to another channel's server. Overriding :meth:`request` (which
    every SDK method goes through) with the instance's own ``base_url`` avoids the shared
    state entirely and, unlike a lock around the global, keeps threads concurrent.
    """

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str,
        version: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        super().__init__(
            access_token=access_token, timeout=timeout, session=session or new_session(base_url)
        )
        # The constructor only accepts 2.8-3.1; every method reads self.version.
        self.version = version
        self.base_url = base_url

    def request(
        self,
        path: str,
        args: dict[str, Any] | None = None,
        post_args: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        method: str | None = None,
    ) -> Any:
        """Same contract as the SDK's, against ``self.base_url``.

        Raises :class:`facebook.GraphAPIError` for a Graph error body, requests exceptions for
        transport failures, and :class:`HttpStatusError` for a non-JSON error response (a
        gateway's 5xx page), which the SDK would turn into a meaningless ``KeyError``.
        """
        args = dict(args or {})
        if post_args is not None:
            method = "POST"
            post_args = dict(post_args)
            post_args.setdefault("access_token", self.access_token)
        else:
            args.setdefault("access_token", self.access_token)
        response = self.session.request(
            method or "GET",
            self.base_url + path.lstrip("/"),
            timeout=self.timeout,
            params=args,
            data=post_args,
            files=files,
        )
        content_type = response.headers.get("content-type", "")
        if "json" not in content_type:
            raise HttpStatusError(response.status_code, response.text[:200], response.headers)
        result = response.json()
        if isinstance(result, dict) and result.get("error"):
            error = facebook.GraphAPIError(result)
            error.http_status = response.status_code  # type: ignore[attr-defined]
            error.headers = dict(response.headers)  # type: ignore[attr-defined]
            raise error
        if response.status_code >= 500:
            raise HttpStatusError(response.status_code, response.text[:200], response.headers)
        return result

"""Local emulators of the Graph API, the Telegram Bot API and a signed-webhook receiver.

One HTTP server (Starlette + uvicorn) speaks all three protocols so that the real client
libraries can be pointed at it; it records everything it receives and injects faults on
demand. Beside it, a mail catcher (:mod:`connectors.sandbox.mail`) takes SMTP messages and
records them the same way. Start it with ``publisher sandbox`` or, in tests,
:func:`run_in_thread`; drive it with :class:`connectors.sandbox.client.SandboxClient`.
"""

from __future__ import annotations

from connectors.sandbox.server import SandboxHandle, create_app, run_in_thread, serve
from connectors.sandbox.state import SandboxState

__all__ = ["SandboxHandle", "SandboxState", "create_app", "run_in_thread", "serve"]

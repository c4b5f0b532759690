"""The FAQ bot on the channels (issue 21): Telegram long polling and webhooks, Zalo OA.

* :mod:`publisher.bots.limits` — per-citizen token buckets (a flood is dropped, never queued).
* :mod:`publisher.bots.telegram` — one channel's Telegram bot: updates in, answers out.
* :mod:`publisher.bots.pool` — the bots of every channel with ``faq_bot`` on, in threads of
  the worker, and the retention job.

What the bot says is decided in :mod:`publisher.services.publishing.faq_bot`.
"""

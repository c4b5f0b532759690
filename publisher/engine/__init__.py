"""The delivery engine: claim due deliveries, publish them exactly once, on time.

Modules: :mod:`claim` (atomic claim with a lease), :mod:`policy` (error class -> next state,
backoff), :mod:`ratelimit` (token buckets applied when claiming), :mod:`outgoing` (the post
as a connector sees it), :mod:`executor` (one claimed delivery), :mod:`reconcile` (ambiguous
outcomes and expired leases), :mod:`missed` (due while no worker ran), :mod:`recurring`,
:mod:`leader` (the one scheduler), :mod:`scheduler` (APScheduler wake-ups and periodic jobs),
:mod:`worker` (the process) and :mod:`notify` (alerts to an admin Telegram chat).
"""

"""Fault matrix: every connector x every injected platform fault, run through the real engine.

Each case schedules one post on a channel of its own (so faults and receiver records never
mix between cases), injects one fault into the sandbox emulator, then claims and executes the
delivery with the real executor and the real client libraries over loopback HTTP, moving the
injected clock to each ``next_attempt_at`` until the delivery settles. For each case it
records the final state, what reached the receiver (published records), whether a
rate-limited wait was honoured exactly (nothing claimed one tick before ``retry_after``) and
what the user is told (the alert and the error label, in Vietnamese).

Run the report: ``.venv/bin/python -m bench.faults [--backend sqlite|postgres|both]``; results
go to ``bench/results/faults.json`` and ``faults.md``. ``tests/reliability/test_fault_matrix.py``
runs the same cases under pytest and asserts the expectations below.
"""

from __future__ import annotations

import argparse
import json
import platform as platform_mod
import time
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

RESULTS = Path(__file__).resolve().parent / "results"
CONNECTORS = ("facebook", "telegram", "webhook")
#: Client timeout of the executor in the matrix; injected timeouts hold the answer longer.
CLIENT_TIMEOUT_S = 1.0
HOLD_S = 2.5
RETRY_AFTER_S = 7
TERMINAL = {"sent", "failed", "unconfirmed", "missed", "cancelled"}


@dataclass(frozen=True)
class FaultCase:
    """One fault: a sandbox rule per platform (None = the platform has no such answer)."""

    name: str
    label: str
    rules: dict[str, dict[str, Any] | None]
    #: Final states accepted per platform (the exactly-once policy, docs/reliability.md).
    expect: dict[str, set[str]]
    #: The same text is already on the platform before this post (duplicate-post answers).
    preexisting: bool = False


def _same(rule: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    return {p: dict(rule) for p in CONNECTORS}


FAULTS: tuple[FaultCase, ...] = (
    FaultCase(
        "rate_limited",
        "429 with retry_after",
        {
            "facebook": {"action": "error", "code": 32, "retry_after": RETRY_AFTER_S},
            "telegram": {"action": "error", "status": 429, "retry_after": RETRY_AFTER_S},
            "webhook": {"action": "error", "status": 429, "retry_after": RETRY_AFTER_S},
        },
        {p: {"sent"} for p in CONNECTORS},
    ),
    FaultCase(
        "server_error",
        "5xx",
        _same({"action": "error", "status": 503}),
        # A Bot API 5xx may follow an accepted post and Telegram cannot be asked: a person
        # checks (never a blind re-send).
        {"facebook": {"sent"}, "telegram": {"unconfirmed", "sent"}, "webhook": {"sent"}},
    ),
    FaultCase(
        "timeout_before",
        "timeout before the platform accepted",
        _same({"action": "timeout", "when": "before", "seconds": HOLD_S}),
        {"facebook": {"sent"}, "telegram": {"unconfirmed"}, "webhook": {"sent"}},
    ),
    FaultCase(
        "timeout_after",
        "timeout after the platform accepted",
        _same({"action": "timeout", "when": "after", "seconds": HOLD_S}),
        {"facebook": {"sent"}, "telegram": {"unconfirmed"}, "webhook": {"sent"}},
    ),
    FaultCase(
        "drop_before",
        "connection dropped before acceptance",
        _same({"action": "drop", "when": "before"}),
        {"facebook": {"sent"}, "telegram": {"unconfirmed"}, "webhook": {"sent"}},
    ),
    FaultCase(
        "drop_after",
        "connection dropped after acceptance",
        _same({"action": "drop", "when": "after"}),
        {"facebook": {"sent"}, "telegram": {"unconfirmed"}, "webhook": {"sent"}},
    ),
    FaultCase(
        "slow",
        "slow response (under the client timeout)",
        _same({"action": "latency", "seconds": CLIENT_TIMEOUT_S / 2}),
        {p: {"sent"} for p in CONNECTORS},
    ),
    FaultCase(
        "bad_token",
        "invalid/expired token",
        {
            "facebook": {"action": "error", "code": 190},
            "telegram": {"action": "error", "status": 401},
            "webhook": {"action": "error", "status": 401},
        },
        {p: {"failed"} for p in CONNECTORS},
    ),
    FaultCase(
        "policy_block",
        "policy block / content refused",
        {
            "facebook": {"action": "error", "code": 368},
            "telegram": {
                "action": "error",
                "status": 400,
                "message": "Bad Request: not enough rights to send text messages to the chat",
            },
            "webhook": {"action": "error", "status": 451},
        },
        {p: {"failed"} for p in CONNECTORS},
    ),
    FaultCase(
        "duplicate",
        "duplicate-post response",
        {
            "facebook": {"action": "error", "code": 506},
            "telegram": None,  # the Bot API has no duplicate answer: every send is a new message
            "webhook": {"action": "error", "status": 409},
        },
        {"facebook": {"sent"}, "webhook": {"sent"}, "telegram": set()},
        preexisting=True,
    ),
)


@dataclass
class CaseResult:
    connector: str
    fault: str
    label: str
    applicable: bool = True
    final_state: str | None = None
    expected: list[str] = field(default_factory=list)
    ok: bool = False
    attempts: int = 0
    platform_requests: int = 0
    received: int = 0
    expected_received: int = 1
    duplicates: int = 0
    lost: int = 0
    retry_after_s: float | None = None
    waited_s: float | None = None
    retry_after_honoured: bool | None = None
    error_kind: str | None = None
    user_told_vi: list[str] = field(default_factory=list)
    channel_flagged: bool = False
    note: str = ""


# -- the environment: channels, scheduling, one engine pass ---------------------------------
def _channel_spec(kind: str, url: str, key: str) -> tuple[dict[str, Any], str]:
    """(channel spec, sandbox account) for a channel used by one case only."""
    if kind == "facebook":
        page = str(zlib.crc32(key.encode()) % 10**9 + 10**9)
        return {
            "kind": "facebook",
            "settings": {"page_id": page, "graph_url": url + "/"},
            "credentials": {"access_token": f"sandbox-fb-{page}"},
        }, page
    if kind == "telegram":
        chat = f"@sandbox_{key.replace('-', '_')}"
        return {
            "kind": "telegram",
            "settings": {"chat_id": chat, "api_base_url": url},
            "credentials": {"bot_token": "5757:sandbox-faults"},
        }, chat
    return {
        "kind": "webhook",
        "settings": {"url": f"{url}/hooks/{key}", "signature": "hmac"},
        "credentials": {"secret": "sandbox-secret"},
    }, key


def make_matrix_office(sandbox_url: str, slug: str = "fault-matrix") -> dict[str, str]:
    """An organisation with one channel per (connector, fault); returns name -> account."""
    from publisher.db import session_scope
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.accounts.actor import Actor
    from publisher.services.publishing import channels as channels_svc

    admin = Actor.system("bench:faults")
    accounts: dict[str, str] = {}
    with session_scope() as s:
        orgs_svc.create_org(s, admin, "Phòng thử lỗi", slug=slug)
        for case in FAULTS:
            for kind in CONNECTORS:
                name = f"{kind[:2]}-{case.name.replace('_', '-')}"
                spec, account = _channel_spec(kind, sandbox_url, name)
                channels_svc.add_channel(
                    s,
                    admin,
                    kind=kind,
                    name=name,
                    org=slug,
                    settings=spec["settings"],
                    credentials=spec["credentials"],
                )
                accounts[name] = account
    return accounts


def _schedule(text: str, channel: str) -> tuple[int, int]:
    from publisher.db import session_scope
    from publisher.models import Delivery
    from publisher.services.accounts.actor import Actor
    from publisher.services.publishing import posts as posts_svc
    from publisher.timeutil import utcnow

    admin = Actor.system("bench:faults")
    with session_scope() as s:
        post = posts_svc.compose(
            s, admin, posts_svc.PostInput(text=text, channels=[channel], due_at=utcnow())
        )
        assert post.id is not None
        posts_svc.approve(s, admin, post.id)
        d = s.exec(select(Delivery).where(Delivery.post_id == post.id)).one()
        assert d.id is not None
        return post.id, d.id


#: The call processes the platform calls go through (``--call-processes``), or None.
_CALLS: Any = None


def _engine_pass(owner: str, limiter: Any, clients: Any = None) -> dict[int, str]:
    from publisher.engine.claim import ChannelSpecs, claim_due
    from publisher.engine.executor import ExecContext, execute

    ctx = ExecContext(
        owner,
        limiter,
        lease_seconds=120,
        timeout=CLIENT_TIMEOUT_S,
        clients=clients,
        calls=_CALLS,
    )
    ids = claim_due(
        owner, limiter, ChannelSpecs(ttl=0), limit=10, lease_seconds=120, grace_seconds=6 * 3600
    )
    return {i: execute(i, ctx) for i in ids}


def _delivery(delivery_id: int) -> Any:
    from publisher.db import session_scope
    from publisher.models import Delivery

    with session_scope(readonly=True) as s:
        d = s.get(Delivery, delivery_id)
        assert d is not None
        s.expunge(d)
        return d


def _told(delivery: Any) -> tuple[list[str], bool]:
    """What a person sees: the alerts about this delivery and its error label (Vietnamese)."""
    from publisher.db import session_scope
    from publisher.i18n import t
    from publisher.models import Alert, Channel, ChannelHealth

    with session_scope(readonly=True) as s:
        alerts = s.exec(
            select(Alert).where(
                Alert.object_id == delivery.id, col(Alert.object_type) == "delivery"
            )
        ).all()
        told = [t(a.message_key, "vi", **a.params) for a in alerts]
        ch = s.get(Channel, delivery.channel_id)
        flagged = ch is not None and ch.health == ChannelHealth.FLAGGED
    if delivery.error_kind and delivery.status != "sent":
        told.append(t(f"ui.error_kind.{delivery.error_kind}", "vi"))
    return told, flagged


def run_case(
    case: FaultCase,
    kind: str,
    sandbox: Any,
    clock: Any,
    accounts: dict[str, str],
    clients: Any = None,
) -> CaseResult:
    """Run one (fault, connector) case to a settled state. Raises nothing on platform errors.

    ``clients`` (a :class:`connectors.clients.ClientCache`) are kept across passes and cases,
    as a worker's executor threads keep them."""
    from publisher.engine.ratelimit import RateLimiter

    res = CaseResult(kind, case.name, case.label, expected=sorted(case.expect[kind]))
    rule = case.rules[kind]
    if rule is None:
        res.applicable = False
        res.ok = True
        res.note = "the platform has no such answer"
        return res
    name = f"{kind[:2]}-{case.name.replace('_', '-')}"
    account = accounts[name]
    text = f"Ma trận lỗi {case.name} {kind} — Ngày Chuyển đổi số quốc gia 10/10"
    limiter = RateLimiter()
    owner = f"faults-{kind}-{case.name}"
    if case.preexisting:
        _schedule(text, name)  # the first copy, published normally
        _engine_pass(owner + "-seed", limiter, clients)
        res.expected_received = 1
    _, d_id = _schedule(text, name)
    seq0 = max((r["seq"] for r in sandbox.records(tail=1)), default=0)
    sandbox.add_fault(
        kind, rule["action"], account=account, **{k: v for k, v in rule.items() if k != "action"}
    )
    for _ in range(12):
        started = clock.now()
        done = _engine_pass(owner, limiter, clients)
        d = _delivery(d_id)
        if d.status in TERMINAL:
            break
        if d_id not in done or d.next_attempt_at is None:
            clock.advance(60)
            continue
        wait = (d.next_attempt_at - started).total_seconds()
        if d.error_kind == "rate_limited" and res.waited_s is None:
            res.retry_after_s = float(rule.get("retry_after") or 0)
            res.waited_s = round(wait, 3)
            clock.advance(max(0.0, wait - 0.1))
            early = _engine_pass(owner, limiter, clients)
            res.retry_after_honoured = early == {} and abs(wait - res.retry_after_s) < 1e-6
            clock.advance(0.1)
            continue
        clock.advance(max(wait, 0.001))
    d = _delivery(d_id)
    res.final_state = d.status
    res.attempts = d.attempts
    res.error_kind = d.error_kind
    res.user_told_vi, res.channel_flagged = _told(d)
    records = [r for r in sandbox.records(account=account, since=seq0)]
    res.platform_requests = sum(1 for r in records if r.get("method") not in ("me", "getMe"))
    res.received = sum(1 for r in sandbox.published(account=account) if r.get("text") == text)
    res.duplicates = max(0, res.received - res.expected_received)
    told = bool(res.user_told_vi)
    # Lost: nothing reached the platform and nobody was told; or "sent" with nothing there.
    res.lost = int(res.received == 0 and (d.status == "sent" or not told))
    res.ok = (
        d.status in case.expect[kind]
        and res.duplicates == 0
        and res.lost == 0
        and (res.retry_after_honoured is not False)
        and (d.status == "sent" or told)
    )
    return res


def run_matrix(sandbox_url: str, clock: Any) -> list[CaseResult]:
    """Every case; the database and the clock must already be the process's."""
    from connectors.clients import ClientCache
    from connectors.sandbox.client import SandboxClient

    sandbox = SandboxClient(sandbox_url)
    accounts = make_matrix_office(sandbox_url)
    # The worker's way: connections kept from one case to the next, faults included.
    clients = ClientCache()
    try:
        return [
            run_case(case, kind, sandbox, clock, accounts, clients)
            for case in FAULTS
            for kind in CONNECTORS
        ]
    finally:
        clients.close()


# -- the report -----------------------------------------------------------------------------
def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"# Fault matrix ({res['date']})",
        "",
        f"Machine: {res['machine']}. Command: `.venv/bin/python -m bench.faults"
        f"{' --call-processes ' + str(res['call_processes']) if res.get('call_processes') else ''}"
        "`. Real connectors and client libraries over loopback HTTP against the sandbox "
        "emulators"
        + (
            f", the calls made in {res['call_processes']} call process(es)"
            " (publisher/engine/calls.py)"
            if res.get("call_processes")
            else ", the calls made in the engine's own process"
        )
        + "; "
        f"client timeout {CLIENT_TIMEOUT_S} s, injected holds {HOLD_S} s, retry_after "
        f"{RETRY_AFTER_S} s.",
        "",
    ]
    for backend, rows in res["backends"].items():
        ok = sum(r["ok"] for r in rows if r["applicable"])
        n = sum(r["applicable"] for r in rows)
        lines += [
            f"## {backend}: {ok}/{n} cases as expected, "
            f"{sum(r['duplicates'] for r in rows)} duplicated, "
            f"{sum(r['lost'] for r in rows)} lost",
            "",
            "| fault | connector | final state | attempts | at receiver | dup | lost | "
            "retry_after honoured | user told (vi) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            if not r["applicable"]:
                lines.append(f"| {r['label']} | {r['connector']} | n/a ({r['note']}) | | | | | | |")
                continue
            honoured = (
                ""
                if r["retry_after_honoured"] is None
                else f"{'yes' if r['retry_after_honoured'] else 'NO'} "
                f"({r['waited_s']} s / {r['retry_after_s']} s)"
            )
            told = "; ".join(r["user_told_vi"]) or "—"
            mark = "" if r["ok"] else " ✗"
            lines.append(
                f"| {r['label']} | {r['connector']} | {r['final_state']}{mark} | "
                f"{r['attempts']} | {r['received']}/{r['expected_received']} | "
                f"{r['duplicates']} | {r['lost']} | {honoured} | "
                f"{told.replace('|', '/')} |"
            )
        lines.append("")
    return "\n".join(lines)


def _run_backend(backend: str, pg_admin: str, call_processes: int = 0) -> list[dict[str, Any]]:
    global _CALLS
    from bench import engine_setup as es
    from connectors.sandbox import run_in_thread
    from publisher.engine.calls import CallPool
    from publisher.timeutil import Clock, FrozenClock, set_clock

    db = es.new_database(backend, pg_admin)
    handle = run_in_thread(data_dir=db.data_dir / "sandbox")
    clock = FrozenClock(datetime(2026, 10, 10, 1, 0, tzinfo=UTC))
    set_clock(clock)
    if call_processes:
        # Started now: they take the environment the database set-up gave this process.
        _CALLS = CallPool(call_processes, slots=16, adaptive=False).start()
        if not _CALLS.wait_ready(60):
            raise SystemExit("the call processes did not start")
    try:
        return [asdict(r) for r in run_matrix(handle.url, clock)]
    finally:
        if _CALLS is not None:
            _CALLS.close()
            _CALLS = None
        set_clock(Clock())
        handle.stop()
        es.drop_database(db, pg_admin)


def main() -> None:
    from bench import engine_setup as es

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument("--out", default=str(RESULTS / "faults"))
    parser.add_argument(
        "--call-processes",
        type=int,
        default=0,
        help="Make the platform calls in N call processes, as a worker does by default.",
    )
    args = parser.parse_args()

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    res: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform_mod.machine()}, Python {platform_mod.python_version()}",
        "backends": {},
        "call_processes": args.call_processes,
    }
    t0 = time.perf_counter()
    for backend in backends:
        res["backends"][backend] = _run_backend(backend, args.pg_admin, args.call_processes)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(res))
    print(markdown(res))


if __name__ == "__main__":
    main()

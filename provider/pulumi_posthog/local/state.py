"""posthog-local's in-memory control state: rate limits, faults, requests, backfills, AWS, DNS, destination tests."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any

_lock = threading.Lock()


@dataclass
class Fault:
    """One fault rule: what to do to matching requests, for the next ``count`` of them or a ``share``."""

    id: int
    status: int | None = None
    latency_ms: int = 0
    drop: bool = False
    when: str = "before"  # "before" the view runs (nothing written) or "after" it committed
    count: int | None = None
    share: float | None = None
    method: str | None = None
    path: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path and not re.search(self.path, path))

    def describe(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ControlState:
    rate_limit_enabled: bool = False
    burst_rate: str = "480/minute"
    sustained_rate: str = "4800/hour"
    faults: list[Fault] = field(default_factory=list)
    next_fault_id: int = 1
    requests: Counter[str] = field(default_factory=Counter)
    recent: deque[tuple[str, str, int]] = field(default_factory=lambda: deque(maxlen=20000))
    max_concurrent_backfills: int = 10
    backfill_seconds: float = 2.0
    rng: random.Random = field(default_factory=random.Random)
    # IAM propagation: an assume-role check of a role ARN first seen less than this many seconds ago fails.
    assume_role_fails_for_seconds: float = 0.0
    roles_first_seen: dict[str, float] = field(default_factory=dict)
    # DNS: host names (canonical form) that do not resolve (yet).
    unresolvable_hosts: frozenset[str] = frozenset()
    # Backfills: the row is written this long after the 201 (newest PostHog's workflow writes it), and the
    # accepted backfills whose row is not written yet, by workflow id.
    backfill_row_delay_seconds: float = 0.0
    pending_backfills: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Destination tests: per destination type, the step that fails and PostHog's message for it
    # ({"message": str, "step": int | None}; step None is the type's last step).
    destination_test_failures: dict[str, dict[str, Any]] = field(default_factory=dict)


STATE = ControlState()


def reset() -> None:
    global STATE
    with _lock:
        STATE = ControlState()


def get() -> ControlState:
    return STATE


def add_fault(**spec: Any) -> Fault:
    with _lock:
        fault = Fault(id=STATE.next_fault_id, **spec)
        STATE.next_fault_id += 1
        STATE.faults.append(fault)
        return fault


def clear_faults() -> None:
    with _lock:
        STATE.faults.clear()


def take_fault(method: str, path: str) -> Fault | None:
    """The first rule that fires for this request (consuming one of its ``count``), or None."""
    with _lock:
        for fault in list(STATE.faults):
            if not fault.matches(method, path):
                continue
            if fault.count is not None:
                fault.count -= 1
                if fault.count <= 0:
                    STATE.faults.remove(fault)
            elif fault.share is not None and STATE.rng.random() >= fault.share:
                continue
            fault.hits += 1
            return fault
    return None


def record_request(method: str, path: str, status: int) -> None:
    with _lock:
        STATE.requests[method] += 1
        STATE.requests["total"] += 1
        STATE.recent.append((method, path, status))


def request_counts() -> dict[str, Any]:
    with _lock:
        return {
            "counts": dict(STATE.requests),
            "recent": [{"method": m, "path": p, "status": s} for m, p, s in STATE.recent],
        }


def clear_requests() -> None:
    with _lock:
        STATE.requests.clear()
        STATE.recent.clear()


def role_age(role_arn: str) -> float:
    """Seconds since this role ARN was first seen in an assume-role check (0 the first time)."""
    now = time.monotonic()
    with _lock:
        first = STATE.roles_first_seen.setdefault(role_arn, now)
    return now - first


def add_pending_backfill(workflow_id: str, spec: dict[str, Any]) -> None:
    with _lock:
        STATE.pending_backfills[workflow_id] = spec


def pending_backfill(workflow_id: str) -> bool:
    with _lock:
        return workflow_id in STATE.pending_backfills


def take_due_backfills(now: float) -> list[dict[str, Any]]:
    """The pending backfills whose row is due (removed from the pending list)."""
    with _lock:
        due = [wid for wid, spec in STATE.pending_backfills.items() if spec["due"] <= now]
        return [STATE.pending_backfills.pop(wid) for wid in due]


def set_destination_test_failures(failures: dict[str, dict[str, Any]]) -> None:
    with _lock:
        STATE.destination_test_failures = dict(failures)


def destination_test_failure(destination: str) -> dict[str, Any] | None:
    with _lock:
        return STATE.destination_test_failures.get(destination)

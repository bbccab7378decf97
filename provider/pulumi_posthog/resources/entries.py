"""Which state entries of each PostHog object a plugin process saw live: a delete must not remove an object that
another entry still manages (a replacement that landed on the same id, an adoption under a new name)."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Mapping
from typing import Any

from pulumi_posthog.resources.values import plain

ENTRY_KEY = "__entry"
"""An output holding a random token per state entry: two entries of one PostHog object (the old and the new half
of a replacement that landed on the same id) differ by it, even when all their other outputs are equal."""


def new_token() -> str:
    """64 random bits: only entries of one PostHog object are ever compared, so collisions are out of reach."""
    return secrets.token_hex(8)


def _canonical(props: Mapping[str, Any]) -> str:
    """A stable text of properties as they cross the wire (no ``__*`` keys, no None values, whole numbers)."""
    user = plain({k: v for k, v in props.items() if not k.startswith("__")})
    return json.dumps(user, sort_keys=True, default=str, separators=(",", ":"))


def entry_of(props: Mapping[str, Any]) -> str:
    """The entry's token; for state written before tokens existed, a digest of its outputs (a weaker stand-in)."""
    token = props.get(ENTRY_KEY)
    if isinstance(token, str) and token:
        return token
    return "outputs:" + hashlib.sha256(_canonical(props).encode()).hexdigest()


class LiveEntries:
    """What one provider object (one per serialized provider in one plugin process, i.e. one CLI command) has seen.

    The engine runs a step for a resource the program declares as Check, then Diff against its live state entry
    (``pkg/resource/deploy/step_generator.go``), and deletes what is pending deletion or no longer declared only
    after the program's registrations (``GenerateDeletes``). So a Diff whose new inputs this process checked names
    an entry that stays in the state, and a Create or Update result is one; a Delete of the same id for *another*
    entry would delete what that entry manages. Refresh Diffs (no Check before them) and Reads are not counted:
    ``pulumi destroy --refresh`` reads every entry and must still delete them all.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked: set[str] = set()
        self._live: dict[str, set[str]] = {}

    def checked(self, inputs: Mapping[str, Any]) -> None:
        with self._lock:
            self._checked.add(_canonical(inputs))

    def diffed(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
        """A Diff: counted only when its new inputs were checked here (a program's registration, not a refresh)."""
        with self._lock:
            if _canonical(news) in self._checked:
                self._live.setdefault(str(id_), set()).add(entry_of(olds))

    def kept(self, id_: str, outs: Mapping[str, Any]) -> None:
        """A Create or Update result: this entry is in the new state."""
        with self._lock:
            self._live.setdefault(str(id_), set()).add(entry_of(outs))

    def managed_by_another(self, id_: str, props: Mapping[str, Any]) -> bool:
        """Whether an entry other than the one being deleted was seen live with this id."""
        with self._lock:
            seen = self._live.get(str(id_), set())
            return bool(seen - {entry_of(props)})

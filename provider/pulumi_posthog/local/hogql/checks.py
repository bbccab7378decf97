"""PostHog's checks on an events-model ``hogql_query``: resolution, then export restrictions, in order."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.local.hogql import nodes as ast
from pulumi_posthog.local.hogql.lexer import ParseFailure
from pulumi_posthog.local.hogql.parser import parse_select

EVENTS_FIELDS = frozenset(
    [
        "uuid",
        "event",
        "properties",
        "timestamp",
        "team_id",
        "distinct_id",
        "elements_chain",
        "created_at",
        "$session_id",
        "$window_id",
        "$session_id_uuid",
        "person_id",
        "person",
        "pdi",
        "poe",
        "override",
        "session",
        "event_person_id",
        "event_issue_id",
        "issue_id",
        "elements_chain_href",
        "elements_chain_texts",
        "elements_chain_ids",
        "elements_chain_elements",
        *(f"$group_{i}" for i in range(5)),
        *(f"group_{i}" for i in range(5)),
        *(f"goe_{i}" for i in range(5)),
    ]
)
# PostHog tables a query may name; anything else is "Unknown table `x`." in HogQL's resolver.
KNOWN_TABLES = frozenset(
    [
        "events",
        "persons",
        "person_distinct_ids",
        "person_distinct_id_overrides",
        "person_overrides",
        "sessions",
        "raw_sessions",
        "groups",
        "cohort_people",
        "static_cohort_people",
        "session_replay_events",
        "raw_session_replay_events",
        "log_entries",
        "console_logs_log_entries",
        "batch_export_log_entries",
        "app_metrics",
        "heatmaps",
        "logs",
        "numbers",
        "query_log",
        "error_tracking_issue_fingerprint_overrides",
    ]
)


class HogQLError(Exception):
    """A query PostHog rejects; ``str(exc)`` is PostHog's message."""


def parse(text: str) -> ast.SelectQuery | ast.SelectSetQuery:
    try:
        return parse_select(text)
    except (ParseFailure, RecursionError):
        raise HogQLError("Failed to parse query") from None


def resolve(query: ast.SelectQuery | ast.SelectSetQuery) -> None:
    """The subset of HogQL's type resolution posthog-local performs: table names everywhere, and field
    names for a plain ``SELECT … FROM events``."""
    _check_tables(query, frozenset())
    if isinstance(query, ast.SelectQuery) and _plain_events(query):
        _check_fields(query)


def _check_tables(query: Any, ctes: frozenset[str]) -> None:
    if isinstance(query, ast.SelectSetQuery):
        for sub in query.queries:
            _check_tables(sub, ctes)
        return
    scope = ctes | frozenset(query.ctes)
    for expr in query.ctes.values():
        _check_subqueries(expr, scope)
    join = query.select_from
    while join is not None:
        table = join.table
        if isinstance(table, ast.Field):
            name = ".".join(table.chain)
            if name not in KNOWN_TABLES and name not in scope:
                raise HogQLError(f"Invalid HogQL query: Unknown table `{name}`.")
        else:
            _check_subqueries(table, scope)
        if join.constraint is not None:
            _check_subqueries(join.constraint, scope)
        join = join.next_join
    for expr in _clauses(query):
        _check_subqueries(expr, scope)


def _check_subqueries(expr: Any, ctes: frozenset[str]) -> None:
    for node in ast.walk(expr):
        if isinstance(node, (ast.SelectQuery, ast.SelectSetQuery)):
            _check_tables(node, ctes)


def _clauses(query: ast.SelectQuery) -> list[Any]:
    clauses: list[Any] = [*query.select, query.where, query.prewhere, query.having]
    clauses += query.group_by or []
    clauses += [expr for expr, _ in query.order_by or []]
    return [c for c in clauses if c is not None]


def _plain_events(query: ast.SelectQuery) -> bool:
    join = query.select_from
    return (
        join is not None
        and not query.ctes
        and join.next_join is None
        and isinstance(join.table, ast.Field)
        and join.table.chain == ["events"]
    )


def _check_fields(query: ast.SelectQuery) -> None:
    assert query.select_from is not None
    tables = {"events", query.select_from.alias or "events"}
    aliases = {c.alias for c in query.select if isinstance(c, ast.Alias)}
    for clause in _clauses(query):
        _check_expr_fields(clause, tables, aliases)


def _check_expr_fields(expr: Any, tables: set[str], bound: set[str]) -> None:
    if isinstance(expr, (ast.SelectQuery, ast.SelectSetQuery)):
        return
    if isinstance(expr, ast.Lambda):
        _check_expr_fields(expr.body, tables, bound | set(expr.params))
        return
    if isinstance(expr, ast.Field):
        chain = expr.chain[1:] if len(expr.chain) > 1 and expr.chain[0] in tables else expr.chain
        name = chain[0]
        if name not in bound and name not in EVENTS_FIELDS:
            raise HogQLError(f"Invalid HogQL query: Unable to resolve field: {name}")
        return
    for child in ast.children(expr):
        _check_expr_fields(child, tables, bound)


def check_batch_export_query(query: ast.SelectQuery | ast.SelectSetQuery, profile: str) -> ast.SelectQuery:
    """PostHog's ``_validate_events_hogql_query`` (latest) or ``validate_hogql_query`` (2025), in order."""
    if isinstance(query, ast.SelectSetQuery):
        raise HogQLError("UNIONs are not supported")
    if query.select_from is None:
        raise HogQLError("Query must SELECT FROM events")
    table = query.select_from.table
    is_subquery = isinstance(table, (ast.SelectQuery, ast.SelectSetQuery))
    if profile == "latest":
        if query.ctes:
            raise HogQLError("CTEs are not supported")
        if is_subquery:
            raise HogQLError("Subqueries are not supported")
    elif is_subquery or (isinstance(table, ast.Field) and ".".join(table.chain) in query.ctes):
        raise HogQLError("Subqueries or CTEs are not supported")
    if not (isinstance(table, ast.Field) and table.chain == ["events"]):
        raise HogQLError("Query must only SELECT FROM events")
    if query.select_from.next_join is not None:
        raise HogQLError("JOINs are not supported")
    if profile == "latest":
        for column in query.select:
            if any(isinstance(n, (ast.SelectQuery, ast.SelectSetQuery)) for n in ast.walk(column)):
                raise HogQLError("Subqueries in SELECT expressions are not supported")
    return query

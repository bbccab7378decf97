"""A faithful subset of PostHog's HogQL for batch exports: validate ``hogql_query``, derive ``schema``."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.local.hogql import nodes as ast
from pulumi_posthog.local.hogql.checks import HogQLError, check_batch_export_query, parse, resolve
from pulumi_posthog.local.hogql.printer import ClickHousePrinter, print_hogql

__all__ = [
    "HogQLError",
    "check_batch_export_query",
    "events_schema",
    "output_columns",
    "parse_and_resolve",
    "validate_events_query",
]


def parse_and_resolve(text: str) -> ast.SelectQuery | ast.SelectSetQuery:
    """Parse (``Failed to parse query``) and resolve (``Invalid HogQL query: …``), as PostHog's first step."""
    query = parse(text)
    resolve(query)
    return query


def validate_events_query(text: str, profile: str) -> ast.SelectQuery:
    """Every check PostHog runs on an events-model ``hogql_query``; raises HogQLError with its message."""
    return check_batch_export_query(parse_and_resolve(text), profile)


def events_schema(query: ast.SelectQuery) -> dict[str, Any]:
    """The ``schema`` PostHog stores for a custom events query: one field per selected column."""
    join = query.select_from
    alias = join.alias if join is not None and join.alias else "events"
    printer = ClickHousePrinter(table=alias, aliases=("events", alias))
    fields = []
    for column in query.select:
        if isinstance(column, ast.Alias):
            name: str | None = column.alias
        elif isinstance(column, ast.Field):
            name = column.chain[-1]
        else:
            name = None
        expression = printer.print(column)
        fields.append({"expression": expression, "alias": name if name is not None else expression})
    return {"fields": fields, "values": printer.values, "hogql_query": print_hogql(query)}


def output_columns(query: ast.SelectQuery | ast.SelectSetQuery) -> set[str] | None:
    """The names of the query's result columns (an alias, a field's last part, else the expression as HogQL
    prints it), or None when a ``*`` makes them depend on the table (posthog-local then checks no key)."""
    while isinstance(query, ast.SelectSetQuery):
        query = query.queries[0]
    names: set[str] = set()
    for column in query.select:
        if isinstance(column, ast.Star):
            return None
        if isinstance(column, ast.Alias):
            names.add(column.alias)
        elif isinstance(column, ast.Field):
            names.add(column.chain[-1])
        else:
            names.add(print_hogql(column))
    return names

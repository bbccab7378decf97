"""Prints HogQL trees as canonical HogQL, and select expressions as ClickHouse SQL for an export schema."""

from __future__ import annotations

import re
from typing import Any

from pulumi_posthog.local.hogql import nodes as ast

_HOGQL_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_CLICKHOUSE_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# HogQL functions printed as ``accurateCastOrNull(x, <type>)`` in ClickHouse.
CASTS = {"toInt": "Int64", "toFloat": "Float64", "toDecimal": "Decimal64", "toUUID": "UUID"}
JSON_COLUMNS = {("properties",): "properties", ("person", "properties"): "person_properties"}


def _backticks(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def hogql_identifier(name: str) -> str:
    return name if _HOGQL_IDENT.match(name) else _backticks(name)


def clickhouse_identifier(name: str) -> str:
    return name if _CLICKHOUSE_IDENT.match(name) else _backticks(name)


def quote_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")
    return f"'{escaped}'"


def constant(value: Any) -> str:
    if value is None:
        return "NULL"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return quote_string(value)
    return repr(value) if isinstance(value, float) else str(value)


# -- HogQL --------------------------------------------------------------------------------------------------
def print_hogql(node: Any) -> str:
    if isinstance(node, ast.SelectSetQuery):
        out = print_hogql(node.queries[0])
        for operator, query in zip(node.operators, node.queries[1:], strict=True):
            out += f" {operator} {print_hogql(query)}"
        return out
    if isinstance(node, ast.SelectQuery):
        return _print_select(node)
    if isinstance(node, ast.Constant):
        return constant(node.value)
    if isinstance(node, ast.Field):
        return ".".join(hogql_identifier(part) for part in node.chain)
    if isinstance(node, ast.Star):
        return f"{node.table}.*" if node.table else "*"
    if isinstance(node, ast.Placeholder):
        return "{" + node.name + "}"
    if isinstance(node, ast.Alias):
        return f"{_expr(node.expr)} AS {hogql_identifier(node.alias)}"
    return _print_common(node, _expr)


def _expr(node: Any) -> str:
    """An expression in HogQL; a subquery used as a value is parenthesized."""
    if isinstance(node, (ast.SelectQuery, ast.SelectSetQuery)):
        return f"({print_hogql(node)})"
    return print_hogql(node)


def _print_common(node: Any, recurse: Any) -> str:
    if isinstance(node, (ast.SelectQuery, ast.SelectSetQuery)):
        return f"({print_hogql(node)})"
    if isinstance(node, ast.Operation):
        return f"{node.op}({', '.join(recurse(a) for a in node.args)})"
    if isinstance(node, ast.Call):
        args = ", ".join(recurse(a) for a in node.args)
        distinct = "DISTINCT " if node.distinct else ""
        if node.params is not None:
            return f"{node.name}({', '.join(recurse(p) for p in node.params)})({distinct}{args})"
        return f"{node.name}({distinct}{args})"
    if isinstance(node, ast.Tuple):
        return f"tuple({', '.join(recurse(i) for i in node.items)})"
    if isinstance(node, ast.Array):
        return f"[{', '.join(recurse(i) for i in node.items)}]"
    if isinstance(node, ast.Lambda):
        params = node.params[0] if len(node.params) == 1 else f"({', '.join(node.params)})"
        return f"{params} -> {recurse(node.body)}"
    raise TypeError(f"cannot print {type(node).__name__}")


def _print_select(query: ast.SelectQuery) -> str:
    parts: list[str] = []
    if query.ctes:
        ctes = [
            f"{hogql_identifier(name)} AS ({print_hogql(expr)})"
            if isinstance(expr, (ast.SelectQuery, ast.SelectSetQuery))
            else f"{_expr(expr)} AS {hogql_identifier(name)}"
            for name, expr in query.ctes.items()
        ]
        parts.append("WITH " + ", ".join(ctes))
    parts.append("SELECT DISTINCT" if query.distinct else "SELECT")
    parts.append(", ".join(_expr(column) for column in query.select))
    if query.select_from is not None:
        parts.append("FROM " + _print_join(query.select_from))
    for keyword, clause in (("PREWHERE", query.prewhere), ("WHERE", query.where)):
        if clause is not None:
            parts.append(f"{keyword} {_expr(clause)}")
    if query.group_by:
        parts.append("GROUP BY " + ", ".join(_expr(e) for e in query.group_by))
    if query.having is not None:
        parts.append("HAVING " + _expr(query.having))
    if query.order_by:
        parts.append("ORDER BY " + ", ".join(f"{_expr(e)} {d}" for e, d in query.order_by))
    if query.limit is not None:
        parts.append("LIMIT " + print_hogql(query.limit))
    if query.offset is not None:
        parts.append("OFFSET " + print_hogql(query.offset))
    return " ".join(parts)


def _print_table(join: ast.JoinExpr) -> str:
    table = join.table
    text = f"({print_hogql(table)})" if isinstance(table, (ast.SelectQuery, ast.SelectSetQuery)) else print_hogql(table)
    return f"{text} AS {hogql_identifier(join.alias)}" if join.alias else text


def _print_join(join: ast.JoinExpr) -> str:
    text = _print_table(join)
    nxt = join.next_join
    while nxt is not None:
        text += f" {nxt.join_type or 'JOIN'} {_print_table(nxt)}"
        if nxt.constraint is not None:
            text += f" ON {_expr(nxt.constraint)}"
        nxt = nxt.next_join
    return text


# -- ClickHouse (schema expressions) ------------------------------------------------------------------------
class ClickHousePrinter:
    """Prints select expressions over ``events`` the way PostHog's schema shows them: columns qualified with
    the table, string constants replaced by ``%(hogql_val_N)s`` placeholders collected in ``values``."""

    def __init__(self, table: str = "events", aliases: tuple[str, ...] = ("events",)) -> None:
        self.table = table
        self.aliases = aliases
        self.values: dict[str, Any] = {}
        self.bound: set[str] = set()

    def value(self, value: Any) -> str:
        key = f"hogql_val_{len(self.values)}"
        self.values[key] = value
        return f"%({key})s"

    def print(self, node: Any) -> str:
        if isinstance(node, ast.Constant):
            return self.value(node.value) if isinstance(node.value, str) else constant(node.value)
        if isinstance(node, ast.Field):
            return self.field(node.chain)
        if isinstance(node, ast.Alias):
            return self.print(node.expr)
        if isinstance(node, ast.Star):
            return "*"
        if isinstance(node, ast.Placeholder):
            return "{" + node.name + "}"
        if isinstance(node, ast.Lambda):
            outer, self.bound = self.bound, self.bound | set(node.params)
            try:
                return _print_common(node, self.print)
            finally:
                self.bound = outer
        if isinstance(node, ast.Call) and node.name in CASTS and len(node.args) == 1:
            return f"accurateCastOrNull({self.print(node.args[0])}, {self.value(CASTS[node.name])})"
        return _print_common(node, self.print)

    def field(self, chain: list[str]) -> str:
        if chain[0] in self.bound:
            return ".".join(clickhouse_identifier(part) for part in chain)
        if len(chain) > 1 and chain[0] in self.aliases:
            chain = chain[1:]
        for prefix, column in JSON_COLUMNS.items():
            if tuple(chain[: len(prefix)]) == prefix and len(chain) > len(prefix):
                keys = ", ".join(self.value(key) for key in chain[len(prefix) :])
                extracted = f"JSONExtractRaw({self.table}.{column}, {keys})"
                return f"replaceRegexpAll(nullIf(nullIf({extracted}, ''), 'null'), '^\"|\"$', '')"
        if chain in (["person", "id"], ["person_id"]):
            return f"{self.table}.person_id"
        return f"{self.table}." + ".".join(clickhouse_identifier(part) for part in chain)

"""The HogQL syntax tree posthog-local understands: a SELECT subset with expressions, joins, CTEs, unions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Constant:
    value: Any


@dataclass
class Field:
    chain: list[str]


@dataclass
class Star:
    table: str | None = None


@dataclass
class Placeholder:
    name: str


@dataclass
class Call:
    name: str
    args: list[Expr]
    distinct: bool = False
    params: list[Expr] | None = None


@dataclass
class Operation:
    """Arithmetic, comparison and boolean operators, named as HogQL prints them (``plus``, ``equals``)."""

    op: str
    args: list[Expr]


@dataclass
class Tuple:
    items: list[Expr]


@dataclass
class Array:
    items: list[Expr]


@dataclass
class Lambda:
    params: list[str]
    body: Expr


@dataclass
class Alias:
    expr: Expr
    alias: str


@dataclass
class JoinExpr:
    table: Expr
    alias: str | None = None
    join_type: str | None = None
    constraint: Expr | None = None
    next_join: JoinExpr | None = None


@dataclass
class SelectQuery:
    select: list[Expr]
    select_from: JoinExpr | None = None
    ctes: dict[str, Expr] = field(default_factory=dict)
    distinct: bool = False
    where: Expr | None = None
    prewhere: Expr | None = None
    group_by: list[Expr] | None = None
    having: Expr | None = None
    order_by: list[tuple[Expr, str]] | None = None
    limit: Expr | None = None
    offset: Expr | None = None


@dataclass
class SelectSetQuery:
    queries: list[SelectQuery | SelectSetQuery]
    operators: list[str]


Expr = (
    Constant
    | Field
    | Star
    | Placeholder
    | Call
    | Operation
    | Tuple
    | Array
    | Lambda
    | Alias
    | SelectQuery
    | SelectSetQuery
)


def children(node: Any) -> Iterator[Any]:
    """The direct sub-expressions of a node (not descending into subqueries' own scopes)."""
    if isinstance(node, (Call, Operation)):
        yield from node.args
        if isinstance(node, Call) and node.params:
            yield from node.params
    elif isinstance(node, (Tuple, Array)):
        yield from node.items
    elif isinstance(node, Lambda):
        yield node.body
    elif isinstance(node, Alias):
        yield node.expr


def walk(node: Any) -> Iterator[Any]:
    """Every node of an expression tree, depth first, stopping at (but yielding) subqueries."""
    yield node
    if isinstance(node, (SelectQuery, SelectSetQuery)):
        return
    for child in children(node):
        yield from walk(child)

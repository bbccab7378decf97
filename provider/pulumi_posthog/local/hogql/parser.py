"""A recursive-descent parser for the HogQL SELECT subset batch exports need (not a full HogQL grammar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pulumi_posthog.local.hogql import nodes as ast
from pulumi_posthog.local.hogql.lexer import ParseFailure, Token, tokenize

# Words that end an expression or a clause, so they can never be a bare identifier or an implicit alias.
T = TypeVar("T")
_RESERVED_WORDS = (
    "SELECT FROM WHERE PREWHERE GROUP ORDER BY LIMIT OFFSET HAVING UNION INTERSECT EXCEPT JOIN ON USING "
    "AS AND OR NOT WITH THEN WHEN ELSE END LEFT RIGHT INNER FULL CROSS OUTER SEMI ANTI ASOF GLOBAL ARRAY "
    "ASC DESC NULLS SETTINGS WINDOW QUALIFY SAMPLE FINAL LIKE ILIKE IN IS BETWEEN CASE INTERVAL"
)
RESERVED = frozenset(_RESERVED_WORDS.split(" "))
COMPARISONS = {
    "=": "equals",
    "==": "equals",
    "!=": "notEquals",
    "<>": "notEquals",
    "<": "less",
    ">": "greater",
    "<=": "lessOrEquals",
    ">=": "greaterOrEquals",
}
ADDITIVE = {"+": "plus", "-": "minus", "||": "concat"}
MULTIPLICATIVE = {"*": "multiply", "/": "divide", "%": "modulo"}
INTERVAL_UNITS = ("SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
JOIN_WORDS = (
    "GLOBAL",
    "LEFT",
    "RIGHT",
    "INNER",
    "FULL",
    "CROSS",
    "OUTER",
    "SEMI",
    "ANTI",
    "ANY",
    "ALL",
    "ASOF",
)


def parse_select(text: str) -> ast.SelectQuery | ast.SelectSetQuery:
    """Parse one SELECT (or a UNION of them); raises ParseFailure for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise ParseFailure("empty query")
    parser = Parser(tokenize(text))
    query = parser.select_set()
    parser.accept_op(";")
    if parser.peek.kind != "end":
        raise ParseFailure(f"unexpected {parser.peek.value!r}")
    return query


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    # -- token helpers -------------------------------------------------------------------------------------
    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def ahead(self, n: int = 1) -> Token:
        return self.tokens[min(self.pos + n, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != "end":
            self.pos += 1
        return token

    def is_op(self, value: str, token: Token | None = None) -> bool:
        token = token or self.peek
        return token.kind == "op" and token.value == value

    def accept_op(self, value: str) -> bool:
        if self.is_op(value):
            self.pos += 1
            return True
        return False

    def expect_op(self, value: str) -> None:
        if not self.accept_op(value):
            raise ParseFailure(f"expected {value!r}, got {self.peek.value!r}")

    def accept_kw(self, *words: str) -> str | None:
        if self.peek.is_keyword(*words):
            return self.next().value.upper()
        return None

    def expect_kw(self, word: str) -> None:
        if not self.accept_kw(word):
            raise ParseFailure(f"expected {word}, got {self.peek.value!r}")

    def identifier(self) -> str:
        token = self.peek
        if token.kind == "qident" or (token.kind == "ident" and token.value.upper() not in RESERVED):
            self.pos += 1
            return token.value
        raise ParseFailure(f"expected an identifier, got {token.value!r}")

    def alias_ahead(self) -> bool:
        """An implicit alias: a name right after an expression or table that is not a keyword."""
        token = self.peek
        return token.kind == "qident" or (token.kind == "ident" and token.value.upper() not in RESERVED)

    def starts_select(self, offset: int = 0) -> bool:
        return self.ahead(offset).is_keyword("SELECT", "WITH")

    # -- queries -------------------------------------------------------------------------------------------
    def select_set(self) -> ast.SelectQuery | ast.SelectSetQuery:
        queries = [self.select_or_parenthesized()]
        operators: list[str] = []
        while self.peek.is_keyword("UNION", "INTERSECT", "EXCEPT"):
            operator = self.next().value.upper()
            modifier = self.accept_kw("ALL", "DISTINCT")
            operators.append(f"{operator} {modifier}" if modifier else operator)
            queries.append(self.select_or_parenthesized())
        return queries[0] if len(queries) == 1 else ast.SelectSetQuery(queries, operators)

    def select_or_parenthesized(self) -> ast.SelectQuery | ast.SelectSetQuery:
        if self.is_op("(") and (self.starts_select(1) or self.is_op("(", self.ahead())):
            self.next()
            query = self.select_set()
            self.expect_op(")")
            return query
        return self.select()

    def select(self) -> ast.SelectQuery:
        ctes = self.ctes() if self.accept_kw("WITH") else {}
        self.expect_kw("SELECT")
        query = ast.SelectQuery(select=[], ctes=ctes, distinct=bool(self.accept_kw("DISTINCT")))
        query.select = self.column_list()
        if self.accept_kw("FROM"):
            query.select_from = self.join_expr()
        if self.accept_kw("PREWHERE"):
            query.prewhere = self.expr()
        if self.accept_kw("WHERE"):
            query.where = self.expr()
        if self.accept_kw("GROUP"):
            self.expect_kw("BY")
            query.group_by = self.expr_list()
        if self.accept_kw("HAVING"):
            query.having = self.expr()
        if self.accept_kw("ORDER"):
            self.expect_kw("BY")
            query.order_by = self.order_list()
        if self.accept_kw("LIMIT"):
            query.limit = self.expr()
            if self.accept_op(","):
                query.offset, query.limit = query.limit, self.expr()
        if self.accept_kw("OFFSET"):
            query.offset = self.expr()
        return query

    def ctes(self) -> dict[str, ast.Expr]:
        ctes: dict[str, ast.Expr] = {}
        while True:
            if (
                self.peek.kind in ("ident", "qident")
                and self.ahead().is_keyword("AS")
                and self.is_op("(", self.ahead(2))
            ):
                name = self.identifier()
                self.next()
                self.expect_op("(")
                ctes[name] = self.select_set()
                self.expect_op(")")
            else:
                expr = self.expr()
                self.expect_kw("AS")
                ctes[self.identifier()] = expr
            if not self.accept_op(","):
                return ctes

    def column_list(self) -> list[ast.Expr]:
        return self.comma_list(self.column)

    def column(self) -> ast.Expr:
        expr = self.expr()
        if self.accept_kw("AS") or self.alias_ahead():
            return ast.Alias(expr, self.identifier())
        return expr

    def order_list(self) -> list[tuple[ast.Expr, str]]:
        return self.comma_list(self.order_item)

    def order_item(self) -> tuple[ast.Expr, str]:
        expr = self.expr()
        direction = self.accept_kw("ASC", "DESC", "ASCENDING", "DESCENDING") or "ASC"
        if self.accept_kw("NULLS") and not self.accept_kw("FIRST", "LAST"):
            raise ParseFailure("expected FIRST or LAST")
        return expr, direction[:3] if direction.startswith("ASC") else "DESC"

    def join_expr(self) -> ast.JoinExpr:
        first = self.table_expr()
        current = first
        while True:
            if self.accept_op(","):
                join = self.table_expr()
                join.join_type = "CROSS JOIN"
            elif self.peek.is_keyword("JOIN", *JOIN_WORDS):
                words = []
                while self.peek.is_keyword(*JOIN_WORDS):
                    words.append(self.next().value.upper())
                self.expect_kw("JOIN")
                join = self.table_expr()
                join.join_type = " ".join([*words, "JOIN"])
                if self.accept_kw("ON"):
                    join.constraint = self.expr()
                elif self.accept_kw("USING"):
                    join.constraint = ast.Tuple(self.expr_list())
            else:
                return first
            current.next_join = join
            current = join

    def table_expr(self) -> ast.JoinExpr:
        table: ast.Expr
        if self.accept_op("("):
            if not (self.starts_select() or self.is_op("(")):
                raise ParseFailure("expected a subquery")
            table = self.select_set()
            self.expect_op(")")
        else:
            chain = [self.identifier()]
            while self.accept_op("."):
                chain.append(self.identifier())
            table = ast.Field(chain)
            if self.accept_op("("):
                table = ast.Call(".".join(chain), self.call_args())
        alias = self.identifier() if self.accept_kw("AS") or self.alias_ahead() else None
        self.accept_kw("FINAL")
        return ast.JoinExpr(table=table, alias=alias)

    # -- expressions ---------------------------------------------------------------------------------------
    def comma_list(self, item: Callable[[], T]) -> list[T]:
        """One ``item`` or more, separated by commas."""
        items = [item()]
        while self.accept_op(","):
            items.append(item())
        return items

    def expr_list(self) -> list[ast.Expr]:
        return self.comma_list(self.expr)

    def expr(self) -> ast.Expr:
        condition = self.or_expr()
        if self.accept_op("?"):
            then = self.expr()
            self.expect_op(":")
            return ast.Call("if", [condition, then, self.expr()])
        return condition

    def or_expr(self) -> ast.Expr:
        left = self.and_expr()
        while self.accept_kw("OR"):
            left = ast.Operation("or", [left, self.and_expr()])
        return left

    def and_expr(self) -> ast.Expr:
        left = self.not_expr()
        while self.accept_kw("AND"):
            left = ast.Operation("and", [left, self.not_expr()])
        return left

    def not_expr(self) -> ast.Expr:
        if self.accept_kw("NOT"):
            return ast.Operation("not", [self.not_expr()])
        return self.comparison()

    def comparison(self) -> ast.Expr:
        left = self.additive()
        token = self.peek
        if token.kind == "op" and token.value in COMPARISONS:
            self.next()
            return ast.Operation(COMPARISONS[token.value], [left, self.additive()])
        negated = bool(self.accept_kw("NOT"))
        if self.accept_kw("LIKE", "ILIKE") is not None:
            word = self.tokens[self.pos - 1].value.lower()
            name = ("not" + word.capitalize().replace("Ilike", "ILike")) if negated else word
            return ast.Operation(name, [left, self.additive()])
        if self.accept_kw("IN"):
            return ast.Operation("notIn" if negated else "in", [left, self.additive()])
        if self.accept_kw("BETWEEN"):
            low = self.additive()
            self.expect_kw("AND")
            high = self.additive()
            between = ast.Call("between", [left, low, high])
            return ast.Operation("not", [between]) if negated else between
        if negated:
            raise ParseFailure("dangling NOT")
        if self.accept_kw("IS"):
            is_not = bool(self.accept_kw("NOT"))
            self.expect_kw("NULL")
            return ast.Call("isNotNull" if is_not else "isNull", [left])
        return left

    def additive(self) -> ast.Expr:
        left = self.multiplicative()
        while self.peek.kind == "op" and self.peek.value in ADDITIVE:
            left = ast.Operation(ADDITIVE[self.next().value], [left, self.multiplicative()])
        return left

    def multiplicative(self) -> ast.Expr:
        left = self.unary()
        while self.peek.kind == "op" and self.peek.value in MULTIPLICATIVE:
            left = ast.Operation(MULTIPLICATIVE[self.next().value], [left, self.unary()])
        return left

    def unary(self) -> ast.Expr:
        if self.accept_op("-"):
            operand = self.unary()
            if isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float)):
                return ast.Constant(-operand.value)
            return ast.Operation("minus", [ast.Constant(0), operand])
        if self.accept_op("+"):
            return self.unary()
        return self.postfix()

    def postfix(self) -> ast.Expr:
        expr = self.primary()
        while True:
            if self.accept_op("["):
                index = self.expr()
                self.expect_op("]")
                expr = ast.Call("arrayElement", [expr, index])
            else:
                return expr

    def primary(self) -> ast.Expr:
        token = self.peek
        if token.kind == "number":
            self.next()
            text = token.value
            return ast.Constant(float(text) if any(c in text for c in ".eE") else int(text))
        if token.kind == "string":
            self.next()
            return ast.Constant(token.value)
        if token.kind == "op":
            return self.primary_operator()
        if token.is_keyword("TRUE", "FALSE"):
            self.next()
            return ast.Constant(token.value.upper() == "TRUE")
        if token.is_keyword("NULL"):
            self.next()
            return ast.Constant(None)
        if token.is_keyword("CASE"):
            return self.case()
        if token.is_keyword("INTERVAL"):
            self.next()
            amount = self.additive()
            unit = self.accept_kw(*INTERVAL_UNITS)
            if unit is None:
                raise ParseFailure("expected an interval unit")
            return ast.Call(f"toInterval{unit.capitalize()}", [amount])
        if token.kind in ("ident", "qident"):
            return self.identifier_expr()
        raise ParseFailure(f"unexpected {token.value!r}")

    def primary_operator(self) -> ast.Expr:
        if self.accept_op("*"):
            return ast.Star()
        if self.accept_op("["):
            items = [] if self.is_op("]") else self.expr_list()
            self.expect_op("]")
            return ast.Array(items)
        if self.accept_op("{"):
            name = self.identifier()
            self.expect_op("}")
            return ast.Placeholder(name)
        if self.accept_op("("):
            if self.starts_select() or (self.is_op("(") and self.starts_select(1)):
                query = self.select_set()
                self.expect_op(")")
                return query
            items = self.expr_list()
            self.expect_op(")")
            if self.is_op("->"):
                self.next()
                params = [i.chain[0] for i in items if isinstance(i, ast.Field) and len(i.chain) == 1]
                if len(params) != len(items):
                    raise ParseFailure("bad lambda parameters")
                return ast.Lambda(params, self.expr())
            return items[0] if len(items) == 1 else ast.Tuple(items)
        raise ParseFailure(f"unexpected {self.peek.value!r}")

    def case(self) -> ast.Expr:
        self.expect_kw("CASE")
        subject = None if self.peek.is_keyword("WHEN") else self.expr()
        args: list[ast.Expr] = []
        while self.accept_kw("WHEN"):
            condition = self.expr()
            if subject is not None:
                condition = ast.Operation("equals", [subject, condition])
            self.expect_kw("THEN")
            args += [condition, self.expr()]
        if not args:
            raise ParseFailure("CASE without WHEN")
        args.append(self.expr() if self.accept_kw("ELSE") else ast.Constant(None))
        self.expect_kw("END")
        return ast.Call("if" if len(args) == 3 else "multiIf", args)

    def identifier_expr(self) -> ast.Expr:
        name = self.identifier()
        if self.is_op("->"):
            self.next()
            return ast.Lambda([name], self.expr())
        if self.accept_op("("):
            distinct = bool(self.accept_kw("DISTINCT"))
            args = self.call_args()
            if self.accept_op("("):
                return ast.Call(name, self.call_args(), distinct=distinct, params=args)
            return ast.Call(name, args, distinct=distinct)
        chain = [name]
        while self.accept_op("."):
            if self.accept_op("*"):
                return ast.Star(table=".".join(chain))
            token = self.peek
            if token.kind in ("ident", "qident", "number"):
                self.next()
                chain.append(token.value)
            else:
                raise ParseFailure("expected a name after '.'")
        return ast.Field(chain)

    def call_args(self) -> list[ast.Expr]:
        """Arguments after an opening parenthesis, up to and including the closing one."""
        if self.accept_op(")"):
            return []
        args = self.expr_list()
        self.expect_op(")")
        return args

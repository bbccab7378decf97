"""Splits HogQL text into tokens: identifiers, quoted identifiers, strings, numbers and operators."""

from __future__ import annotations

import re
from dataclasses import dataclass


class ParseFailure(Exception):
    """The text is not a HogQL SELECT posthog-local can read (PostHog: "Failed to parse query")."""


@dataclass(frozen=True)
class Token:
    kind: str  # "ident", "qident", "string", "number", "op", "end"
    value: str

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "ident" and self.value.upper() in words


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<qident>`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*")
  | (?P<string>'(?:[^'\\]|\\.|'')*')
  | (?P<op>->|==|!=|<>|<=|>=|\|\||[-+*/%=<>(),.\[\]{}?:;])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


def _unescape(body: str, quote: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif ch == quote and body[i + 1 : i + 2] == quote:
            out.append(quote)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseFailure(f"unexpected character at {pos}")
        pos = match.end()
        kind = match.lastgroup or ""
        raw = match.group()
        if kind == "space":
            continue
        if kind == "string":
            tokens.append(Token("string", _unescape(raw[1:-1], "'")))
        elif kind == "qident":
            tokens.append(Token("qident", _unescape(raw[1:-1], raw[0])))
        else:
            tokens.append(Token(kind, raw))
    tokens.append(Token("end", ""))
    return tokens

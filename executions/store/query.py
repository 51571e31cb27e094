"""Conductor's search query language, parsed into a small tree (pure: no ORM, no Django).

    status IN (RUNNING, FAILED) AND workflowType = "orders" AND startTime > 1700000000000
    correlationId = 'abc' OR (priority >= 5 AND version != 2)

Field names are Conductor's; values may be quoted ('…' or "…") or bare words/numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "IN", "NOT IN")


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class BoolOp:
    op: str  # "AND" | "OR"
    left: Node
    right: Node


Node = Condition | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lp>\()|(?P<rp>\))|(?P<comma>,)|
        (?P<op>!=|>=|<=|=|>|<)|
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|
        (?P<word>[^\s(),=!<>"']+)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise QueryError(f"query: unexpected character at position {pos}: {text[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], fields: frozenset[str]) -> None:
        self.tokens, self.pos, self.fields = tokens, 0, fields

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (kind is not None and tok[0] != kind):
            raise QueryError(f"query: expected {kind or 'more'} at token {self.pos + 1}")
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == "word" and tok[1].upper() == word:
            self.pos += 1
            return True
        return False

    def expression(self) -> Node:
        node = self.term()
        while self.keyword("OR"):
            node = BoolOp("OR", node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.keyword("AND"):
            node = BoolOp("AND", node, self.factor())
        return node

    def factor(self) -> Node:
        tok = self.peek()
        if tok is not None and tok[0] == "lp":
            self.take("lp")
            node = self.expression()
            self.take("rp")
            return node
        return self.condition()

    def condition(self) -> Condition:
        kind, field = self.take()
        if kind != "word" or field not in self.fields:
            raise QueryError(f"query: unknown field {field!r}; known fields: {', '.join(sorted(self.fields))}")
        if self.keyword("NOT"):
            if not self.keyword("IN"):
                raise QueryError("query: expected IN after NOT")
            return Condition(field, "NOT IN", self.value_list())
        if self.keyword("IN"):
            return Condition(field, "IN", self.value_list())
        _, op = self.take("op")
        return Condition(field, op, (self.value(),))

    def value(self) -> str:
        kind, value = self.take()
        if kind not in ("word", "str"):
            raise QueryError(f"query: expected a value at token {self.pos}")
        return value

    def value_list(self) -> tuple[str, ...]:
        self.take("lp")
        values = [self.value()]
        while self.peek() is not None and self.peek()[0] == "comma":  # type: ignore[index]
            self.take("comma")
            values.append(self.value())
        self.take("rp")
        return tuple(values)


def parse(text: str | None, fields: frozenset[str]) -> Node | None:
    """The parsed query, or None for an empty one. Raises QueryError with a clear message."""
    if text is None or not text.strip() or text.strip() == "*":
        return None
    parser = _Parser(_tokens(text), fields)
    node = parser.expression()
    if parser.peek() is not None:
        raise QueryError(f"query: unexpected {parser.peek()[1]!r} after a complete condition")  # type: ignore[index]
    return node


def parse_sort(text: str | None, fields: frozenset[str]) -> list[tuple[str, bool]]:
    """`field:ASC,other:DESC` → [(field, descending)]."""
    out: list[tuple[str, bool]] = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, direction = part.strip().partition(":")
        if name not in fields:
            raise QueryError(f"sort: unknown field {name!r}")
        if direction.upper() not in ("", "ASC", "DESC"):
            raise QueryError(f"sort: direction must be ASC or DESC, got {direction!r}")
        out.append((name, direction.upper() == "DESC"))
    return out

"""The search query language."""

from __future__ import annotations

import pytest

from executions.store.query import BoolOp, Condition, QueryError, parse, parse_sort

FIELDS = frozenset({"status", "workflowType", "correlationId", "startTime", "priority"})


def test_empty_and_star_mean_everything() -> None:
    assert parse(None, FIELDS) is None and parse("  ", FIELDS) is None and parse("*", FIELDS) is None


def test_conditions_with_quoted_and_bare_values() -> None:
    assert parse('workflowType = "orders"', FIELDS) == Condition("workflowType", "=", ("orders",))
    assert parse("correlationId='a b'", FIELDS) == Condition("correlationId", "=", ("a b",))
    assert parse("startTime > 1700000000000", FIELDS) == Condition("startTime", ">", ("1700000000000",))
    assert parse("priority>=5", FIELDS) == Condition("priority", ">=", ("5",))


def test_in_and_not_in_lists() -> None:
    assert parse("status IN (RUNNING, FAILED)", FIELDS) == Condition("status", "IN", ("RUNNING", "FAILED"))
    assert parse("status not in ('COMPLETED')", FIELDS) == Condition("status", "NOT IN", ("COMPLETED",))


def test_and_binds_tighter_than_or_and_parentheses_group() -> None:
    node = parse("status = A OR status = B AND priority = 1", FIELDS)
    assert isinstance(node, BoolOp) and node.op == "OR" and isinstance(node.right, BoolOp)
    grouped = parse("(status = A OR status = B) AND priority = 1", FIELDS)
    assert isinstance(grouped, BoolOp) and grouped.op == "AND" and isinstance(grouped.left, BoolOp)


@pytest.mark.parametrize("text", ["nope = 1", "status", "status = ", "status IN (A", "status = A AND", "status == A",
                                  "(status = A", "status = A status = B", "status NOT = A"])
def test_bad_queries_raise_a_clear_error(text: str) -> None:
    with pytest.raises(QueryError, match="query"):
        parse(text, FIELDS)


def test_sort() -> None:
    assert parse_sort("startTime:DESC,priority", FIELDS) == [("startTime", True), ("priority", False)]
    with pytest.raises(QueryError):
        parse_sort("bogus:ASC", FIELDS)
    with pytest.raises(QueryError):
        parse_sort("priority:UP", FIELDS)

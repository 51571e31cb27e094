"""The run list's URL filter (executions.filters): what each field accepts, and every error named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from executions.filters import DEFAULT_SORT, FilterError, InputMatch, encode_cursor, parse


def test_an_empty_query_is_the_default_list() -> None:
    f = parse({})
    assert f.statuses == () and f.sort == DEFAULT_SORT and f.size == 50 and f.after is None and f.inputs == ()


def test_fields() -> None:
    f = parse({"status": ["failed", "RUNNING,paused"], "name": [" orders "], "version": ["3"],
               "from": ["2026-12-01T10:00"], "to": ["1767225600000"], "id": ["ab12"], "correlation": ["c-9"],
               "q": ["declined"], "input": ["orderId=A-1", 'code="007"', "n=5", "deep.tier=gold", " "],
               "sort": ["name"], "size": ["100"]})
    assert f.statuses == ("FAILED", "RUNNING", "PAUSED")
    assert (f.name, f.version, f.id_prefix, f.correlation_id, f.text) == ("orders", 3, "ab12", "c-9", "declined")
    assert f.since == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert f.until == datetime(2026, 1, 1, tzinfo=UTC)
    assert f.inputs == (InputMatch(("orderId",), "A-1"), InputMatch(("code",), "007"),
                        InputMatch(("n",), "5", 5), InputMatch(("deep", "tier"), "gold"))
    assert (f.sort, f.size) == ("name", 100)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(FilterError) as caught:
        parse({"status": ["DONE"], "version": ["x"], "from": ["soon"], "input": ["a__gt=1"], "sort": ["hot"],
               "size": ["1000"], "after": ["%%%"]})
    assert set(caught.value.errors) == {"status", "version", "from", "input", "sort", "size", "after"}
    assert "DONE" in caught.value.errors["status"]


def test_a_cursor_round_trips_with_its_sort() -> None:
    moment = datetime(2026, 12, 2, 14, 30, 1, 123456, tzinfo=UTC)
    f = parse({"after": [encode_cursor(moment, "wf-1")]})
    assert f.after == (moment, "wf-1")
    assert parse({"sort": ["name"], "after": [encode_cursor("orders", "wf-2")]}).after == ("orders", "wf-2")
    with pytest.raises(FilterError):
        parse({"sort": ["-started"], "after": [encode_cursor("orders", "wf-2")]})  # a name is not a time

"""The inbox list's URL query: parsed into filters and a sort, bad values named and ignored."""

from __future__ import annotations

from orchestrator.humantasks.listing import Query, parse


def test_a_full_query_parses_and_round_trips_into_tab_links() -> None:
    query, errors = parse({"workflow": " expense ", "correlationId": "order-7", "priority": "8",
                           "overdue": "1", "sort": "due", "tab": "claimable"})
    assert errors == {}
    assert query == Query("expense", "order-7", 8, True, "due") and query.active
    assert query.params(tab="done") == "workflow=expense&correlationId=order-7&priority=8&overdue=1&sort=due&tab=done"


def test_an_empty_query_filters_nothing() -> None:
    query, errors = parse({})
    assert (query, errors, query.active, query.params()) == (Query(), {}, False, "")
    assert parse({"priority": "0"})[0].min_priority == 0  # zero is a filter, not "none"


def test_each_bad_value_is_named_and_left_out() -> None:
    query, errors = parse({"priority": "11", "sort": "name", "overdue": "maybe", "workflow": "w" * 256,
                           "correlationId": "ok"})
    assert set(errors) == {"priority", "sort", "overdue", "workflow"}
    assert errors["priority"].startswith("priority: '11'") and "due, priority, created, -created" in errors["sort"]
    assert query == Query("", "ok", None, False, "")
    for bad in ("-1", "5.5", "high", "٣"):  # an Arabic-Indic digit passes isdigit but is no priority here
        assert "priority" in parse({"priority": bad})[1], bad

"""JSON Schema → Django form: each keyword becomes the field's own check (no database)."""

from __future__ import annotations

from typing import Any

from django import forms

from orchestrator.humantasks.forms import LinesField, form_value, schema_form
from orchestrator.humantasks.transitions import Actor, Facts, refusal

SCHEMA: dict[str, Any] = {"type": "object", "required": ["name", "n"], "properties": {
    "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
    "n": {"type": "integer", "minimum": 1, "maximum": 9},
    "x": {"type": "number"},
    "ok": {"type": "boolean"},
    "kind": {"enum": ["a", "b", 3]},
    "tags": {"type": "array", "items": {"type": "integer"}},
    "addr": {"type": "object", "properties": {"city": {"type": "string"}}},
}}


def test_types_map_to_fields_with_the_schema_limits() -> None:
    f = schema_form(SCHEMA, labels={"n": "Count"}).fields
    assert isinstance(f["name"], forms.CharField) and (f["name"].min_length, f["name"].max_length) == (2, 5)
    assert f["name"].required and not f["x"].required
    assert isinstance(f["n"], forms.IntegerField) and (f["n"].min_value, f["n"].max_value) == (1, 9)
    assert f["n"].label == "Count"
    assert isinstance(f["x"], forms.FloatField) and isinstance(f["ok"], forms.BooleanField)
    assert isinstance(f["kind"], forms.TypedChoiceField)
    assert [c[1] for c in f["kind"].choices] == ["—", "a", "b", "3"]
    assert isinstance(f["tags"], LinesField) and "addr.city" in f


def test_nested_objects_are_fieldsets_and_order_comes_first() -> None:
    form = schema_form(SCHEMA, order=["kind", "n"])
    assert [(s.legend, s.names[:2]) for s in form.fieldsets] == [("", ["kind", "n"]), ("addr", ["addr.city"])]


def test_valid_data_becomes_the_json_it_stands_for() -> None:
    form = schema_form(SCHEMA, data={"name": "ab", "n": "3", "kind": "3", "tags": "1, 2\n3", "addr.city": "Oslo",
                                     "ok": "on"})
    assert form.is_valid(), form.errors
    assert form_value(form.cleaned_data) == {"name": "ab", "n": 3, "kind": 3, "tags": [1, 2, 3], "ok": True,
                                              "addr": {"city": "Oslo"}}


def test_each_rule_reports_on_its_own_field() -> None:
    form = schema_form(SCHEMA, data={"name": "A", "n": "10", "kind": '"z"', "tags": "1, x"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "n", "kind", "tags"}
    assert any("pattern" in e for e in form.errors["name"])


def test_guards_candidates_claimer_and_four_eyes() -> None:
    open_task = Facts("OPEN", ["ann"], ["fin"], None, {"req"})
    assert refusal("claim", open_task, Actor("ann", frozenset())) is None
    assert refusal("claim", open_task, Actor("bob", frozenset({"fin"}))) is None
    assert "not among" in (refusal("claim", open_task, Actor("eve", frozenset())) or "")
    assert "four-eyes" in (refusal("claim", Facts("OPEN", [], ["fin"], None, {"req"}),
                                   Actor("req", frozenset({"fin"}))) or "")
    assert refusal("claim", Facts("OPEN", [], [], None, (), open_to_all=True), Actor("eve", frozenset())) is None
    # an assignment that resolved to nobody is nobody's, not everybody's
    assert "not among" in (refusal("claim", Facts("OPEN", [], [], None, ()), Actor("eve", frozenset())) or "")
    claimed = Facts("CLAIMED", ["ann"], [], "ann", ())
    assert refusal("approve", claimed, Actor("ann", frozenset())) is None
    assert "only the user" in (refusal("reject", claimed, Actor("bob", frozenset(), is_staff=True)) or "")
    assert refusal("release", claimed, Actor("bob", frozenset(), is_staff=True)) is None
    assert "cannot claim" in (refusal("claim", claimed, Actor("ann", frozenset())) or "")

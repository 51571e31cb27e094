"""The pure JSON Schema adapter: meta-schema problems, violations with paths, the validator cache."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.schemas import SchemaRef, Violation, describe, schema_fields, schema_ref
from orchestrator.schemas.validation import CachedSchemas, Compiled, schema_problems

ORDER = {
    "type": "object",
    "required": ["order"],
    "properties": {
        "order": {
            "type": "object",
            "required": ["total"],
            "properties": {
                "total": {"type": "number", "minimum": 0},
                "items": {"type": "array", "items": {"type": "string"}},
                "email": {"type": "string", "format": "email"},
            },
        },
    },
}


def test_a_valid_schema_has_no_problems() -> None:
    assert schema_problems(ORDER) == []
    assert schema_problems(True) == []


def test_a_bad_keyword_value_is_named_by_its_path_in_the_schema() -> None:
    problems = schema_problems({"type": "object", "properties": {"total": {"type": "numbr"}}})
    assert [p.path for p in problems] == ["$.properties.total.type"]
    problems = schema_problems({"properties": {"a": {"minimum": "zero"}}})
    assert [(p.path, p.rule) for p in problems] == [("$.properties.a.minimum", "type")]


def test_every_problem_is_reported_and_a_non_object_is_refused() -> None:
    problems = schema_problems({"type": 3, "required": "a"})
    assert {p.path for p in problems} == {"$.type", "$.required"}
    assert [p.rule for p in schema_problems([1])] == ["type"]
    assert [p.path for p in schema_problems({"$schema": 7})] == ["$.$schema"]


def test_an_earlier_draft_is_checked_against_its_own_meta_schema() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "exclusiveMinimum": 3}
    # draft 4: a boolean, and only beside `minimum`
    assert {p.path for p in schema_problems(draft4)} == {"$.exclusiveMinimum", "$"}
    assert schema_problems({"$schema": "http://json-schema.org/draft-07/schema#", "exclusiveMinimum": 3}) == []


def test_violations_name_the_path_and_the_rule() -> None:
    compiled = Compiled(ORDER)
    assert compiled.violations({"order": {"total": 5, "items": ["a"]}}) == ()
    found = compiled.violations({"order": {"total": "5", "items": ["a", 2]}})
    assert [(v.path, v.rule) for v in found] == [("$.order.items[1]", "type"), ("$.order.total", "type")]
    assert str(found[1]) == "$.order.total: '5' is not of type 'number' (type)"
    missing = compiled.violations({"order": {}})
    assert [(v.path, v.rule, v.message) for v in missing] == [("$.order", "required", "'total' is a required property")]
    assert [v.rule for v in compiled.violations({"order": {"total": -1}})] == ["minimum"]


def test_formats_are_checked() -> None:
    found = Compiled(ORDER).violations({"order": {"total": 1, "email": "not an address"}})
    assert [(v.path, v.rule) for v in found] == [("$.order.email", "format")]


def test_local_refs_resolve_and_remote_ones_are_never_fetched() -> None:
    local = {"$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}}}
    assert [v.path for v in Compiled(local).violations({"a": "x"})] == ["$.a"]
    remote = {"properties": {"a": {"$ref": "http://127.0.0.1:9/evil.json"}}}
    found = Compiled(remote).violations({"a": 1})
    assert [(v.path, v.rule) for v in found] == [("$", "$ref")]


def test_violations_are_capped() -> None:
    found = Compiled({"type": "array", "items": {"type": "integer"}}).violations(["x"] * 1000)
    assert len(found) == 20


class Loader:
    def __init__(self) -> None:
        self.rows: dict[SchemaRef, tuple[Any, Any]] = {}
        self.calls = 0

    def __call__(self, ref: SchemaRef) -> tuple[Any, Any] | None:
        self.calls += 1
        return self.rows.get(ref)


def test_the_cache_reloads_after_its_ttl_and_recompiles_only_a_changed_schema() -> None:
    clock = [0.0]
    load = Loader()
    ref = SchemaRef("order", 1)
    load.rows[ref] = ("stamp-1", ORDER)
    schemas = CachedSchemas(load, ttl=2.0, clock=lambda: clock[0])
    first = schemas.compiled(ref)
    assert schemas.compiled(ref) is first and load.calls == 1
    clock[0] = 2.5
    assert schemas.compiled(ref) is first and load.calls == 2  # same stamp: kept
    load.rows[ref] = ("stamp-2", {"type": "object", "required": ["other"]})
    clock[0] = 5.0
    assert schemas.compiled(ref) is not first
    assert [v.rule for v in schemas.violations(ref, {})] == ["required"]
    schemas.forget()
    schemas.compiled(ref)
    assert load.calls == 4


def test_an_unregistered_schema_is_a_violation_not_an_error() -> None:
    schemas = CachedSchemas(Loader())
    assert schemas.violations(SchemaRef("nope", 2), {}) == (
        Violation("$", "schema", "schema 'nope' version 2 is not registered"),)


def test_references_and_task_def_fields_parse_only_well_formed_values() -> None:
    assert schema_ref({"name": "order", "version": 2, "type": "JSON", "data": None}) == SchemaRef("order", 2)
    assert schema_ref({"name": "order", "version": True}) == SchemaRef("order", None)
    assert schema_ref({"name": ""}) is None and schema_ref("order") is None
    fields = schema_fields({"inputSchema": {"name": "a", "version": 1}, "outputSchema": {"name": "b"},
                            "enforceSchema": True})
    assert fields == {"input_schema": SchemaRef("a", 1), "output_schema": SchemaRef("b"), "enforce_schema": True}
    assert schema_fields({"enforceSchema": "yes"}) == {}


def test_describe_names_the_schema_and_the_first_violations() -> None:
    found = [Violation(f"$.a{i}", "type", "bad") for i in range(5)]
    text = describe("Task input", SchemaRef("order", 1), found)
    assert text == ("Task input does not match schema 'order' version 1: $.a0: bad (type); $.a1: bad (type); "
                    "$.a2: bad (type) (and 2 more)")


def test_a_schema_too_deep_to_check_is_a_problem_not_a_crash() -> None:
    schema: dict[str, Any] = {}
    cur = schema
    for _ in range(150):
        cur["properties"] = {"a": {}}
        cur = cur["properties"]["a"]
    assert [(p.path, p.rule) for p in schema_problems(schema)] == [("$", "depth")]
    recursive = {"$defs": {"n": {"type": "object", "properties": {"a": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"}
    deep: dict[str, Any] = {}
    cur = deep
    for _ in range(2000):
        cur["a"] = {}
        cur = cur["a"]
    assert [v.rule for v in Compiled(recursive).violations(deep)] == ["depth"]


def test_a_stored_schema_that_is_invalid_refuses_every_instance_instead_of_raising() -> None:
    found = Compiled({"type": "numbr"}).violations(1)
    assert [(v.path, v.rule) for v in found] == [("$", "schema")]
    assert "invalid at $.type" in found[0].message


def test_a_huge_offending_value_is_not_copied_into_the_message() -> None:
    [violation] = Compiled({"type": "number"}).violations("x" * 100_000)
    assert len(violation.message) == 300 and violation.message.endswith("…")

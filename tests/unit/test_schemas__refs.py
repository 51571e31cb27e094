"""`$ref` between registered schemas (`baton:schema/<name>[/<version>]`), pure: the URI scheme,
finding the references, and validating through a `referencing.Registry` of the referenced rows.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.schemas import SchemaRef
from orchestrator.schemas import refs
from orchestrator.schemas.validation import CachedSchemas

ADDRESS = {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
           "$defs": {"country": {"enum": ["DE", "FR"]}}}
ORDER = {"type": "object", "properties": {"ship": {"$ref": "baton:schema/address/1"},
                                          "country": {"$ref": "baton:schema/address#/$defs/country"}}}
TREE = {"type": "object", "properties": {"v": {"type": "integer"},
                                         "kids": {"type": "array", "items": {"$ref": "baton:schema/tree/1"}}}}
PING = {"type": "object", "properties": {"pong": {"$ref": "baton:schema/pong/1"}, "n": {"type": "integer"}}}
PONG = {"type": "object", "properties": {"ping": {"$ref": "baton:schema/ping/1"}}}


class Rows:
    """A registry of schema rows whose stamps change on save, counting loads."""

    def __init__(self, **docs: Any) -> None:
        self.rows: dict[SchemaRef, tuple[int, Any]] = {}
        self.loads = 0
        for key, data in docs.items():
            self.save(key, data)

    def save(self, name: str, data: Any, version: int = 1) -> None:
        stamp = self.rows.get(SchemaRef(name, version), (0, None))[0] + 1
        self.rows[SchemaRef(name, version)] = self.rows[SchemaRef(name)] = (stamp, data)

    def load(self, ref: SchemaRef) -> tuple[Any, Any] | None:
        self.loads += 1
        return self.rows.get(ref)


def paths(found: Any) -> list[tuple[str, str]]:
    return [(v.path, v.rule) for v in found]


def test_the_uri_names_a_schema_by_name_and_optional_version() -> None:
    assert refs.target("baton:schema/address/1") == SchemaRef("address", 1)
    assert refs.target("baton:schema/address") == SchemaRef("address")
    assert refs.target("baton:schema/a.b:c-d/12#/$defs/x") == SchemaRef("a.b:c-d", 12)
    assert [refs.target(u) for u in ("baton:schema/", "baton:schema/a/0", "baton:schema/a/b/1", "baton:x")] == [None] * 4
    assert refs.uri_for(SchemaRef("address", 2)) == "baton:schema/address/2"


def test_references_are_found_with_their_paths_but_not_inside_data_keywords() -> None:
    doc = {"allOf": [{"$ref": "baton:schema/a/1"}], "properties": {"x": {"$ref": "#/$defs/y"}},
           "enum": [{"$ref": "baton:schema/not_a_ref"}], "$defs": {"y": {"$dynamicRef": "baton:schema/b"}}}
    assert list(refs.registry_refs(doc, "$.data")) == [("$.data.allOf[0].$ref", "baton:schema/a/1"),
                                                       ("$.data.$defs.y.$dynamicRef", "baton:schema/b")]
    assert refs.referenced(doc) == [SchemaRef("a", 1), SchemaRef("b")]


def test_a_referenced_schema_is_enforced_with_paths_into_the_instance() -> None:
    schemas = CachedSchemas(Rows(address=ADDRESS, order=ORDER).load)
    assert schemas.violations(SchemaRef("order", 1), {"ship": {"zip": "12345"}, "country": "DE"}) == ()
    found = schemas.violations(SchemaRef("order", 1), {"ship": {"zip": "1"}, "country": "XX"})
    assert paths(found) == [("$.country", "enum"), ("$.ship.zip", "pattern")]


def test_a_self_referencing_tree_and_two_schemas_referring_to_each_other_validate() -> None:
    schemas = CachedSchemas(Rows(tree=TREE, ping=PING, pong=PONG).load)
    deep = {"v": 1, "kids": [{"v": 2, "kids": [{"v": 3, "kids": []}, {"v": "four"}]}]}
    assert paths(schemas.violations(SchemaRef("tree", 1), deep)) == [("$.kids[0].kids[1].v", "type")]
    cycle = {"pong": {"ping": {"pong": {"ping": {"n": "x"}}}}}
    assert paths(schemas.violations(SchemaRef("ping", 1), cycle)) == [("$.pong.ping.pong.ping.n", "type")]


def test_a_reference_to_a_missing_schema_refuses_every_instance_without_raising() -> None:
    schemas = CachedSchemas(Rows(order=ORDER).load)
    found = schemas.violations(SchemaRef("order", 1), {"ship": {}})
    assert [(v.path, v.rule) for v in found] == [("$", "$ref")]
    assert "baton:schema/address/1" in found[0].message


def test_the_compiled_validator_is_reused_until_a_referenced_schema_changes() -> None:
    rows = Rows(address=ADDRESS, order=ORDER)
    clock = [0.0]
    schemas = CachedSchemas(rows.load, ttl=2.0, clock=lambda: clock[0])
    first = schemas.compiled(SchemaRef("order", 1))
    assert schemas.compiled(SchemaRef("order", 1)) is first and rows.loads == 3  # order, address/1, address
    clock[0] = 5.0
    assert schemas.compiled(SchemaRef("order", 1)) is first  # looked up again, nothing changed
    rows.save("address", {"type": "object", "required": ["zip", "city"]})
    assert schemas.violations(SchemaRef("order", 1), {"ship": {"zip": "12345"}}) == ()  # within the TTL
    clock[0] = 10.0
    found = schemas.violations(SchemaRef("order", 1), {"ship": {"zip": "12345"}})
    assert paths(found) == [("$.ship", "required")]
    assert schemas.compiled(SchemaRef("order", 1)) is not first


def test_a_schema_given_as_data_resolves_its_registered_refs() -> None:
    schemas = CachedSchemas(Rows(address=ADDRESS).load)
    form = {"type": "object", "properties": {"to": {"$ref": "baton:schema/address/1"}}}
    assert paths(schemas.compile_data(form).violations({"to": {"zip": "x"}})) == [("$.to.zip", "pattern")]


def test_inlined_writes_each_reference_in_for_a_form_and_stops_at_a_cycle() -> None:
    resources = {SchemaRef("address", 1): ADDRESS, SchemaRef("address", None): ADDRESS, SchemaRef("tree", 1): TREE}
    drawn = refs.inlined(ORDER, resources)
    assert drawn["properties"]["ship"]["properties"]["zip"]["pattern"] == "^[0-9]{5}$"
    assert drawn["properties"]["country"] == {"enum": ["DE", "FR"]}  # a pointer into the named schema
    local = {"type": "object", "$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n", "title": "A"}}}
    assert refs.inlined(local, {})["properties"]["a"] == {"type": "integer", "title": "A"}  # siblings kept
    deep = refs.inlined({"$ref": "baton:schema/tree/1"}, resources)
    for _ in range(refs.MAX_INLINE_DEPTH - 1):
        deep = deep["properties"]["kids"]["items"]
    assert deep["properties"]["kids"]["items"] == {"$ref": "baton:schema/tree/1"}  # the cycle stops, as a ref
    assert refs.inlined({"$ref": "baton:schema/missing/1"}, resources) == {"$ref": "baton:schema/missing/1"}
    assert refs.inlined({"enum": [{"$ref": "#/x"}]}, {}) == {"enum": [{"$ref": "#/x"}]}  # data, not a schema

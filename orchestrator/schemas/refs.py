"""`$ref` between registered schemas: the `baton:schema/...` URI scheme (pure: no Django).

A schema refers to another registered schema by name, and optionally version:

    {"$ref": "baton:schema/address/1"}           # version 1 of `address`
    {"$ref": "baton:schema/address"}             # its latest version
    {"$ref": "baton:schema/address/1#/$defs/zip"}  # a part of it (a JSON pointer fragment)

On save, every such reference must name a registered schema (or one saved in the same request);
when validating, the referenced schemas are handed to `jsonschema` as a `referencing.Registry`
built from their rows, so nothing is fetched at validation time and no URL is ever retrieved.
Cycles (a tree whose node refers to the tree, two schemas referring to each other) are fine:
`jsonschema` resolves a reference only when an instance reaches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from orchestrator.engine.schemas import SchemaRef

SCHEME = "baton:schema/"
_URI = re.compile(r"baton:schema/(?P<name>[A-Za-z0-9_.:\-]+)(?:/(?P<version>[1-9][0-9]*))?")
_REF_KEYWORDS = ("$ref", "$dynamicRef")


def uri_for(ref: SchemaRef) -> str:
    """The URI by which other schemas refer to `ref`."""
    return SCHEME + ref.name + (f"/{ref.version}" if ref.version is not None else "")


def target(uri: str) -> SchemaRef | None:
    """The registered schema a `baton:schema/...` URI (fragment ignored) names; None if malformed."""
    found = _URI.fullmatch(uri.split("#", 1)[0])
    if found is None:
        return None
    version = found.group("version")
    return SchemaRef(found.group("name"), int(version) if version else None)


def registry_refs(data: Any, at: str = "$") -> Iterator[tuple[str, str]]:
    """Every `baton:` reference in a schema, as (JSON path of the keyword, URI), in document order.

    Values under `enum`, `const`, `default` and `examples` are data, not schemas: a `$ref` key
    there is not a reference.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{at}.{key}"
            if key in _REF_KEYWORDS and isinstance(value, str) and value.startswith("baton:"):
                yield path, value
            elif key not in ("enum", "const", "default", "examples"):
                yield from registry_refs(value, path)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from registry_refs(item, f"{at}[{i}]")


def referenced(data: Any) -> list[SchemaRef]:
    """The registered schemas `data` refers to directly (well-formed URIs only, each once)."""
    found: dict[SchemaRef, None] = {}
    for _, uri in registry_refs(data):
        ref = target(uri)
        if ref is not None:
            found[ref] = None
    return list(found)


def registry_of(resources: Mapping[SchemaRef, Any]) -> Registry[Any]:
    """A `referencing.Registry` holding each referenced schema under its `baton:` URI. Its
    `$schema` picks the draft; without one, 2020-12 (as for the schema that refers to it)."""
    return Registry().with_resources(
        (uri_for(ref), Resource.from_contents(data, default_specification=DRAFT202012))
        for ref, data in resources.items()
    )


# How many references deep `inlined` follows before leaving a `$ref` as it is (a cycle, or a
# schema nested absurdly deep): a form is drawn from a finite tree.
MAX_INLINE_DEPTH = 8
_DATA_KEYWORDS = ("enum", "const", "default", "examples")


def _pointer(doc: Any, fragment: str) -> Any:
    """The part of `doc` a JSON pointer fragment ("/$defs/zip", "" for all of it) names, or None."""
    node = doc
    for raw in [p for p in fragment.split("/") if p]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def inlined(data: Any, resources: Mapping[SchemaRef, Any]) -> Any:
    """A copy of `data` with each `baton:schema/...` reference (and each local `#/...` one) replaced
    by the schema it names, its sibling keywords kept: what a form builder, which follows no
    references, needs to draw the fields. A reference it cannot resolve, or one deeper than
    MAX_INLINE_DEPTH (a cycle), is left as it is — validation still resolves it."""

    def walk(node: Any, root: Any, depth: int) -> Any:
        if isinstance(node, list):
            return [walk(item, root, depth) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and depth < MAX_INLINE_DEPTH:
            doc, fragment = root, ref[1:] if ref.startswith("#") else None
            if ref.startswith(SCHEME):
                named = target(ref)
                doc = resources.get(named) if named is not None else None
                fragment = ref.split("#", 1)[1] if "#" in ref else ""
            found = _pointer(doc, fragment) if doc is not None and fragment is not None else None
            if isinstance(found, dict):
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                return walk({**found, **siblings}, doc, depth + 1)
        return {k: (v if k in _DATA_KEYWORDS else walk(v, root, depth)) for k, v in node.items()}

    return walk(data, data, 0)

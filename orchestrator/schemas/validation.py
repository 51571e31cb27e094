"""The pure adapter between the `jsonschema` library and Baton: no Django, no database.

    problems = schema_problems(data)          # on save: [] or where the schema breaks its meta-schema
    Compiled(data).violations(instance)       # what an instance breaks, as engine `Violation`s
    CachedSchemas(load).violations(ref, x)    # the engine's `SchemaCheck`, over any loader

The draft comes from the schema's `$schema` (2020-12 when absent). References resolve inside
the schema itself and to other registered schemas by their `baton:schema/<name>[/<version>]`
URI (`refs`): those are loaded with the schema and compiled into its `referencing.Registry`,
which never fetches a URL, so a schema cannot make the server call out.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable

from orchestrator.engine.schemas import SchemaRef, Violation

from . import refs

MAX_VIOLATIONS = 20  # reported per check; an array of a million bad items stops here


MAX_MESSAGE_CHARS = 300  # jsonschema quotes the offending value, which may be a megabyte of text


def _violation(error: ValidationError) -> Violation:
    message = error.message
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    return Violation(path=error.json_path, rule=str(error.validator), message=message)


def _validator_class(data: Any) -> Any:
    return validators.validator_for(data, default=Draft202012Validator)


def schema_problems(data: Any) -> list[Violation]:
    """Where `data` is not a valid JSON Schema of its draft: the path into the schema names the
    bad keyword (e.g. `$.properties.total.type`). Empty: it is valid."""
    if not isinstance(data, dict | bool):
        return [Violation("$", "type", "a JSON Schema must be an object (or a boolean)")]
    if isinstance(data, dict) and "$schema" in data and not isinstance(data["$schema"], str):
        return [Violation("$.$schema", "type", "$schema must be a string URI")]
    cls = _validator_class(data)
    meta = cls(cls.META_SCHEMA)
    try:
        return [_violation(e) for e in itertools.islice(meta.iter_errors(data), MAX_VIOLATIONS)]
    except RecursionError:
        # The meta-schema recurses a few frames per level: ~90 levels of `properties` exhaust it.
        return [Violation("$", "depth", "the schema nests too deeply to be checked")]


class Compiled:
    """One schema, checked against its meta-schema once and ready to validate instances."""

    def __init__(self, data: Any, referenced: Mapping[SchemaRef, Any] | None = None) -> None:
        """`referenced`: the registered schemas `data` refers to (transitively), by reference."""
        # Saved schemas were checked already; a row edited around the API (SQL) must still not
        # make every decision raise, so a broken one refuses every instance instead.
        self._broken = schema_problems(data)
        cls = _validator_class(data if isinstance(data, dict | bool) else {})
        registry = refs.registry_of(referenced) if referenced else Registry()
        self._validator = cls(data, registry=registry, format_checker=cls.FORMAT_CHECKER)

    def violations(self, instance: Any) -> tuple[Violation, ...]:
        if self._broken:
            first = self._broken[0]
            return (Violation("$", "schema", f"the schema itself is invalid at {first.path}: {first.message}"),)
        try:
            errors = list(itertools.islice(self._validator.iter_errors(instance), MAX_VIOLATIONS))
        except Unresolvable as exc:
            return (Violation("$", "$ref", f"unresolvable reference: {exc}"),)
        except RecursionError:
            # A recursive schema over a deep instance: refuse it rather than fail the request.
            return (Violation("$", "depth", "the value nests too deeply to be checked against the schema"),)
        errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
        return tuple(_violation(e) for e in errors)


# A loader answers a reference with a stamp that changes whenever the schema does (a row's
# update time) and the schema data, or None when no such schema is registered.
Loader = Callable[[SchemaRef], tuple[Hashable, Any] | None]


MAX_REFERENCED = 100  # registered schemas one schema may pull in through `$ref`, transitively


class CachedSchemas:
    """The engine's `SchemaCheck` over a loader, with compiled validators cached per reference.

    Validation is on the hot path (every scheduled worker task with an enforced schema, every
    enforced result), compiling is not cheap, and the registry may change in another process:
    each reference is looked up again at most every `ttl` seconds, with the schemas it refers
    to, and recompiled only when one of their stamps changed. `forget()` drops everything (this
    process saved or deleted a schema).
    """

    def __init__(self, load: Loader, ttl: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[SchemaRef, tuple[float, Hashable, Compiled | None]] = {}

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def compiled(self, ref: SchemaRef) -> Compiled | None:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(ref)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[2]
        loaded = self._load(ref)
        if loaded is None:
            entry: tuple[float, Hashable, Compiled | None] = (now, None, None)
        else:
            root_stamp, data = loaded
            referenced = self._referenced(data)
            stamp = (root_stamp, tuple((r, s) for r, (s, _) in referenced.items()))
            if cached is not None and cached[1] == stamp and cached[2] is not None:
                entry = (now, stamp, cached[2])
            else:
                entry = (now, stamp, Compiled(data, {r: d for r, (_, d) in referenced.items()}))
        with self._lock:
            self._cache[ref] = entry
        return entry[2]

    def compile_data(self, data: Any) -> Compiled:
        """A schema given as data (a HUMAN form's, an inline one), compiled with the registered
        schemas its `baton:schema/...` refs name; not cached."""
        return Compiled(data, {r: d for r, (_, d) in self._referenced(data).items()})

    def inline(self, data: Any) -> Any:
        """`data` with its registered references written in (refs.inlined): a form's schema as
        a tree a form builder can draw."""
        return refs.inlined(data, {r: d for r, (_, d) in self._referenced(data).items()})

    def _referenced(self, data: Any) -> dict[SchemaRef, tuple[Hashable, Any]]:
        """Every registered schema `data` refers to, transitively (cycles included once), with
        its stamp. One that is not registered is left out: a reference to it is unresolvable."""
        found: dict[SchemaRef, tuple[Hashable, Any]] = {}
        todo = refs.referenced(data)
        seen = set(todo)
        while todo and len(found) < MAX_REFERENCED:
            ref = todo.pop(0)
            loaded = self._load(ref)
            if loaded is None:
                continue
            found[ref] = loaded
            for more in refs.referenced(loaded[1]):
                if more not in seen:
                    seen.add(more)
                    todo.append(more)
        return found

    def violations(self, ref: SchemaRef, instance: Any) -> Sequence[Violation]:
        compiled = self.compiled(ref)
        if compiled is None:
            return (Violation("$", "schema", f"schema {ref.label()} is not registered"),)
        return compiled.violations(instance)


def as_errors(violations: Sequence[Violation]) -> list[Mapping[str, Any]]:
    """Violations as the API's `validationErrors` entries (path, message, rule)."""
    return [{"path": v.path, "message": v.message, "rule": v.rule} for v in violations]

"""A JSON Schema (object) as a Django form, and the form's cleaned data back as JSON.

    form = schema_form(schema, order=[...], labels={...}, data=request.POST)
    if form.is_valid(): value = form_value(schema, form.cleaned_data)

string/number/integer/boolean map to Char/Float/Integer/Boolean fields; `enum`
to a select; required, minimum/maximum, minLength/maxLength and pattern to the field's own
validators (so errors show beside the field). Nested objects become fieldsets, their fields
named `parent.child`; arrays of scalars a textarea with one item per line. Anything else
(arrays of objects, oneOf...) is a JSON textarea. The submitted value is re-validated against the
whole schema with `jsonschema` afterwards (`service.decide`), which is the rule that counts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.validators import RegexValidator

SCALARS = {"string", "number", "integer", "boolean"}


@dataclass
class Fieldset:
    legend: str
    names: list[str] = field(default_factory=list)


def _type(prop: Mapping[str, Any]) -> str:
    t = prop.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t is None and "enum" in prop:
        return "enum"
    return str(t or "string")


class LinesField(forms.CharField):
    """An array of scalars, one per line (commas also split a single line)."""

    def __init__(self, item_type: str, **kwargs: Any) -> None:
        super().__init__(widget=forms.Textarea(attrs={"rows": 3}), **kwargs)
        self.item_type = item_type

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        parts = [p.strip() for line in text.splitlines() for p in (line.split(",") if "," in line else [line])]
        items = [p for p in parts if p]
        try:
            if self.item_type == "integer":
                return [int(p) for p in items]
            if self.item_type == "number":
                return [float(p) for p in items]
        except ValueError as exc:
            raise forms.ValidationError(f"every item must be of type {self.item_type}") from exc
        return items

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(v) for v in value) if isinstance(value, list) else value


class JsonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.Textarea(attrs={"rows": 4}), **kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError("not valid JSON") from exc


def scalar_field(prop: Mapping[str, Any], label: str, required: bool) -> forms.Field:
    """The Django form field of one schema property."""
    common: dict[str, Any] = {"label": label, "required": required, "help_text": prop.get("description", "")}
    if "default" in prop:
        common["initial"] = prop["default"]
    if isinstance(prop.get("enum"), list):
        choices = [(json.dumps(v), str(v)) for v in prop["enum"]]
        if not required:
            choices.insert(0, ("", "—"))
        if "initial" in common:
            common["initial"] = json.dumps(common["initial"])
        return forms.TypedChoiceField(choices=choices, coerce=json.loads, empty_value=None, **common)
    kind = _type(prop)
    if kind == "boolean":
        # An unticked box is `false`, so a boolean is never "missing": required would force a tick.
        return forms.BooleanField(**{**common, "required": False})
    if kind in ("integer", "number"):
        bounds = {k: prop[k] for k in ("minimum", "maximum") if isinstance(prop.get(k), int | float)}
        cls = forms.IntegerField if kind == "integer" else forms.FloatField
        return cls(min_value=bounds.get("minimum"), max_value=bounds.get("maximum"), **common)
    if kind == "array":
        raw = prop.get("items")
        items: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        item_type = _type(items)
        if item_type in SCALARS:
            return LinesField(item_type, **common)
        return JsonField(**common)
    if kind == "object":
        return JsonField(**common)
    validators = []
    if isinstance(prop.get("pattern"), str):
        validators.append(RegexValidator(prop["pattern"], f"must match the pattern {prop['pattern']}"))
    lengths = {k: prop[k] for k in ("minLength", "maxLength") if isinstance(prop.get(k), int)}
    widget = forms.Textarea(attrs={"rows": 3}) if prop.get("format") == "textarea" else None
    return forms.CharField(min_length=lengths.get("minLength"), max_length=lengths.get("maxLength"),
                           validators=validators, widget=widget, strip=False, **common)


def _walk(schema: Mapping[str, Any], prefix: str, order: Sequence[str], labels: Mapping[str, str],
          fields: dict[str, forms.Field], sets: list[Fieldset], legend: str) -> None:
    raw = schema.get("properties")
    props: dict[str, Any] = raw if isinstance(raw, dict) else {}
    required = set(schema.get("required") or ())
    names = [n for n in order if n in props] + [n for n in props if n not in order]
    here = Fieldset(legend)
    sets.append(here)
    for name in names:
        prop = props[name] if isinstance(props[name], dict) else {}
        key = f"{prefix}{name}"
        label = labels.get(key) or prop.get("title") or name
        if _type(prop) == "object" and isinstance(prop.get("properties"), dict):
            _walk(prop, f"{key}.", order, labels, fields, sets, str(label))
            continue
        fields[key] = scalar_field(prop, str(label), name in required)
        here.names.append(key)


class SchemaForm(forms.Form):
    fieldsets: list[Fieldset]


def schema_form(schema: Mapping[str, Any], *, order: Sequence[str] = (), labels: Mapping[str, str] | None = None,
                data: Any = None, initial: dict[str, Any] | None = None) -> SchemaForm:
    """A bound (with `data`) or unbound form for an object schema; `fieldsets` lists the groups."""
    fields: dict[str, forms.Field] = {}
    sets: list[Fieldset] = []
    _walk(schema, "", order, labels or {}, fields, sets, "")
    form = SchemaForm(data=data, initial=initial)
    form.fields.update(fields)
    form.fieldsets = [s for s in sets if s.names]
    return form


def form_value(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned data as the JSON object it stands for (`a.b` → {"a": {"b": ...}}); empty
    optional fields are left out rather than sent as null, so `required` is the schema's to judge."""
    out: dict[str, Any] = {}
    for key, value in cleaned.items():
        if value is None or value == "" or value == []:
            continue
        *parents, leaf = key.split(".")
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out

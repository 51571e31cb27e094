"""Errors a keyboard or screen-reader user can find without JavaScript: each invalid field points
at its message (`aria-describedby`), the first one takes the focus when the page comes back
(`autofocus`), and the banner lists every error as a link to its field."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class FieldError:
    field_id: str  # the input's id, the target of the banner's link
    label: str
    message: str


def mark(form: forms.Form) -> list[FieldError]:
    """Mark the bound form's invalid fields and return them in the form's order."""
    if not form.is_bound:
        return []
    out: list[FieldError] = []
    for bound in form:
        if not bound.errors:
            continue
        attrs = bound.field.widget.attrs
        attrs["aria-describedby"] = f"err-{bound.name}"
        if not out:
            attrs["autofocus"] = True
        out.append(FieldError(bound.id_for_label, str(bound.label), "; ".join(str(e) for e in bound.errors)))
    return out

"""The `Problem` value and the field helpers every validation check uses.

Pure stdlib. Every helper returns problems and never raises, whatever the shape of its input. The
walk over a definition is `validation.py`; each task type's own checks are its `validate()` in
`orchestrator.systemtasks`. Ids and their meaning are listed in docs/validation.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard

Severity = Literal["error", "warning"]

_NO_VALUE: Any = object()
_PATH_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Problem:
    """One validation finding, located by a JSON path into the submitted document.

    Errors refuse the document; warnings are reported (the editor shows them) but do not.
    """

    id: str  # stable, e.g. "WF.E001"
    path: str  # e.g. "$.tasks[2].decisionCases.yes[0].taskReferenceName"
    message: str
    ref: str | None = None  # taskReferenceName of the task concerned (the editor marks that node)
    invalid_value: Any = field(default=_NO_VALUE, repr=False)
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "path": self.path, "message": self.message, "ref": self.ref, "severity": self.severity,
        }
        if self.invalid_value is not _NO_VALUE:
            out["invalidValue"] = self.invalid_value
        return out


def problem(
    pid: str, path: str, message: str, ref: str | None = None, value: Any = _NO_VALUE, severity: Severity = "error"
) -> Problem:
    """Build a Problem; `value` is kept only when it is a JSON scalar that is safe to echo back."""
    return Problem(pid, path, message, ref, _echoable(value), severity)


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that refuse a document (warnings left out)."""
    return [p for p in problems if p.is_error]
def _echoable(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else _NO_VALUE
    if isinstance(value, float):
        return value if math.isfinite(value) else _NO_VALUE
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    return _NO_VALUE


def shown(value: Any) -> str:
    """A short, safe rendering of any value for a message (never a deep repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**18 else "a very large integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def join(path: str, key: Any) -> str:
    """Extend a JSON path by an object key or a list index."""
    if is_int(key) and abs(key) < 10**18:
        return f"{path}[{key}]"
    text = key if isinstance(key, str) else shown(key)
    if _PATH_KEY.fullmatch(text):
        return f"{path}.{text}"
    return "{}['{}']".format(path, text.replace("\\", "\\\\").replace("'", "\\'"))


def where(path: str) -> str:
    """The path as used at the start of a message: `tasks[0].name` rather than `$.tasks[0].name`."""
    return path.removeprefix("$.")


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: Any) -> TypeGuard[str]:
    """A non-empty, not whitespace-only string."""
    return isinstance(value, str) and value.strip() != ""


def is_dynamic(value: Any) -> bool:
    """A string holding a `${...}` expression: its value is only known at run time."""
    return isinstance(value, str) and "${" in value


Check = Callable[[dict[str, Any], str, str | None], list[Problem]]


def must(pid: str, path: str, what: str, ref: str | None, value: Any, required: bool = False) -> Problem:
    """`<path> must be <what> (got <value>).`, or `<path> is required and must be <what>.` when missing."""
    if required and value is None:
        return problem(pid, path, f"{where(path)} is required and must be {what}.", ref, value)
    return problem(pid, path, f"{where(path)} must be {what} (got {shown(value)}).", ref, value)


def required(pid: str, path: str, what: str, ref: str | None, value: Any = _NO_VALUE) -> Problem:
    return problem(pid, path, f"{where(path)} is required: {what}.", ref, value)


def check_int(
    obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None, minimum: int = 0
) -> list[Problem]:
    """`obj[key]`, when present and not null, must be an integer >= minimum (booleans are not)."""
    value = obj.get(key)
    if value is None or (is_int(value) and value >= minimum):
        return []
    return [must(pid, join(path, key), f"an integer >= {minimum}", ref, value)]


def check_bool(obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None) -> list[Problem]:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return []
    return [must(pid, join(path, key), "true or false", ref, value)]


def check_enum(
    obj: dict[str, Any], key: str, path: str, pid: str, allowed: tuple[str, ...], ref: str | None = None
) -> list[Problem]:
    value = obj.get(key)
    if value is None or (isinstance(value, str) and value in allowed):
        return []
    return [must(pid, join(path, key), "one of " + ", ".join(allowed), ref, value)]


def check_object(obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None) -> list[Problem]:
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return []
    return [must(pid, join(path, key), "a JSON object", ref, value)]

def inputs_of(task: dict[str, Any]) -> dict[str, Any]:
    """A WorkflowTask's inputParameters, or {} when they are missing or not an object."""
    params = task.get("inputParameters")
    return params if isinstance(params, dict) else {}


def named_param(pid: str, key: str, what: str) -> Check:
    """A check that the node field `key` is a non-empty string."""

    def check(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        value = task.get(key)
        return [] if is_text(value) else [required(pid, join(path, key), what, ref, value)]

    return check

"""Parameter wiring expressions (Conductor schemaVersion 2), see CONDUCTOR.md section 5.

Mirrors Conductor's ``ParametersUtils``: ``${path}`` where *path* is a Jayway JSONPath without the
leading ``$.``, evaluated with ``SUPPRESS_EXCEPTIONS`` (anything that goes wrong yields ``None``).

This runs for every scheduled task, so evaluation is layered by cost:

* strings without ``${`` are returned untouched;
* a string that is exactly one un-nested ``${...}`` skips the brace scanner;
* paths are compiled once (``lru_cache``) into a definite prefix (``a.b[0]['c-d']``) walked
  directly over dicts/lists, plus an optional indefinite tail (deep scan, wildcard, filter,
  slice, union) handed to jsonpath-ng, plus an optional trailing Jayway function (``length()``).

Pure module: standard library and jsonpath-ng only.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from jsonpath_ng.ext.parser import parse as _jsonpath_parse

__all__ = ["DictScope", "Scope", "references", "resolve", "resolve_map"]

TASK_ID_PARAM = "CPEWF_TASK_ID"
# Conductor's other system parameters read server environment variables / system properties.
# We never expose the server environment, so they behave like Conductor with the variable unset:
# the text is left as written (and definition validation accepts them, like Conductor's).
_SYSTEM_PARAMS = frozenset({TASK_ID_PARAM, "NETFLIX_ENV", "NETFLIX_STACK"})
# Secrets stay literal in stored input; they are substituted only in the copy handed to a worker.
_SECRETS_PREFIX = "workflow.secrets."

_KEEP: Any = object()  # evaluation sentinel: leave the ``${...}`` text exactly as written
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_BRACES = re.compile(r"[{}]")
_KEY_END = re.compile(r"[.\[]")
_INDEX = re.compile(r"\s*-?\d+\s*")
# Trailing Jayway path functions that take no arguments (``list.length()``).
_FUNCTION = re.compile(r"\.([a-z]+)\(\s*\)\s*$")
_FUNCTIONS = frozenset("length size min max avg sum stddev keys first last".split())


class Scope(Protocol):
    def lookup(self, name: str) -> Any:
        """Top-level document for `name`: 'workflow' -> the workflow doc dict; a task reference
        name -> that task's doc dict; None when unknown."""
        ...


class DictScope:
    """A Scope over a plain mapping of name -> document."""

    __slots__ = ("_docs",)

    def __init__(self, docs: Mapping[str, Any]) -> None:
        self._docs = docs

    def lookup(self, name: str) -> Any:
        return self._docs.get(name)


# -- Public API --
def resolve(value: Any, scope: Scope, *, task_id: str | None = None) -> Any:
    """Resolve one inputParameters value (walks dicts/lists recursively; only strings are
    interpreted). Returns a new value, never mutates the input."""
    if isinstance(value, str):
        if "${" not in value:  # the overwhelmingly common literal case
            return value
        return _resolve_str(value, scope, task_id, True)
    if value is None or isinstance(value, (int, float)):
        return value
    # ``type() is`` first: isinstance against the Mapping ABC costs ~0.4 us on the hot path.
    if type(value) is dict or isinstance(value, Mapping):
        return {k: resolve(v, scope, task_id=task_id) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(v, scope, task_id=task_id) for v in value]
    return copy.deepcopy(value)  # unknown object: copy so callers never alias stored input


def resolve_map(params: Mapping[str, Any] | None, scope: Scope, *, task_id: str | None = None) -> dict[str, Any]:
    """resolve() over a whole inputParameters/outputParameters map."""
    if not params:
        return {}
    return {k: resolve(v, scope, task_id=task_id) for k, v in params.items()}


def references(value: Any) -> set[str]:
    """The top-level names (first path segment: 'workflow' or task refs) that ${...} expressions
    in value refer to, for definition validation. Ignores CPEWF_TASK_ID and $${ escapes."""
    found: set[str] = set()
    _collect(value, found)
    return found


# -- String substitution --
@lru_cache(maxsize=4096)  # the same definition strings are scanned for every execution
def _scan(s: str) -> tuple[tuple[int, int], ...]:
    """Spans ``[start, end)`` of the top-level ``${...}`` in ``s``, as Conductor's balanced-brace
    regex finds them: ``$${`` is an escape; a ``${`` whose braces never balance is plain text.

    Braces are matched in one stack pass, so pathological input (thousands of unclosed ``${``)
    stays linear rather than rescanning the tail for every candidate.
    """
    close: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACES.finditer(s):
        if m.group() == "{":
            stack.append(m.start())
        elif stack:
            close[stack.pop()] = m.end()
    spans: list[tuple[int, int]] = []
    i = s.find("${")
    while i >= 0:
        end = close.get(i + 1)
        if end is not None and (i == 0 or s[i - 1] != "$"):
            spans.append((i, end))
            i = s.find("${", end)
        else:
            i = s.find("${", i + 2)
    return tuple(spans)


def _resolve_str(s: str, scope: Scope, task_id: str | None, top: bool) -> Any:
    whole = _whole(s) if top else None
    if whole is not None:
        value = _run(whole, scope, task_id)
        return s if value is _KEEP else _copy(value)
    out: list[str] = []
    pos = 0
    for start, end in _scan(s):
        path = s[start + 2 : end - 1]
        if "${" in path:  # nesting: the inside is resolved (as text) first
            path = _resolve_str(path, scope, task_id, False)
        value = _evaluate(path, scope, task_id)
        if top and start == 0 and end == len(s):  # whole value: keep the JSON type
            return s if value is _KEEP else _copy(value)
        out.append(_unescape(s[pos:start]))
        out.append(s[start:end] if value is _KEEP else _to_text(value))
        pos = end
    out.append(_unescape(s[pos:]))
    return "".join(out)


def _unescape(text: str) -> str:
    # Only literal text is unescaped; substituted values are data and are left alone (Conductor
    # unescapes the whole rebuilt string, which would also rewrite "$${" inside task outputs).
    return text.replace("$${", "${") if "$${" in text else text


def _to_text(value: Any) -> str:
    """String form of a value interpolated into surrounding text (JSON spelling)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else json.dumps(value)  # JSON spelling
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(_copy(value), separators=(",", ":"), ensure_ascii=False, default=str)
    return str(value)


def _copy(value: Any) -> Any:
    """Deep copy of a JSON-shaped value (Mapping -> dict, tuple -> list). Results come straight
    out of stored documents: uncopied, a caller could mutate another task's output."""
    t = type(value)
    if t in _SCALAR_TYPES:
        return value
    if t is dict or isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    if isinstance(value, _SCALARS):  # subclasses such as str-based enums are immutable too
        return value
    return copy.deepcopy(value)


# -- Path evaluation --
@dataclass(frozen=True, slots=True)
class _Path:
    name: str | None  # document name (first segment); None = not a document path, see kind
    steps: tuple[str | int, ...] = ()  # definite prefix: str = object key, int = list index
    tail: Any = None  # compiled jsonpath-ng expression for the indefinite remainder
    func: str | None = None  # trailing Jayway function applied to the result
    kind: str = ""  # when name is None: "invalid", "empty", "task_id" or "keep"


_INVALID, _EMPTY = _Path(None, kind="invalid"), _Path(None, kind="empty")
_TASK_ID, _LITERAL = _Path(None, kind="task_id"), _Path(None, kind="keep")


@lru_cache(maxsize=4096)
def _whole(s: str) -> _Path | None:
    """Compiled path when ``s`` is exactly one un-nested ``${...}`` (the hot case), else None.

    Caching on the whole string skips the brace checks, the slice and a second cache lookup.
    """
    if s.startswith("${") and s[-1] == "}" and s.count("{") == 1 and s.count("}") == 1:
        return _compile(s[2:-1])
    return None


def _evaluate(path: str, scope: Scope, task_id: str | None) -> Any:
    return _run(_compile(path), scope, task_id)


def _run(p: _Path, scope: Scope, task_id: str | None) -> Any:
    if p.name is not None:
        return _read(p, p.name, scope)
    if p.kind == "empty":
        return ""  # ``${}`` / ``${  }``
    if p.kind == "task_id" and task_id is not None:
        return task_id
    # Conductor leaves the text when a system value is unknown (no task id, e.g. for the
    # workflow output), and defers secrets to poll time.
    return None if p.kind == "invalid" else _KEEP


def _read(p: _Path, name: str, scope: Scope) -> Any:
    cur = scope.lookup(name)
    for step in p.steps:
        if cur is None:
            break
        if isinstance(step, str):
            cur = cur.get(step) if type(cur) is dict or isinstance(cur, Mapping) else None
        elif isinstance(cur, (list, tuple)) and -len(cur) <= step < len(cur):
            cur = cur[step]  # Jayway accepts negative indexes too
        else:
            cur = None
    if p.tail is not None:
        # Indefinite paths always give a list (Jayway), empty when nothing matches.
        if cur is None:
            cur = []
        else:
            # jsonpath-ng only understands plain dicts/lists; the copy also unaliases results.
            # Anything it raises (e.g. a filter comparing str with int) means "no match", as
            # in Jayway: resolution must never fail on user data.
            try:
                cur = [m.value for m in p.tail.find(_copy(cur))]
            except Exception:  # noqa: BLE001
                cur = []
    if p.func is not None:
        cur = _apply(p.func, cur)
    return cur


@lru_cache(maxsize=4096)
def _compile(path: str) -> _Path:
    """Split a path into document name, direct-walk steps, jsonpath-ng tail and function."""
    path = path.strip()  # Jayway trims the path too
    if not path:
        return _EMPTY
    if path in _SYSTEM_PARAMS:
        return _TASK_ID if path == TASK_ID_PARAM else _LITERAL
    if path.startswith(_SECRETS_PREFIX):
        return _LITERAL
    if path.startswith("$"):  # Jayway also accepts an explicit root
        if path.startswith("$."):
            path = path[2:]
        elif path.startswith("$["):
            path = path[1:]
        else:
            return _INVALID  # ``$`` / ``$..x``: the scope cannot enumerate every document
    func = None
    m = _FUNCTION.search(path)
    if m is not None and m.group(1) in _FUNCTIONS:
        func = m.group(1)
        path = path[: m.start()]
    split = _tokenize(path)
    if split is None:
        return _INVALID
    steps, rest = split
    if not steps or not isinstance(steps[0], str):
        return _INVALID
    tail = None
    if rest:
        try:
            tail = _jsonpath_parse("$" + rest)
        except Exception:  # noqa: BLE001 - jsonpath-ng raises assorted parser/lexer errors
            return _INVALID
    return _Path(steps[0], tuple(steps[1:]), tail, func)


def _tokenize(path: str) -> tuple[list[str | int], str] | None:
    """Definite steps up to the first indefinite token, plus the remaining path text.

    Returns None for paths that are malformed in ways jsonpath-ng could not fix either.
    """
    steps: list[str | int] = []
    i, n = 0, len(path)
    while i < n:
        c = path[i]
        if c == "[":
            close = path.find("]", i)
            if close < 0:
                return None
            inner = path[i + 1 : close].strip()
            q = inner[:1]
            if len(inner) >= 2 and q in ("'", '"') and inner[-1] == q and q not in inner[1:-1]:
                steps.append(inner[1:-1])  # ['a-b'] / ["a b"]
            elif _INDEX.fullmatch(inner):
                steps.append(int(inner))
            elif steps:
                return steps, path[i:]  # [*], [?(...)], [0,1], [1:3] -> jsonpath-ng
            else:
                return None
            i = close + 1
            continue
        if c == ".":
            if not steps:
                return None
            if path.startswith("..", i):
                return steps, path[i:]  # deep scan
            i += 1
        elif steps:
            return None  # junk right after ``]``
        m = _KEY_END.search(path, i)
        j = m.start() if m else n
        key = path[i:j]
        if not key:
            return None
        if "*" in key or "(" in key or "?" in key:
            if not steps:
                return None
            return steps, path[i - 1 :]
        steps.append(key)  # Jayway dot keys may hold dashes or digits ("1" of DO_WHILE output)
        i = j
    return steps, ""


def _apply(func: str, value: Any) -> Any:
    """Jayway's argument-less path functions; None whenever Jayway would raise."""
    if func in ("length", "size"):
        return len(value) if isinstance(value, (list, Mapping)) else None
    if func == "keys":
        return list(value) if isinstance(value, Mapping) else None
    if not isinstance(value, list) or not value:
        return None
    if func == "first":
        return _copy(value[0])
    if func == "last":
        return _copy(value[-1])
    nums = [float(v) for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not nums:
        return None
    # Jayway's numeric aggregations always return a Double.
    if func == "min":
        return min(nums)
    if func == "max":
        return max(nums)
    if func == "sum":
        return math.fsum(nums)
    mean = math.fsum(nums) / len(nums)
    if func == "avg":
        return mean
    return math.sqrt(max(math.fsum(v * v for v in nums) / len(nums) - mean * mean, 0.0))


# -- Reference collection (definition validation) --
def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        if "${" in value:
            _collect_str(value, found)
    elif isinstance(value, Mapping):
        for v in value.values():
            _collect(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, found)


def _collect_str(s: str, found: set[str]) -> None:
    for start, end in _scan(s):
        path = s[start + 2 : end - 1]
        if "${" in path:
            _collect_str(path, found)
        name = _doc_name(path)
        if name:
            found.add(name)


def _doc_name(path: str) -> str | None:
    """First segment of a (possibly still nested) path; None when absent or computed."""
    path = path.strip()
    if not path or path in _SYSTEM_PARAMS:
        return None
    if path.startswith("$."):
        path = path[2:]
    elif path.startswith("$["):
        path = path[1:]
    if path.startswith("["):
        m = re.match(r"\[\s*(['\"])(.*?)\1\s*\]", path)
        return m.group(2) if m else None
    name = _KEY_END.split(path, 1)[0].strip()
    return name if name and "$" not in name and "{" not in name else None

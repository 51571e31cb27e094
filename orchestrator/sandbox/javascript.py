"""JavaScript for INLINE/LAMBDA/SWITCH/DO_WHILE, in quickjs-ng (RELIABILITY.md section 3.2).

A fresh runtime/context for every evaluation, with time, memory and stack limits, nothing from
Python bound into it, `$` passed in as a JSON string and parsed inside JS, and the result read back
as JSON produced by `JSON.stringify`. The user script is evaluated as a plain global Script, exactly
like Conductor's `context.eval(script)`: `var`/function declarations are ordinary globals of that
throwaway context and the completion value of the last expression statement is the result. The
quickjs time limit is a budget of *process* CPU time (clock()): evaluations running concurrently in
other threads, or any busy thread, spend it too, so run scripts in single-threaded (prefork) workers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import quickjs

from orchestrator.engine.scripts import ScriptError

from .limits import ScriptLimits, ScriptMemoryLimit, ScriptTimeout

# Runs before the user script, in one eval: binds `$` from `__baton_input` (a plain string set from
# Python), then builds the result serialiser. Its builtins are captured before the user script runs,
# so a script that replaces JSON/isFinite/Promise cannot change how its own result is checked;
# only Python holds a reference to the serialiser.
_JS_PRELUDE = r"""globalThis.$ = JSON.parse(globalThis.__baton_input);
delete globalThis.__baton_input;
(function (stringify, isFinite_, Promise_, TypeError_) {
  function replacer(key, value) {
    if (typeof value === "number" && !isFinite_(value)) {
      throw new TypeError_("result contains NaN or Infinity");
    }
    return value;
  }
  return function (value) {
    if (value instanceof Promise_) {
      throw new TypeError_("result is a Promise; asynchronous scripts are not supported");
    }
    return stringify(value, replacer);
  };
})(JSON.stringify, isFinite, Promise, TypeError)"""

_JS_LOCATION = re.compile(r"^\s*at <input>:(\d+):(\d+)\s*$")
_JS_USE_STRICT = re.compile(r"""^\s*(['"])use strict\1""")
_JS_GUARD = "throw '__baton_syntax_ok__';"
_JS_MEMORY_ERRORS = ("InternalError: out of memory", "InternalError: string too long")


def _js_context(limits: ScriptLimits) -> Any:
    ctx = quickjs.Context()
    ctx.set_memory_limit(limits.memory_bytes)
    ctx.set_time_limit(limits.timeout_seconds)
    ctx.set_max_stack_size(limits.stack_bytes)
    return ctx


def _js_parse_error(text: str, line_offset: int = 0) -> str | None:
    """The message of a compile-time error, or None when `text` is some other exception.

    Errors raised while parsing carry no call frames, only `at <input>:L:C` (or nothing, for
    regular expression literals); a SyntaxError thrown by running code (`JSON.parse`, `eval`,
    `throw new SyntaxError()`) always has at least one frame.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    head, rest = lines[0], lines[1:]
    if not head.startswith(("SyntaxError", "RangeError: Maximum call stack size exceeded")):
        return None
    locations = [_JS_LOCATION.match(line) for line in rest]
    if not all(locations):
        return None
    if head.startswith("RangeError"):
        return "SyntaxError: script is nested too deeply to parse"
    if not locations or locations[0] is None:
        return head
    loc = locations[0]
    return f"{head} (line {int(loc[1]) - line_offset}, column {loc[2]})"


def _js_error(exc: Exception, limits: ScriptLimits, *, in_result: bool = False) -> ScriptError:
    text = str(exc)
    first = text.split("\n", 1)[0].strip() or "script error"
    if first == "InternalError: interrupted":
        return ScriptTimeout(limits.timeout_seconds)
    # When quickjs-ng cannot even allocate the "out of memory" error it throws a bare `null`
    # (no stack); a script's own `throw null` is indistinguishable and is reported the same way.
    if first in _JS_MEMORY_ERRORS or text.strip() == "null":
        return ScriptMemoryLimit()
    syntax = _js_parse_error(text)
    if syntax is not None:
        return ScriptError(syntax, terminal=True)
    if isinstance(exc, quickjs.StackOverflow):
        return ScriptError(f"script stack overflow ({first})", terminal=False)
    if in_result:
        return ScriptError(f"invalid script result: {first}", terminal=True)
    return ScriptError(first, terminal=False)


def eval_js(expression: str, bindings: Mapping[str, Any], limits: ScriptLimits = ScriptLimits()) -> Any:
    """Run a Conductor INLINE/SWITCH/DO_WHILE script with `$` bound to `bindings` (JSON in, JSON out).

    Returns the script's completion value converted through JSON (`undefined` -> None).
    Raises ScriptTimeout, ScriptMemoryLimit or ScriptError (see `ScriptError.terminal`).
    """
    try:
        payload = json.dumps(dict(bindings), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ScriptError(f"script input is not valid JSON: {exc}", terminal=True) from None
    ctx = _js_context(limits)
    try:
        ctx.set("__baton_input", payload)
        finish = ctx.eval(_JS_PRELUDE)
    except quickjs.JSException as exc:  # only the memory limit can fail here (huge input)
        raise _js_error(exc, limits) from exc
    try:
        value = ctx.eval(expression)
    except quickjs.JSException as exc:
        raise _js_error(exc, limits) from exc
    except TypeError as exc:  # a BigInt completion value has no Python conversion
        raise ScriptError(f"invalid script result: not JSON ({exc})", terminal=True) from exc
    try:
        text = finish(value)
    except quickjs.JSException as exc:
        raise _js_error(exc, limits, in_result=True) from exc
    if text is None:  # undefined, a function or a symbol
        return None
    size = len(text.encode())
    if size > limits.max_output_bytes:
        raise ScriptError(f"script result too large ({size} bytes > {limits.max_output_bytes})", terminal=True)
    return json.loads(text)


def check_js_syntax(expression: str) -> str | None:
    """None if it compiles, else a message with line/column (for definition validation).

    The script is compiled behind a leading `throw`, so none of it runs.
    """
    prefix = _JS_GUARD + "\n"
    if _JS_USE_STRICT.match(expression):  # keep strict-mode-only syntax errors detectable
        prefix = "'use strict'; " + prefix
    ctx = _js_context(ScriptLimits(timeout_seconds=1.0))
    try:
        ctx.eval(prefix + expression)
    except quickjs.JSException as exc:
        text = str(exc)
        if text.startswith("__baton_syntax_ok__"):
            return None
        return _js_parse_error(text, line_offset=1) or text.split("\n", 1)[0].strip()
    return None  # not reached: the guard always throws


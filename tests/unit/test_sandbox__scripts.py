"""The script sandbox: quickjs-ng for INLINE/SWITCH/DO_WHILE, forked jq for JSON_JQ_TRANSFORM."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jq
import pytest

from orchestrator.sandbox import (
    ScriptError,
    ScriptLimits,
    ScriptMemoryLimit,
    ScriptTimeout,
    check_jq_syntax,
    check_js_syntax,
    eval_jq,
    eval_js,
)

FAST = ScriptLimits(timeout_seconds=0.5)
SECRET = "s3cret-value-do-not-leak"


def healthy_js() -> None:
    assert eval_js("$.a + 1", {"a": 41}) == 42


def healthy_jq() -> None:
    assert eval_jq(".a", {"a": 1}) == [1]


class Clock:
    """Wall and process-CPU time of a block.

    quickjs's time limit is a budget of *process CPU time* (clock()), not wall time: on a loaded
    machine a 0.5 s limit can take over 1 s of wall time, and concurrent evaluations in other
    threads spend the same budget. So the tight bound is on CPU time and the wall bound is loose.
    """

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.monotonic(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self._wall
        self.cpu = time.process_time() - self._cpu


def _children() -> set[int]:
    """Live child pids of this process (zombies included), read from /proc."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        text = (task / "children").read_text().split()
        pids.update(int(p) for p in text)
    return pids


_BASELINE_CHILDREN: set[int] = set()


@pytest.fixture(autouse=True)
def _children_baseline() -> None:
    # Other tests in the same session (live stacks, SDK workers) may own children; only jq
    # children started during this test count.
    _BASELINE_CHILDREN.clear()
    _BASELINE_CHILDREN.update(_children())


def no_children_left() -> bool:
    return not (_children() - _BASELINE_CHILDREN)


@pytest.fixture
def planted_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BATON_FAKE_SECRET", SECRET)
    os.putenv("BATON_FAKE_SECRET_C", SECRET)  # set in C only: os.environ does not know about it
    try:
        yield
    finally:
        os.unsetenv("BATON_FAKE_SECRET_C")
    assert os.environ.get("BATON_FAKE_SECRET") == SECRET  # the parent's environment is untouched


# ---------------------------------------------------------------------------------------------
# JavaScript: values


@pytest.mark.parametrize(
    ("script", "bindings", "expected"),
    [
        ("$.a + $.b", {"a": 1, "b": 2}, 3),
        ("function e(){ return $.x > 1 } e();", {"x": 2}, True),
        ("(function(){ if ($.status == 'ok') return 'pass'; return 'fail' })()", {"status": "ok"}, "pass"),
        ("'Hello ' + $.name", {"name": "Ada"}, "Hello Ada"),
        (
            "function e() { if ($.value > 1) { return {'result': true} } else { return {'result': false} } } e();",
            {"value": 5},
            {"result": True},
        ),
        (
            "({total: $.items.reduce((s, i) => s + i.v, 0), names: $.items.map(i => i.name)})",
            {"items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]},
            {"total": 3, "names": ["a", "b"]},
        ),
        ("$.list.length", {"list": [1, 2, 3]}, 3),
        ("$.list.filter(x => x % 2)", {"list": [1, 2, 3]}, [1, 3]),
        ("$.outer.inner[1].name", {"outer": {"inner": [{"name": "x"}, {"name": "ü✓"}]}}, "ü✓"),
        ("[$.n, $.f, $.t, $.s]", {"n": None, "f": 1.5, "t": True, "s": "q\"'\n"}, [None, 1.5, True, "q\"'\n"]),
        ("$.big + 0", {"big": 2**53}, 2**53),
        ("4 / 2", {}, 2),
        ("0.1 + 0.2", {}, 0.30000000000000004),
        # DO_WHILE loopCondition style: the completion value of an if statement
        ("if ($.loop['iteration'] < $.value) { true; } else { false; }", {"loop": {"iteration": 1}, "value": 3}, True),
        ("String($.x)", {"x": None}, "null"),
        ("'use strict'; $.a", {"a": 7}, 7),
        ("new Date(0).toISOString()", {}, "1970-01-01T00:00:00.000Z"),
    ],
)
def test_common_conductor_scripts(script: str, bindings: dict[str, Any], expected: Any) -> None:
    result = eval_js(script, bindings)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("var a = 1; var b = 2; a + b;", 3),
        ("var x = 1; if (x) { 'yes' } else { 'no' }", "yes"),
        ("for (var i = 0; i < 3; i++) { i * 10 }", 20),
        ("let x = 5; const y = 2; x * y", 10),
        ("x = 5", 5),
        ("$.a; var y = 3;", 1),  # a var statement has an empty completion value
        ("function f() { return 7 }", None),
        ("var z = 5;", None),
        ("function f() { return g() } function g() { return 'hoisted' } f()", "hoisted"),
        ("class A { get v() { return 9 } } new A().v", 9),
        ("try { throw new Error('x') } catch (e) { 'handled: ' + e.message }", "handled: x"),
        ("switch ($.a) { case 1: 'one'; break; default: 'other' }", "one"),
        ("", None),
        ("var $ = 5; $", 5),  # `$` is an ordinary global property, as in Conductor
    ],
)
def test_completion_value_is_the_result(script: str, expected: Any) -> None:
    assert eval_js(script, {"a": 1}) == expected


@pytest.mark.parametrize(
    "script",
    ["undefined", "$.missing", "null", "(function(){})", "Symbol('s')", "void 0", "(function(){ return })()"],
)
def test_undefined_and_unserialisable_values_are_none(script: str) -> None:
    assert eval_js(script, {}) is None


def test_bindings_are_a_copy() -> None:
    data = {"a": {"b": [1, 2]}}
    assert eval_js("$.a.b.push(3); $.a.b", data) == [1, 2, 3]
    assert data == {"a": {"b": [1, 2]}}


def test_result_serialiser_cannot_be_tampered_with() -> None:
    script = "JSON.stringify = function () { return '\"pwned\"' }; isFinite = () => true; ({a: 1})"
    assert eval_js(script, {}) == {"a": 1}
    with pytest.raises(ScriptError, match="NaN or Infinity"):
        eval_js("isFinite = () => true; ({a: NaN})", {})


@pytest.mark.parametrize(
    ("script", "match"),
    [
        ("NaN", "NaN or Infinity"),
        ("1 / 0", "NaN or Infinity"),
        ("({a: [1, -Infinity]})", "NaN or Infinity"),
        ("10n", "not JSON"),
        ("[10n]", "BigInt"),
        ("var o = {}; o.self = o; o", "circular"),
        ("Promise.resolve(1)", "Promise"),
    ],
)
def test_bad_results_are_terminal(script: str, match: str) -> None:
    with pytest.raises(ScriptError, match=match) as info:
        eval_js(script, {})
    assert info.value.terminal is True


def test_output_size_cap() -> None:
    limits = ScriptLimits(max_output_bytes=100)
    assert eval_js("'x'.repeat(98)", {}, limits) == "x" * 98  # 100 bytes with the quotes
    with pytest.raises(ScriptError, match="too large") as info:
        eval_js("'x'.repeat(99)", {}, limits)
    assert info.value.terminal is True


def test_input_must_be_json() -> None:
    with pytest.raises(ScriptError, match="not valid JSON") as info:
        eval_js("1", {"x": object()})
    assert info.value.terminal is True
    with pytest.raises(ScriptError, match="not valid JSON"):
        eval_js("1", {"x": float("nan")})


# ---------------------------------------------------------------------------------------------
# JavaScript: errors


@pytest.mark.parametrize(
    ("script", "match"),
    [
        ("$.a +", r"SyntaxError: .*\(line 1, column 6\)"),
        ("var a = 1;\n\nfunction (", r"SyntaxError: function name expected \(line 3, column 10\)"),
        ("return 1", "return not in a function"),
        ("/(/", "SyntaxError"),
        ("'use strict'; with (a) {}", "invalid keyword: with"),
        ("import * as std from 'std'", "SyntaxError"),
        ("(" * 20000, "nested too deeply"),
    ],
)
def test_syntax_errors_are_terminal(script: str, match: str) -> None:
    with pytest.raises(ScriptError, match=match) as info:
        eval_js(script, {"a": 1})
    assert info.value.terminal is True
    assert type(info.value) is ScriptError


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("throw new Error('boom')", "Error: boom"),
        ("throw 'plain string'", "plain string"),
        ("null.x", "TypeError: cannot read property 'x' of null"),
        ("nope()", "ReferenceError: nope is not defined"),
        ("JSON.parse('{')", "SyntaxError: Expected property name"),  # thrown at run time
        ("throw new SyntaxError('mine')", "SyntaxError: mine"),
        ("eval('x =')", "SyntaxError"),
        ("new Array(-1)", "RangeError"),
    ],
)
def test_runtime_errors_are_not_terminal(script: str, message: str) -> None:
    with pytest.raises(ScriptError) as info:
        eval_js(script, {})
    assert info.value.terminal is False
    assert type(info.value) is ScriptError
    assert str(info.value).startswith(message)


def test_stack_overflow() -> None:
    with pytest.raises(ScriptError, match="stack overflow") as info:
        eval_js("function f(n) { return f(n + 1) + 1 } f(0)", {})
    assert type(info.value) is ScriptError
    assert info.value.terminal is False
    healthy_js()


# ---------------------------------------------------------------------------------------------
# JavaScript: sandbox


@pytest.mark.parametrize(
    "name",
    [
        "require", "process", "std", "os", "module", "exports", "Java", "engine", "Packages",
        "fetch", "XMLHttpRequest", "setTimeout", "setInterval", "console", "print", "scriptArgs",
        "WebAssembly", "Deno", "Bun", "__baton_input", "polyglot", "load", "quit",
    ],
)  # fmt: skip
def test_no_host_objects(name: str) -> None:
    assert eval_js(f"typeof {name}", {}) == "undefined"


@pytest.mark.parametrize(
    "script",
    [
        "import('os')",
        "import('std')",
        "Java.type('java.lang.Runtime')",
        "engine.factory",
        "this.constructor.constructor('return process')()",
        "Function('return require')()('fs')",
        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)",
        "queueMicrotask(() => { globalThis.ran = 1 }); undefined",
    ],
)
def test_escape_attempts_fail_or_are_undefined(script: str) -> None:
    try:
        result = eval_js(script, {})
    except ScriptError:
        return
    assert result is None


def test_dynamic_import_never_resolves() -> None:
    script = "var r = 'pending'; import('os').then(() => { r = 'loaded' }, (e) => { r = 'rejected' }); r"
    assert eval_js(script, {}) == "pending"  # the job queue is never run


def test_function_constructor_sees_only_builtins() -> None:
    assert eval_js("this.constructor.constructor('return typeof process')()", {}) == "undefined"


def test_no_leakage_between_evaluations() -> None:
    first = "globalThis.leak = 1; var v = 2; function f() {} Object.prototype.polluted = 3; $.a = 9; 1"
    assert eval_js(first, {"a": 1}) == 1
    probe = "[typeof leak, typeof v, typeof f, typeof ({}).polluted, $.a]"
    assert eval_js(probe, {"a": 1}) == ["undefined", "undefined", "undefined", "undefined", 1]


@pytest.mark.parametrize(
    "script",
    [
        "while (true) {}",
        "for (;;) { try { while (true) {} } catch (e) {} }",  # the interrupt cannot be caught
        "/^(a+)+$/.test('a'.repeat(40) + 'b')",  # ReDoS: the interrupt also stops regex backtracking
    ],
)
def test_runaway_script_times_out(script: str) -> None:
    with Clock() as clock, pytest.raises(ScriptTimeout, match=r"^script timeout after 0\.5s$") as info:
        eval_js(script, {}, FAST)
    assert 0.4 <= clock.cpu < 1.0, clock.cpu
    assert clock.wall < 3.0, clock.wall
    assert info.value.terminal is False
    healthy_js()


@pytest.mark.parametrize(
    "script",
    [
        "var a = []; while (true) a.push({x: a.length})",
        "var s = 'a'; while (true) s += s",
        "new ArrayBuffer(1024 * 1024 * 1024)",
        "var m = new Map(); for (let i = 0; ; i++) m.set(i, 'v' + i)",
    ],
)
def test_memory_bomb_hits_the_limit(script: str) -> None:
    with Clock() as clock, pytest.raises(ScriptMemoryLimit, match="^script memory limit exceeded$") as info:
        eval_js(script, {}, ScriptLimits(timeout_seconds=2.0, memory_bytes=8 * 1024 * 1024))
    assert clock.cpu < 1.0, clock.cpu  # the memory limit, not the 2 s time limit, stopped it
    assert info.value.terminal is False
    healthy_js()


def test_bare_null_throw_is_reported_as_memory_limit() -> None:
    # quickjs-ng throws a bare `null` when it cannot allocate the out-of-memory error object
    # (seen with the `push({...})` bomb above), so a script's own `throw null` looks the same.
    with pytest.raises(ScriptMemoryLimit):
        eval_js("throw null", {})
    with pytest.raises(ScriptError, match="^undefined$"):
        eval_js("throw undefined", {})


def test_huge_input_hits_the_memory_limit() -> None:
    with pytest.raises(ScriptMemoryLimit):
        eval_js("$.k.length", {"k": "x" * (8 << 20)}, ScriptLimits(memory_bytes=4 << 20))
    healthy_js()


def test_concurrent_evaluations_in_threads() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: eval_js("$.i * 2", {"i": i}), range(200)))
    assert results == [i * 2 for i in range(200)]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("$.a + $.b", None),
        ("while (true) {}", None),  # compiled, not run
        ("throw new Error('x')", None),
        ("function e() { return 1 } e();", None),
        ("'use strict'; 010", "Octal literals"),
        ("$.a +", "(line 1, column 6)"),
        ("var a = 1;\n  a b", "(line 2, column 5)"),
        ("/(/", "SyntaxError"),
        ("(" * 20000, "nested too deeply"),
    ],
)
def test_check_js_syntax(script: str, expected: str | None) -> None:
    message = check_js_syntax(script)
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message


def test_check_js_syntax_runs_nothing() -> None:
    with Clock() as clock:
        assert check_js_syntax("while (true) {}") is None
        assert check_js_syntax("globalThis.ran = 1") is None
    assert clock.cpu < 0.2


# ---------------------------------------------------------------------------------------------
# jq

ITEMS = {"a": 1, "b": 2, "items": [{"id": "x", "v": 5}, {"id": "y", "v": 20}, {"id": "z", "v": 30}]}


@pytest.mark.parametrize(
    ("query", "data", "expected"),
    [
        (".a + .b", ITEMS, [3]),
        ("{sum: (.a + .b), ids: [.items[] | select(.v > 10) | .id]}", ITEMS, [{"sum": 3, "ids": ["y", "z"]}]),
        (".items[] | .id", ITEMS, ["x", "y", "z"]),
        ("[.items[].v] | add", ITEMS, [55]),
        (".key1 + .key2", {"key1": [1], "key2": [2]}, [[1, 2]]),  # Conductor's documented example
        ("{out: {nested: {deep: .a}}}", ITEMS, [{"out": {"nested": {"deep": 1}}}]),
        ("empty", ITEMS, []),
        (".missing", ITEMS, [None]),
        (".", {"u": "ü✓", "f": 1.5, "n": None}, [{"u": "ü✓", "f": 1.5, "n": None}]),
        ("def twice(f): f | f; .a | twice(. * 3)", ITEMS, [9]),
        ("# comment\n.a", ITEMS, [1]),
    ],
)
def test_jq_results(query: str, data: Any, expected: list[Any]) -> None:
    assert eval_jq(query, data) == expected


@pytest.mark.parametrize("query", [".a +", "nosuchfn", ".[", "$undefined_var", "", 'import "x" as y; .'])
def test_jq_bad_query_is_terminal(query: str) -> None:
    with pytest.raises(ScriptError) as info:
        eval_jq(query, {})
    assert info.value.terminal is True
    assert check_jq_syntax(query) == str(info.value)


def test_jq_syntax_message() -> None:
    assert check_jq_syntax(".a + .b") is None
    message = check_jq_syntax(".a +")
    assert message == "syntax error, unexpected end of file at <top-level>, line 1, column 4"


@pytest.mark.parametrize(
    ("query", "message"),
    [(".a.b", "Cannot index number with string"), ('error("boom")', "boom"), ("1 / 0", "divided")],
)
def test_jq_runtime_error_is_not_terminal(query: str, message: str) -> None:
    with pytest.raises(ScriptError) as info:
        eval_jq(query, {"a": 1})
    assert info.value.terminal is False
    assert message in str(info.value)


def test_jq_compiled_env_leak_exists_upstream(planted_secret: None) -> None:
    """Why the module shadows `$ENV`: jq binds it at compile time from the process environment."""
    assert jq.compile("$ENV.BATON_FAKE_SECRET").input_value(None).first() == SECRET


@pytest.mark.parametrize(
    "query",
    [
        "$ENV",
        "env",
        "$ENV.BATON_FAKE_SECRET",
        "env.BATON_FAKE_SECRET",
        "[env[]], [$ENV[]]",
        "def f: $ENV; f",
        "$ENV | tostring",
        "[$ENV, env] | map(keys)",
    ],
)
def test_jq_sees_no_environment(planted_secret: None, query: str) -> None:
    result = eval_jq(query, {})
    assert SECRET not in json.dumps(result)
    assert "BATON_FAKE" not in json.dumps(result)


def test_jq_env_is_empty_even_when_compiled_with_the_secret_present(planted_secret: None) -> None:
    query = "[$ENV, env] | map(length)  # compiled while the secret is in the environment"
    assert check_jq_syntax(query) is None  # compiles and caches in the parent
    assert eval_jq(query, {}) == [[0, 0]]


@pytest.mark.parametrize("query", ["last(range(1e12))", "def f: f; f", "repeat(.)"])
def test_jq_runaway_is_killed_at_the_deadline(query: str) -> None:
    start = time.monotonic()
    with pytest.raises(ScriptTimeout, match=r"^script timeout after 0\.5s$") as info:
        eval_jq(query, 1, timeout_seconds=0.5)
    elapsed = time.monotonic() - start
    assert 0.4 <= elapsed < 1.0
    assert info.value.terminal is False
    assert no_children_left()
    healthy_jq()


def test_jq_memory_blowup_fails_cleanly() -> None:
    start = time.monotonic()
    with pytest.raises(ScriptMemoryLimit):
        eval_jq("[range(1e9)]", None, timeout_seconds=5.0, memory_bytes=16 * 1024 * 1024)
    assert time.monotonic() - start < 5.0
    assert no_children_left()
    healthy_jq()


def test_jq_programs_are_cached() -> None:
    from orchestrator.sandbox.jq_child import _jq_program

    query = ".cached_query_probe"
    eval_jq(query, {})
    hits = _jq_program.cache_info().hits
    assert eval_jq(query, {"cached_query_probe": 2}) == [2]
    assert _jq_program.cache_info().hits == hits + 1


def test_jq_input_must_be_json() -> None:
    with pytest.raises(ScriptError) as info:
        eval_jq(".", {"x": object()})
    assert info.value.terminal is True
    assert no_children_left()


def test_jq_output_cap() -> None:
    assert len(eval_jq("[range(1000)]", None, max_output_bytes=100_000)[0]) == 1000
    with pytest.raises(ScriptError, match="too large") as info:
        eval_jq("[range(100000)]", None, max_output_bytes=10_000)
    assert info.value.terminal is True
    assert no_children_left()


def test_jq_large_result_crosses_the_pipe() -> None:
    (result,) = eval_jq("[range(200000)]", None)
    assert len(result) == 200000 and result[-1] == 199999


def test_jq_from_many_threads() -> None:
    # Forking from a multi-threaded parent (Daphne/Celery) must still give each caller its own result.
    barrier = threading.Barrier(4)

    def run(i: int) -> list[Any]:
        if i < 4:
            barrier.wait()
        return eval_jq(".i * 2", {"i": i})

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(40)))
    assert results == [[i * 2] for i in range(40)]
    assert no_children_left()

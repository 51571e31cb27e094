"""The script sandbox: JavaScript in quickjs-ng, jq in a forked child with a deadline.

It lives outside the pure engine because it forks processes and reads wall-clock deadlines; the
engine reaches it only through the `orchestrator.engine.scripts.Scripts` protocol, handed to
`evaluate()` in its `Env`.

Example (what `orchestrator.wiring.engine_env` does):
    env = Env(now=now, new_id=new_id, history=history, task_defs=task_defs, types=REGISTRY, scripts=SANDBOX)
    outcome = evaluate(definition, state, env)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orchestrator.engine.scripts import ScriptError

from .javascript import check_js_syntax, eval_js
from .jq_child import check_jq_syntax, eval_jq
from .limits import ScriptLimits, ScriptMemoryLimit, ScriptTimeout

__all__ = [
    "SANDBOX",
    "Sandbox",
    "ScriptError",
    "ScriptLimits",
    "ScriptMemoryLimit",
    "ScriptTimeout",
    "check_jq_syntax",
    "check_js_syntax",
    "eval_jq",
    "eval_js",
]


@dataclass(frozen=True)
class Sandbox:
    """`Scripts` for the engine, with the limits every evaluation gets."""

    js_limits: ScriptLimits = field(default_factory=ScriptLimits)
    jq_timeout_seconds: float = 2.0
    jq_memory_bytes: int = 256 * 1024 * 1024

    def eval_js(self, expression: str, bindings: Mapping[str, Any]) -> Any:
        return eval_js(expression, bindings, self.js_limits)

    def eval_jq(self, query: str, data: Any) -> list[Any]:
        return eval_jq(query, data, self.jq_timeout_seconds, self.jq_memory_bytes)


SANDBOX = Sandbox()

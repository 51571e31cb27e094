"""What the engine asks of a script sandbox, and the one error it understands.

The engine evaluates INLINE/LAMBDA/SWITCH/DO_WHILE JavaScript and JSON_JQ_TRANSFORM jq, but the
sandbox that runs them (processes, wall-clock deadlines, memory limits) lives outside the engine,
in `orchestrator.sandbox`, and comes in through `Env.scripts`. Tests may pass any object with
these two methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class ScriptError(Exception):
    """Evaluation failed. `terminal` is True when retrying cannot help (syntax error, bad result)."""

    def __init__(self, message: str, *, terminal: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.terminal = terminal


class Scripts(Protocol):
    """A script sandbox. Both methods raise `ScriptError` (or a subclass) on any failure."""

    def eval_js(self, expression: str, bindings: Mapping[str, Any]) -> Any:
        """The completion value of `expression` with `$` bound to `bindings` (JSON in, JSON out)."""
        ...

    def eval_jq(self, query: str, data: Any) -> list[Any]:
        """Every result of jq `query` over `data`."""
        ...

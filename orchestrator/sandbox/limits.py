"""Limits every evaluation runs under, and the errors for crossing them."""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.engine.scripts import ScriptError


class ScriptTimeout(ScriptError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"script timeout after {seconds:g}s", terminal=False)
        self.seconds = seconds


class ScriptMemoryLimit(ScriptError):
    def __init__(self, message: str = "script memory limit exceeded") -> None:
        super().__init__(message, terminal=False)


@dataclass(frozen=True)
class ScriptLimits:
    timeout_seconds: float = 4.0
    memory_bytes: int = 32 * 1024 * 1024
    stack_bytes: int = 512 * 1024
    max_output_bytes: int = 1024 * 1024


"""Browser tests: a live embedded stack with the built editor, a superuser, and Debian's Chromium.

The scenarios are Node scripts (playwright-core, from editor/frontend/node_modules) that print one
JSON line; the tests here set them up, play the worker where needed and check what they report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import ROOT, Stack

USER, PASSWORD = "editor-admin", "editor-pass-1234"
HERE = Path(__file__).resolve().parent
MANIFEST = ROOT / "static" / "editor" / ".vite" / "manifest.json"
SHOTS = os.environ.get("BATON_SHOTS", "")


@pytest.fixture(scope="session")
def editor_stack() -> Iterator[Stack]:
    missing = [what for what, ok in (
        ("the editor build (cd editor/frontend && npm ci && npm run build)", MANIFEST.exists()),
        ("playwright-core (cd editor/frontend && npm ci)", (ROOT / "editor/frontend/node_modules/playwright-core").exists()),
        ("node", shutil.which("node") is not None),
        ("chromium (apt-get install -y chromium)", Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists()),
    ) if not ok]
    if missing:
        pytest.fail("browser tests need: " + ", ".join(missing))
    stack = Stack("embedded")
    stack.manage("collectstatic", "--noinput", "-v0")  # before start: WhiteNoise indexes files at startup
    stack.start()
    stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        f"get_user_model().objects.create_superuser({USER!r}, 'editor@example.com', {PASSWORD!r})"
    ))
    yield stack
    stack.stop()


def run_scenario(stack: Stack, script: str, *, env: dict[str, str] | None = None,
                 timeout: float = 240) -> subprocess.Popen[str]:
    """Start a scenario; read its result with `result(proc)`."""
    full_env = {**os.environ, "BATON_URL": stack.url, "BATON_USER": USER, "BATON_PASSWORD": PASSWORD, **(env or {})}
    if SHOTS:
        full_env["BATON_SHOTS"] = SHOTS
    return subprocess.Popen(["node", str(HERE / script)], cwd=ROOT, env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def result(proc: subprocess.Popen[str], timeout: float = 240) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"scenario printed no result (exit {proc.returncode}):\n{out}\n{err}"
    data: dict[str, Any] = json.loads(lines[-1])
    assert proc.returncode == 0 and data.get("ok"), f"scenario failed:\n{data.get('error')}\n{err[-3000:]}"
    return data

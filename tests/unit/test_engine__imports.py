"""The engine is pure by construction: importing it loads no Django, no Celery, no task types."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("django", "celery", "kombu", "executions", "orchestrator.services", "orchestrator.systemtasks",
             "orchestrator.sandbox", "quickjs", "jq")
ENGINE = ("evaluator", "validation", "operations", "results", "run", "env", "tasktype")


@pytest.mark.parametrize("module", ENGINE)
def test_importing_the_engine_loads_no_framework(module: str) -> None:
    # A fresh interpreter: this test process has Django loaded already.
    code = (
        f"import sys, orchestrator.engine.{module}\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or m.startswith({FORBIDDEN!r}))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_celery_app_is_still_found_by_celery_dash_a() -> None:
    code = (
        "from celery.app.utils import find_app\n"
        "app = find_app('orchestrator')\n"
        "print(app.main, app.conf.broker_url is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "orchestrator"


def test_django_start_loads_the_celery_app() -> None:
    code = (
        "import django, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'orchestrator.settings')\n"
        "django.setup()\n"
        "from celery import current_app\n"
        "print('orchestrator.celery' in sys.modules, current_app.main)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "orchestrator"]

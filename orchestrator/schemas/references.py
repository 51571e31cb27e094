"""The schema settings of a TaskDef or WorkflowDef being registered: well formed, and registered.

`inputSchema` / `outputSchema` are Orkes' SchemaDef references (`{name, version}`; the SDK sends
the whole SchemaDef, of which only these two count) and `enforceSchema` a boolean. A reference to
a schema that is not registered refuses the definition, enforced or not: it would fail every task
at run time. Ids: TD.E015-E017, WF.E055-E057 (docs/validation.md).
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.problems import Problem, problem, shown

from . import service

_IDS = {"task": ("TD.E015", "TD.E016", "TD.E017"), "workflow": ("WF.E055", "WF.E056", "WF.E057")}


def task_def_problems(doc: Any, at: str = "$", ref: str | None = None) -> list[Problem]:
    return _problems(doc, "task", at, ref)


def workflow_def_problems(doc: Any) -> list[Problem]:
    return _problems(doc, "workflow", "$", None)


def _problems(doc: Any, kind: str, at: str, ref: str | None) -> list[Problem]:
    if not isinstance(doc, dict):
        return []
    shape_id, missing_id, flag_id = _IDS[kind]
    out: list[Problem] = []
    for key in ("inputSchema", "outputSchema"):
        value = doc.get(key)
        if value is None:
            continue
        path = f"{at}.{key}"
        name = value.get("name") if isinstance(value, dict) else None
        version = value.get("version") if isinstance(value, dict) else None
        bad_version = version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1)
        if not isinstance(name, str) or not name or bad_version:
            msg = f"{key} must be a schema reference {{\"name\": ..., \"version\": n ≥ 1}} (got {shown(value)})."
            out.append(problem(shape_id, path, msg, ref, value))
        elif not service.exists(name, version):
            shown_version = f" version {version}" if version is not None else ""
            msg = f"{key} names schema '{name}'{shown_version}, which is not registered (POST /api/schema first)."
            out.append(problem(missing_id, f"{path}.name", msg, ref, name))
    flag = doc.get("enforceSchema")
    if flag is not None and not isinstance(flag, bool):
        out.append(problem(flag_id, f"{at}.enforceSchema", f"enforceSchema must be true or false (got {shown(flag)}).",
                           ref, flag))
    return out

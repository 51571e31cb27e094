"""The run page with loops and dynamic forks: iterations chosen in the URL, the collapsed run JSON
(branches as tallies, by one GROUP BY), and the branch list keyset-paged by seq.

Executions run through the real services (start, claim, update) on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orchestrator.services import definitions, workflows

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DOC = {"name": "loops_fan", "version": 1, "tasks": [
    {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
     "inputParameters": {"forkTaskName": "fan_leaf", "forkTaskInputs": "${workflow.input.items}"}},
    {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"},
    {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
     "inputParameters": {"times": "${workflow.input.times}"},
     "loopCondition": "$.loop['iteration'] < $.times",
     "loopOver": [{"name": "loop_step", "taskReferenceName": "step", "type": "SIMPLE"}]},
]}


def start(branches: int, times: int = 3) -> str:
    definitions.save_task_defs([{"name": "fan_leaf", "retryCount": 0}])
    definitions.save_workflow_def(DOC, overwrite=True)
    return workflows.start(workflows.StartRequest(name="loops_fan", input={"items": list(range(branches)),
                                                                            "times": times}))


def run_json(staff: Client, wf: str) -> dict[str, Any]:
    response = staff.get(f"/executions/{wf}/run.json")
    assert response.status_code == 200
    return dict(response.json())


def test_the_run_json_holds_no_branches_and_tallies_them_by_one_group_by(staff: Client) -> None:
    wf = start(7)
    d.work("fan_leaf", "COMPLETED")
    d.work("fan_leaf", "COMPLETED")
    with CaptureQueriesContext(connection) as queries:
        body = run_json(staff, wf)
    refs = [t["referenceTaskName"] for t in body["tasks"]]
    assert refs == ["fan", "fan_join"], refs  # the 7 branches are not shipped
    assert body["forks"] == {"fan": {"0": {"success": 2, "pending": 5, "failed": 0, "total": 7}}}
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "COUNT" in grouped[0]
    # no retries: the failed branch fails the JOIN, and the run cancels the pending ones
    d.work("fan_leaf", "FAILED", reason="leaf broke")
    assert run_json(staff, wf)["forks"]["fan"]["0"] == {"success": 2, "pending": 0, "failed": 5, "total": 7}
    # the full API still has them all
    assert len(workflows.tasks_of(wf)) == 9


def test_branches_page_by_seq_with_a_cursor_and_filter_by_bucket(staff: Client) -> None:
    wf = start(120)
    for _ in range(3):
        d.work("fan_leaf", "COMPLETED")
    first = staff.get(f"/executions/{wf}/branches", {"fork": "fan"}).json()
    assert first["tally"] == {"success": 3, "pending": 117, "failed": 0, "total": 120}
    assert len(first["branches"]) == 50 and first["nextAfter"] == first["branches"][-1]["seq"]
    second = staff.get(f"/executions/{wf}/branches", {"fork": "fan", "after": first["nextAfter"]}).json()
    third = staff.get(f"/executions/{wf}/branches", {"fork": "fan", "after": second["nextAfter"]}).json()
    assert len(second["branches"]) == 50 and len(third["branches"]) == 20 and third["nextAfter"] is None
    refs = [b["referenceTaskName"] for p in (first, second, third) for b in p["branches"]]
    assert len(set(refs)) == 120 and refs[:2] == ["_fan_leaf_0", "_fan_leaf_1"]
    seqs = [b["seq"] for p in (first, second, third) for b in p["branches"]]
    assert seqs == sorted(seqs)
    done = staff.get(f"/executions/{wf}/branches", {"fork": "fan", "group": "success"}).json()
    assert [b["status"] for b in done["branches"]] == ["COMPLETED"] * 3 and done["nextAfter"] is None
    assert [b["workerId"] for b in done["branches"]] == ["test-worker"] * 3
    d.work("fan_leaf", "FAILED", reason="leaf broke")
    failed = staff.get(f"/executions/{wf}/branches", {"fork": "fan", "group": "failed"}).json()
    assert failed["branches"][0]["reasonForIncompletion"] == "leaf broke"
    assert failed["tally"]["failed"] == 117 and len(failed["branches"]) == 50  # the rest were canceled


@pytest.mark.parametrize(("params", "field"), [
    ({"fork": "fan_join"}, "fork"), ({"fork": "<b>x</b>"}, "fork"), ({"fork": "fan", "after": "-1"}, "after"),
    ({"fork": "fan", "iteration": "one"}, "iteration"), ({"fork": "fan", "group": "done"}, "group"),
])
def test_bad_branch_parameters_are_a_400_naming_the_field(staff: Client, params: dict[str, str], field: str) -> None:
    wf = start(2)
    response = staff.get(f"/executions/{wf}/branches", params)
    assert response.status_code == 400 and response.json()["field"] == field
    assert response["Content-Type"] == "application/json"  # never read as HTML
    assert staff.get("/executions/nope/branches", {"fork": "fan"}).status_code == 404
    assert staff.get("/executions/nope/run.json").status_code == 404


def test_a_loop_runs_its_body_as_ref__n_and_the_url_picks_the_iteration(staff: Client) -> None:
    wf = start(1, times=3)
    d.work("fan_leaf", "COMPLETED")
    for n in range(3):
        d.work("loop_step", "COMPLETED", output={"n": n + 1})
    body = run_json(staff, wf)
    steps = [(t["referenceTaskName"], t["iteration"]) for t in body["tasks"] if t["referenceTaskName"].startswith("step")]
    assert steps == [("step__1", 1), ("step__2", 2), ("step__3", 3)]
    assert body["status"] == "COMPLETED"
    html = staff.get(f"/executions/{wf}?iter.loop=2").content.decode()
    island = json.loads(html.split('id="baton-run" type="application/json">')[1].split("</script>")[0])
    assert island["iterations"] == {"loop": 2}
    assert island["runJson"] == f"/executions/{wf}/run.json" and island["branchesUrl"] == f"/executions/{wf}/branches"
    for bad in ("0", "two", "-1", "<script>"):
        response = staff.get(f"/executions/{wf}", {"iter.loop": bad})
        assert response.status_code == 400 and b"iter.loop" in response.content
        assert response["Content-Type"].startswith("text/plain")


def test_non_staff_get_no_json(client: Client, django_user_model: Any) -> None:
    wf = start(2)
    client.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert client.get(f"/executions/{wf}/run.json").status_code == 403
    assert client.get(f"/executions/{wf}/branches", {"fork": "fan"}).status_code == 403


def test_the_page_lists_no_branch_in_the_log_filter_but_keeps_their_lines(staff: Client) -> None:
    wf = start(30)
    leaf = d.work("fan_leaf", "COMPLETED", log="leaf line")
    html = staff.get(f"/executions/{wf}").content.decode()
    options = html.split('name="logs_task"')[1].split("</select>")[0]
    assert ">fan<" in options and ">fan_join<" in options and "_fan_leaf_" not in options
    assert "leaf line" in html  # under "all tasks"
    assert "leaf line" in staff.get(f"/executions/{wf}?logs_task={leaf}").content.decode()

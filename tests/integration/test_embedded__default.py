"""`make run`'s configuration: SQLite + a serverless broker, all processes from `manage.py serve`."""

from __future__ import annotations

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def test_embedded_default_runs_a_workflow_including_a_celery_driven_timeout(embedded_stack):  # type: ignore[no-untyped-def]
    with embedded_stack.client() as api:
        api.post("/metadata/taskdefs", json=[{"name": "emb_task", "retryCount": 1, "retryDelaySeconds": 0,
                                              "responseTimeoutSeconds": 1}])
        doc = {"name": "emb_wf", "version": 1, "tasks": [
            {"name": "emb_task", "taskReferenceName": "a", "inputParameters": {"n": "${workflow.input.n}"}},
            {"name": "inl", "taskReferenceName": "inl", "type": "INLINE",
             "inputParameters": {"expression": "$.v * 3", "v": "${a.output.v}"}}],
            "outputParameters": {"r": "${inl.output.result}"}}
        assert api.post("/metadata/workflow", json=doc).status_code == 200
        wf_id = api.post("/workflow", json={"name": "emb_wf", "input": {"n": 1}}).text
        first = api.get("/tasks/poll/batch/emb_task", params={"count": 1, "timeout": 2000}).json()
        assert first and first[0]["inputData"] == {"n": 1}
        # stay silent: only the Celery sweeper (beat + worker over the filesystem broker) can retry it
        retry = []
        for _ in range(20):
            retry = api.get("/tasks/poll/batch/emb_task", params={"count": 1, "timeout": 1000}).json()
            if retry:
                break
        assert retry and retry[0]["retryCount"] == 1
        r = api.post("/tasks/update-v2", json={"taskId": retry[0]["taskId"], "status": "COMPLETED",
                                               "outputData": {"v": 14}})
        assert r.status_code == 204
        wf = wait_for(api, wf_id)
        assert wf["status"] == "COMPLETED" and wf["output"] == {"r": 42}

"""Search, correlation lookups, running lists and bulk operations, from PostgreSQL."""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture()
def population(api):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    name = f"it_search_{tag}"
    api.post("/metadata/workflow", json={"name": name, "version": 1, "tasks": [{"name": f"q_{tag}", "taskReferenceName": "q"}]})
    ids = []
    for i in range(5):
        ids.append(api.post("/workflow", json={"name": name, "correlationId": f"{tag}-{i % 2}",
                                               "input": {"customer": f"cust-{tag}-{i}"}, "priority": i}).text)
        time.sleep(0.01)
    api.delete(f"/workflow/{ids[0]}", params={"reason": "x"})
    return tag, name, ids


def test_search_by_type_status_correlation_and_time(api, population):  # type: ignore[no-untyped-def]
    tag, name, ids = population
    r = api.get("/workflow/search", params={"query": f'workflowType = "{name}" AND status IN (RUNNING)'}).json()
    assert r["totalHits"] == 4 and {w["workflowId"] for w in r["results"]} == set(ids[1:])
    summary = r["results"][0]
    assert summary["workflowType"] == name and summary["startTime"].endswith("Z") and isinstance(summary["input"], str)
    r = api.get("/workflow/search", params={"query": f"correlationId = '{tag}-1'"}).json()
    assert r["totalHits"] == 2
    first = api.get(f"/workflow/{ids[2]}").json()["createTime"]
    r = api.get("/workflow/search", params={"query": f"workflowType = {name} AND startTime > {first}"}).json()
    assert {w["workflowId"] for w in r["results"]} == set(ids[3:])


def test_free_text_sort_and_paging(api, population):  # type: ignore[no-untyped-def]
    tag, name, ids = population
    r = api.get("/workflow/search", params={"freeText": f"cust-{tag}-3"}).json()
    assert [w["workflowId"] for w in r["results"]] == [ids[3]]
    r = api.get("/workflow/search", params={"query": f"workflowType = {name}", "sort": "priority:DESC",
                                            "start": 1, "size": 2}).json()
    assert r["totalHits"] == 5 and [w["workflowId"] for w in r["results"]] == [ids[3], ids[2]]


def test_bad_search_input_is_a_400_naming_the_problem(api):  # type: ignore[no-untyped-def]
    r = api.get("/workflow/search", params={"query": "colour = red"})
    assert r.status_code == 400 and "colour" in r.json()["message"]
    assert api.get("/workflow/search", params={"size": 5000}).status_code == 400
    assert api.get("/workflow/search", params={"sort": "x:UP"}).status_code == 400


def test_task_search_correlated_running_and_bulk(api, population):  # type: ignore[no-untyped-def]
    tag, name, ids = population
    r = api.get("/tasks/search", params={"query": f"taskDefName = q_{tag} AND status = SCHEDULED"}).json()
    assert r["totalHits"] == 4 and r["results"][0]["taskReferenceName"] == "q"
    found = api.post(f"/workflow/{name}/correlated", params={"includeClosed": "True", "includeTasks": "False"},
                     json=[f"{tag}-0", f"{tag}-1"]).json()
    assert len(found[f"{tag}-0"]) == 3 and len(found[f"{tag}-1"]) == 2
    open_only = api.get(f"/workflow/{name}/correlated/{tag}-0").json()
    assert len(open_only) == 2
    assert set(api.get(f"/workflow/running/{name}").json()) == set(ids[1:])
    r = api.put("/workflow/bulk/pause", json=[ids[1], ids[2], "missing-id"]).json()
    assert r["bulkSuccessfulResults"] == [ids[1], ids[2]] and "missing-id" in r["bulkErrorResults"]
    r = api.post("/workflow/bulk/terminate", params={"reason": "cleanup"}, json=ids[1:]).json()
    assert len(r["bulkSuccessfulResults"]) == 4
    assert api.get(f"/workflow/running/{name}").json() == []

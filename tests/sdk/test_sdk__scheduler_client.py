"""Every call of the SDK's SchedulerClient that its schedule journey makes, against a live stack.

The journey script itself is not in the PyPI sdist (tests/sdk/test_sdk__schedules.py runs it when
it is on disk); this test drives the same fifteen client calls with the SDK's own models, so the
wire stays covered in CI.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import Stack

pytestmark = pytest.mark.sdk

FLOW = {"name": "sdk_sched_flow", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
     "inputParameters": {"evaluatorType": "javascript", "expression": "$.n + 1", "n": "${workflow.input.n}"}}]}


@pytest.fixture(scope="module")
def scheduler(pg_stack: Stack) -> Iterator[Any]:
    saved = {k: os.environ.get(k) for k in ("CONDUCTOR_SERVER_URL", "CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET")}
    os.environ.update({k: v for k, v in pg_stack.sdk_env().items() if k.startswith("CONDUCTOR_")})
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.orkes.orkes_scheduler_client import OrkesSchedulerClient

    with pg_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
    yield OrkesSchedulerClient(Configuration())
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _request(name: str, cron: str, paused: bool = False) -> Any:
    from conductor.client.http.models.save_schedule_request import SaveScheduleRequest
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    return SaveScheduleRequest(
        name=name, cron_expression=cron, zone_id="Europe/Berlin", paused=paused,
        start_workflow_request=StartWorkflowRequest(name="sdk_sched_flow", version=1, input={"n": 1}),
        run_catchup_schedule_instances=False)


def test_the_scheduler_client_round_trip(scheduler: Any) -> None:
    from conductor.client.orkes.models.metadata_tag import MetadataTag

    scheduler.save_schedule(_request("sdk_daily", "0 0 9 ? * MON-FRI", paused=True))
    scheduler.save_schedule(_request("sdk_fast", "*/2 * * * * ?"))
    daily = scheduler.get_schedule("sdk_daily")
    assert (daily.name, daily.cron_expression, daily.paused) == ("sdk_daily", "0 0 9 ? * MON-FRI", True)
    assert daily.start_workflow_request.name == "sdk_sched_flow"
    names = {s.name for s in scheduler.get_all_schedules("sdk_sched_flow")}
    assert {"sdk_daily", "sdk_fast"} <= names

    # The next fire times of a weekday-morning cron, as epoch milliseconds, ascending.
    times = scheduler.get_next_few_schedule_execution_times("0 0 9 ? * MON-FRI", limit=5)
    assert len(times) == 5 and times == sorted(times) and all(isinstance(t, int) for t in times)

    # The fast one fires within a few seconds; its fire is searchable.
    deadline = time.monotonic() + 15
    hits: list[Any] = []
    while time.monotonic() < deadline and not hits:
        found = scheduler.search_schedule_executions(size=50, query="scheduleName='sdk_fast'")
        hits = list(found.results or [])
        time.sleep(0.3)
    assert hits and hits[0].schedule_name == "sdk_fast" and hits[0].workflow_id

    scheduler.pause_schedule("sdk_fast", reason="maintenance")
    assert scheduler.get_schedule("sdk_fast").paused is True
    scheduler.resume_schedule("sdk_fast")
    assert scheduler.get_schedule("sdk_fast").paused is False
    scheduler.pause_all_schedules()
    assert all(s.paused for s in scheduler.get_all_schedules("sdk_sched_flow"))
    scheduler.resume_all_schedules()
    assert not scheduler.get_schedule("sdk_daily").paused
    scheduler.requeue_all_execution_records()

    scheduler.set_scheduler_tags([MetadataTag("team", "billing"), MetadataTag("tier", "gold")], "sdk_daily")
    tags = {(t.key, t.value) for t in scheduler.get_scheduler_tags("sdk_daily")}
    assert tags == {("team", "billing"), ("tier", "gold")}
    scheduler.delete_scheduler_tags([MetadataTag("tier", "gold")], "sdk_daily")
    assert {(t.key, t.value) for t in scheduler.get_scheduler_tags("sdk_daily")} == {("team", "billing")}

    scheduler.delete_schedule("sdk_fast")
    scheduler.delete_schedule("sdk_daily")
    assert {"sdk_daily", "sdk_fast"}.isdisjoint({s.name for s in scheduler.get_all_schedules()})

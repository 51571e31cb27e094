"""Comments through the service and the runtime: the row and its `human.commented` note commit
together or not at all; only people who see the task may comment; the text is bounded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from executions.models import ExecutionEvent, Task
from orchestrator.humantasks import comments, service
from orchestrator.humantasks.models import HumanComment
from orchestrator.services import definitions, runtime, workflows
from orchestrator.services.commands import HumanNote
from orchestrator.services.errors import InvalidInput, NotFound

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]


@pytest.fixture()
def task_id(db: None) -> str:
    for name in ("ann", "eve"):
        User.objects.create_user(name, password="pw")
    definitions.save_workflow_def({"name": "ht_cm", "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"assignees": ["ann"]}}]}, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name="ht_cm", input={}, created_by="req"))
    return Task.objects.get(workflow_id=wf_id, ref="approve").id


def notes() -> list[dict[str, object]]:
    return [e.payload for e in ExecutionEvent.objects.filter(payload__humanTask="human.commented").order_by("id")]


def test_a_comment_and_its_note_commit_together(task_id: str) -> None:
    made = comments.add(service.get(task_id), User.objects.get(username="ann"), "  looks fine  ")
    assert (made.author_name, made.text) == ("ann", "looks fine")
    assert [c.pk for c in comments.listed(task_id)] == [made.pk]
    assert notes() == [{"humanTask": "human.commented", "kind": "human.commented", "taskId": task_id, "ref": "approve", "by": "ann",
                        "data": {"text": "looks fine"}, "status": "RUNNING"}]


def test_a_failing_record_rolls_the_note_back(task_id: str) -> None:
    def record() -> None:
        HumanComment.objects.create(task_id=task_id, author_name="x", text="half", created="2026-01-01T00:00Z")
        raise InvalidInput("refused")

    with pytest.raises(InvalidInput):
        runtime.execute(HumanNote(task_id, "human.commented", {"by": "x"}, record))
    assert not HumanComment.objects.exists() and notes() == []
    with pytest.raises(NotFound):
        runtime.execute(HumanNote("no-such-task", "human.commented", {}, lambda: None))


def test_only_who_sees_the_task_may_comment_and_the_text_is_bounded(task_id: str) -> None:
    with pytest.raises(NotFound):
        comments.add(service.get(task_id), User.objects.get(username="eve"), "hello")
    ann = User.objects.get(username="ann")
    with pytest.raises(InvalidInput, match="at most 4000"):
        comments.add(service.get(task_id), ann, "x" * 4001)
    with pytest.raises(InvalidInput, match="needs some text"):
        comments.add(service.get(task_id), ann, "\n\t ")
    assert not HumanComment.objects.exists() and notes() == []

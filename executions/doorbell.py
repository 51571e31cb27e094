"""The doorbell: after commit, tell listeners of an execution that its event log grew.

Best effort by design: the channel-layer group `workflow.<id>` makes the live stream immediate
where the layer is shared (Redis), and consumers also read the log on a timer. Only the runtime
rings it (an import-linter contract), right after it appended the rows; the `dashboard`
group hears every execution's bell.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def ring_on_commit(workflow_id: str) -> None:
    transaction.on_commit(lambda: ring_rollback_unsafe(workflow_id))


def ring_rollback_unsafe(workflow_id: str) -> None:
    """Ring now, whether or not the rows it announces are committed (call after commit)."""
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "log.updated", "workflow_id": workflow_id}
        async_to_sync(layer.group_send)(f"workflow.{workflow_id}", message)
        # Open run lists (executions/dashboard_stream.py) re-read their rows.
        async_to_sync(layer.group_send)("dashboard", {"type": "runs.changed", "workflow_ids": [workflow_id]})
    except Exception:  # the doorbell is best effort: listeners also poll the log
        log.warning("could not publish event for %s", workflow_id, exc_info=True)

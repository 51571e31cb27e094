"""The doorbell: after commit, tell listeners of an execution that its event log grew.

Best effort by design: the channel-layer group `workflow.<id>` makes the live stream immediate
where the layer is shared (Redis), and consumers also read the log on a timer. Only the runtime
rings it (an import-linter contract), right after it appended the rows; the `dashboard`
group hears every execution's bell.

Ringing never waits. A request used to send both group messages itself before answering: two
`async_to_sync` hops to the event loop and four Redis round trips on every worker result, about
a third of the web process's CPU per task and part of every hop's latency (bench/README.md).
Now a ring is queued for an event loop: the server's own loop when the runtime runs in one of
its request threads (so the in-memory layer of the embedded default is used from its own
loop), else one background loop per process (Celery workers, management commands). Rings that
arrive while a send is under way go out together: one message per workflow group, and one
`dashboard` message for the whole burst.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

DASHBOARD_GROUP = "dashboard"
DASHBOARD_BATCH = 100  # workflow ids per `runs.changed` message (what a run list re-reads at most)


def ring_on_commit(workflow_id: str) -> None:
    transaction.on_commit(lambda: ring_rollback_unsafe(workflow_id))


def ring_rollback_unsafe(workflow_id: str) -> None:
    """Queue a ring now, whether or not the rows it announces are committed (call after commit)."""
    loop = _sending_loop()
    with _PUBLISHERS_LOCK:
        publisher = _PUBLISHERS.get(loop)
        if publisher is None:
            publisher = _PUBLISHERS[loop] = _Publisher(loop)
    publisher.ring(workflow_id)


class _Publisher:
    """The rings waiting to go out from one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.pending: dict[str, None] = {}  # insertion-ordered set
        self.sending = False
        self.task: asyncio.Task[None] | None = None  # held so the running send is not collected

    def ring(self, workflow_id: str) -> None:
        with self.lock:
            self.pending[workflow_id] = None
            if self.sending:
                return  # the running send picks it up before it stops
            self.sending = True
        try:
            self.loop.call_soon_threadsafe(self._start)
        except RuntimeError:  # the loop is closed (a finished test's loop): nobody hears it anyway
            with self.lock:
                self.pending.clear()
                self.sending = False

    def _start(self) -> None:
        self.task = self.loop.create_task(self._send_all())

    async def _send_all(self) -> None:
        try:
            while True:
                with self.lock:
                    ids = list(self.pending)
                    self.pending.clear()
                    if not ids:
                        self.sending = False
                        return
                await send(ids)
        except BaseException:
            with self.lock:
                self.sending = False
            raise


async def send(workflow_ids: list[str]) -> None:
    """One `log.updated` per workflow group and `runs.changed` for the dashboard, concurrently."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    sends: list[Any] = [
        layer.group_send(f"workflow.{wid}", {"type": "log.updated", "workflow_id": wid}) for wid in workflow_ids]
    # Open run lists (executions/dashboard_stream.py) re-read their rows.
    sends += [layer.group_send(DASHBOARD_GROUP, {"type": "runs.changed",
                                                 "workflow_ids": workflow_ids[i:i + DASHBOARD_BATCH]})
              for i in range(0, len(workflow_ids), DASHBOARD_BATCH)]
    for outcome in await asyncio.gather(*sends, return_exceptions=True):
        if isinstance(outcome, BaseException):  # best effort: listeners also poll the log
            log.warning("could not publish events of %d workflows", len(workflow_ids), exc_info=outcome)
            break


def _sending_loop() -> asyncio.AbstractEventLoop:
    """The event loop of the server this thread works for, else this process's own."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    from asgiref.sync import SyncToAsync

    # Set by asgiref in the threads that run sync code for an event loop (Django's request
    # threads under Daphne, database_sync_to_async): the loop they answer to.
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) == os.getpid():
        loop = getattr(local, "main_event_loop", None)
        if loop is not None and loop.is_running():
            return loop
    return _background_loop()


_PUBLISHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher] = weakref.WeakKeyDictionary()
_PUBLISHERS_LOCK = threading.Lock()
_BACKGROUND: dict[int, asyncio.AbstractEventLoop] = {}  # by pid: a forked child starts its own


def _background_loop() -> asyncio.AbstractEventLoop:
    with _PUBLISHERS_LOCK:
        loop = _BACKGROUND.get(os.getpid())
        if loop is None:
            loop = _BACKGROUND[os.getpid()] = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="baton-doorbell", daemon=True).start()
        return loop

"""A throwaway Celery app for the B3 ping-pong baseline (not the project's app).

Broker and result backend are Redis db BENCH_CELERY_REDIS_DB (default 15; tests.live.Stack
uses dbs 1-14). Started as a worker subprocess by bench.baselines.celery_pingpong.
"""

from __future__ import annotations

import os

from celery import Celery

from bench.common import REDIS_BASE

REDIS_URL = f"{REDIS_BASE}/{os.environ.get('BENCH_CELERY_REDIS_DB', '15')}"

app = Celery("baton_bench_pingpong", broker=REDIS_URL, backend=REDIS_URL)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    result_expires=600,
)


@app.task(name="bench.add1")
def add1(x: int) -> int:
    return x + 1

"""The embedded default's broker (orchestrator/embedded_broker.py) with writer processes and a
reader that polls as hard as it can: every message arrives whole and exactly once. With kombu's own
filesystem `_put` (create the file, then lock and write it) such a reader can move a file before it
is written and read an empty message, the error that killed the embedded Celery worker."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from kombu import Connection
from kombu.transport.virtual import Empty

TRANSPORT = "orchestrator.embedded_broker:Transport"
WRITERS, EACH = 3, 300
BODY = "x" * 200_000  # a large message: its write takes long enough for a poll to land inside it


def _options(root: Path) -> dict[str, Any]:
    return {"data_folder_in": str(root / "queue"), "data_folder_out": str(root / "queue"),
            "processed_folder": str(root / "processed"), "control_folder": str(root / "control"),
            "staging_folder": str(root / "staging"), "store_processed": False}


def _channel(root: Path, transport: str) -> Any:
    return Connection("filesystem://", transport=transport, transport_options=_options(root)).channel()


def _write(root: str, transport: str, first: int) -> None:
    channel = _channel(Path(root), transport)
    for n in range(first, first + EACH):
        channel._put("q", {"body": BODY, "n": n})


def deliveries(root: Path, transport: str) -> tuple[list[int], list[str]]:
    for sub in ("queue", "processed", "control", "staging"):
        (root / sub).mkdir()
    reader = _channel(root, transport)
    ctx = multiprocessing.get_context("spawn")
    writers = [ctx.Process(target=_write, args=(str(root), transport, w * EACH)) for w in range(WRITERS)]
    for p in writers:
        p.start()
    got: list[int] = []
    errors: list[str] = []
    deadline = time.monotonic() + 120
    while len(got) + len(errors) < WRITERS * EACH and time.monotonic() < deadline:
        try:
            got.append(reader._get("q")["n"])
        except Empty:
            continue
        except ValueError as exc:  # a half-written message does not decode
            errors.append(repr(exc))
    for p in writers:
        p.join(30)
    return got, errors


def test_a_polling_reader_gets_every_message_whole_and_once(tmp_path: Path) -> None:
    got, errors = deliveries(tmp_path, TRANSPORT)
    assert errors == []
    assert sorted(got) == list(range(WRITERS * EACH))
    assert not any((tmp_path / "staging").iterdir())  # nothing left half-way

"""The embedded default's Celery broker: kombu's filesystem transport, with messages that appear
in the queue folder whole.

kombu's own `_put` creates the message file, then locks and writes it; its `_get` moves any file
it lists into the processed folder and reads it without taking the lock. A poll that lands between
the writer's `open` and its `write` moves an empty file and fails to decode it, and that error is
"unrecoverable" for the Celery worker: the worker exits, and with it `manage.py serve`. Under load
(a fork scheduling a hundred branches while a page polls) it happened in the test suite. Here a
message is written in a staging folder and renamed into the queue (atomic on one filesystem), so a
reader sees a whole message or none.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from time import monotonic  # kombu's clock for the file names: their sorted order is the queue's
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps
from kombu.utils.objects import cached_property


class Channel(filesystem.Channel):
    @cached_property
    def staging_folder(self) -> str:
        """Beside the queue folder (the same filesystem, so the rename is atomic)."""
        default = str(Path(self.data_folder_out).parent / "staging")
        folder: str = self.transport_options.get("staging_folder", default)
        os.makedirs(folder, exist_ok=True)
        return folder

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        staged = os.path.join(self.staging_folder, name)
        try:
            with open(staged, "wb") as f:
                f.write(dumps(payload).encode())
                f.flush()
            os.replace(staged, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

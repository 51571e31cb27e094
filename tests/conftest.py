"""Shared fixtures. Live stacks start only when a test asks for one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live import Stack


@pytest.fixture(scope="session")
def pg_stack() -> Iterator[Stack]:
    stack = Stack("postgres").start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def embedded_stack() -> Iterator[Stack]:
    stack = Stack("embedded").start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def open_stack() -> Iterator[Stack]:
    """An embedded stack with BATON_AUTH=off."""
    stack = Stack("embedded", auth=False).start()
    yield stack
    stack.stop()


@pytest.fixture()
def api(pg_stack: Stack):  # type: ignore[no-untyped-def]
    with pg_stack.client() as client:
        yield client

"""jq for JSON_JQ_TRANSFORM (RELIABILITY.md section 3.3), in a forked child killed at its deadline.

jq has no time limit and holds the GIL, so every evaluation runs in a forked child that is
SIGKILLed at the deadline. Programs are compiled once in the parent (LRU cache) and only executed
in the child. `$ENV` is bound when a program is compiled, so the parent compiles
`{} as $ENV | <query>`, which shadows it; `env` reads the live environment, which the child clears
before running anything. fork() costs grow with the parent's resident memory (page tables).
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import resource
import select
import signal
import time
from typing import Any, NoReturn

import jq

from orchestrator.engine.scripts import ScriptError

from .limits import ScriptMemoryLimit, ScriptTimeout

_JQ_ENV_SHIELD = "{} as $ENV | "
_JQ_MAX_OUTPUT_BYTES = 16 * 1024 * 1024
try:
    _C_ENVIRON: Any = ctypes.POINTER(ctypes.c_char_p).in_dll(ctypes.CDLL(None), "environ")
except (OSError, ValueError):  # pragma: no cover - no C `environ` symbol on this platform
    _C_ENVIRON = None


def _clear_environment() -> None:
    """Empty the C `environ` as well: os.environ.clear() misses variables set outside it (os.putenv,
    setenv in C extensions). Not clearenv(): that leaves `environ` NULL and jq's `env` segfaults."""
    os.environ.clear()
    names: list[bytes] = []
    while _C_ENVIRON and _C_ENVIRON[len(names)] is not None:
        names.append(_C_ENVIRON[len(names)].split(b"=", 1)[0])
    for name in names:
        os.unsetenv(name)


def _jq_message(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.startswith("jq: error: ")]
    return "; ".join(line[len("jq: error: ") :].rstrip(":") for line in lines) or str(exc).strip()


@functools.lru_cache(maxsize=256)
def _jq_program(query: str) -> Any:
    """Compile `query` with `$ENV` shadowed by `{}` (jq binds `$ENV` at compile time)."""
    try:
        return jq.compile(_JQ_ENV_SHIELD + query)
    except ValueError:
        pass
    try:  # report against the user's own text, without the shield's column offset
        jq.compile(query)
    except ValueError as exc:
        raise ScriptError(_jq_message(exc), terminal=True) from None
    raise ScriptError("jq module directives (import/include) are not supported", terminal=True)


def check_jq_syntax(query: str) -> str | None:
    """None if `query` compiles, else jq's compile error message."""
    try:
        _jq_program(query)
    except ScriptError as exc:
        return exc.message
    return None


def _limit_address_space(extra_bytes: int) -> None:
    """RLIMIT_AS = the forked image's current address space + `extra_bytes`.

    A server process already maps far more than a jq program needs (thread stacks, malloc arenas),
    so an absolute limit would either be meaningless or make the child fail at its first allocation.
    """
    try:
        with open("/proc/self/statm", "rb") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        current = 0
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + extra_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _jq_child(program: Any, data: Any, fd: int, memory_bytes: int) -> NoReturn:
    """Runs in the forked child: only jq work, then os._exit (no atexit, no finalisers)."""
    status = 70
    try:
        _clear_environment()  # `env` reads the live environment (`$ENV` is shadowed at compile time)
        # Drop inherited descriptors (sockets, other evaluations' pipes); keep stdio and our pipe.
        max_fd = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        max_fd = max_fd if 0 < max_fd < 1 << 20 else 1 << 20
        os.closerange(3, fd)
        os.closerange(fd + 1, max_fd)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # jq abort()s when out of memory
        _limit_address_space(memory_bytes)
        try:
            payload = b"R" + json.dumps(program.input_value(data).all()).encode()
        except MemoryError:
            payload = b"M"
        except ValueError as exc:  # jq runtime error: `error(...)`, bad index, ...
            payload = b"E" + str(exc).encode(errors="replace")
        except Exception as exc:  # noqa: BLE001 - e.g. input that is not JSON-serialisable
            payload = b"X" + f"{type(exc).__name__}: {exc}".encode(errors="replace")
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        status = 0
    finally:
        os._exit(status)


def eval_jq(
    query: str,
    data: Any,
    timeout_seconds: float = 2.0,
    memory_bytes: int = 256 * 1024 * 1024,
    *,
    max_output_bytes: int = _JQ_MAX_OUTPUT_BYTES,
) -> list[Any]:
    """All results of jq `query` over `data` (caller takes [0] as `result`, the list as `resultList`).

    `memory_bytes` is how much the child may grow its address space beyond the forked image.
    """
    program = _jq_program(query)
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:
        os.close(read_fd)
        _jq_child(program, data, write_fd, memory_bytes)
    os.close(write_fd)
    return _jq_collect(pid, read_fd, timeout_seconds, max_output_bytes)


def _jq_collect(pid: int, fd: int, timeout_seconds: float, max_output_bytes: int) -> list[Any]:
    deadline = time.monotonic() + timeout_seconds
    chunks: list[bytes] = []
    size = 0
    failure: ScriptError | None = None
    poller = select.poll()  # not select(): server processes can have fds above 1024
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                failure = ScriptTimeout(timeout_seconds)
                break
            if not poller.poll(remaining * 1000):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > max_output_bytes + 1:
                failure = ScriptError(f"jq result too large (> {max_output_bytes} bytes)", terminal=True)
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
        if failure is not None or size == 0:
            _kill(pid)
        status = _reap(pid)
    if failure is not None:
        raise failure
    payload = b"".join(chunks)
    kind, body = payload[:1], payload[1:]
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        kind = b""  # died part-way through writing: the payload may be truncated
    if kind == b"R":
        result: list[Any] = json.loads(body)
        return result
    if kind == b"E":
        raise ScriptError(body.decode(errors="replace"), terminal=False)
    if kind == b"X":
        raise ScriptError(f"jq evaluation failed: {body.decode(errors='replace')}", terminal=True)
    if kind == b"M" or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT):
        raise ScriptMemoryLimit()  # jq abort()s when an allocation fails under RLIMIT_AS
    raise ScriptError(f"jq evaluation died ({_describe_status(status)})", terminal=False)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> int:
    """Wait for the child: it was SIGKILLed, or it closed the pipe by exiting."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:  # reaped by someone else (a SIGCHLD handler)
        return 0


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"

"""Task polling: async views, so a long-poll waits without holding a server thread.

The claim itself (SELECT ... FOR UPDATE SKIP LOCKED) runs in a worker thread; between empty
claims the view sleeps briefly until the caller's timeout runs out.
"""

from __future__ import annotations

import asyncio
import time

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from orchestrator.conf import baton
from orchestrator.services import tasks
from orchestrator.services.access import Principal, TokenError

from . import shapes
from .auth import token_from, user_principal
from .exceptions import BadRequest, error_body, json_error
from .parsing import integer, text


async def _authenticate(request: HttpRequest) -> Principal | None:
    token = token_from(request)
    if token:
        from orchestrator.services.access import verify_token

        return await sync_to_async(verify_token, thread_sensitive=False)(token)
    return user_principal(await request.auser())


async def _claim_json(queue: str, worker: str | None, count: int, domain: str | None) -> list[dict]:
    def work() -> list[dict]:
        return [shapes.task_json(row) for row in tasks.claim(queue, worker, count, domain)]

    return await sync_to_async(work, thread_sensitive=False)()


async def _poll(request: HttpRequest, task_type: str, batch: bool) -> HttpResponse:
    if request.method != "GET":
        return JsonResponse(error_body(405, "Use GET"), status=405)
    try:
        if baton.AUTH and await _authenticate(request) is None:
            return JsonResponse(error_body(401, "Authentication required", error="INVALID_TOKEN"), status=401)
        params = request.GET
        worker = text(params, "workerid")
        domain = text(params, "domain")
        count = integer(params, "count", 1, low=1, high=1000) if batch else 1
        timeout_ms = integer(params, "timeout", 100 if batch else 0, low=0) if batch else 0
        if timeout_ms and timeout_ms > baton.MAX_POLL_TIMEOUT_MS:
            raise BadRequest(f"timeout must be at most {baton.MAX_POLL_TIMEOUT_MS} ms")
        deadline = time.monotonic() + (timeout_ms or 0) / 1000
        while True:
            found = await _claim_json(task_type, worker, count or 1, domain)
            if found or time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(baton.POLL_RECHECK_MS / 1000, max(0.0, deadline - time.monotonic())))
    except TokenError as exc:
        return JsonResponse(error_body(401, exc.message, error=exc.code), status=401)
    except Exception as exc:  # noqa: BLE001 - rendered by the one handler, bugs re-raised there
        return json_error(exc)
    if batch:
        return JsonResponse(found, safe=False)
    if not found:
        return HttpResponse(status=204)
    return JsonResponse(found[0])


async def poll_batch(request: HttpRequest, task_type: str) -> HttpResponse:
    return await _poll(request, task_type, batch=True)


async def poll_one(request: HttpRequest, task_type: str) -> HttpResponse:
    return await _poll(request, task_type, batch=False)

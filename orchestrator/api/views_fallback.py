"""What /api answers for a path it does not serve: Conductor's JSON error body, never an HTML page."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .exceptions import error_body


@csrf_exempt  # nothing happens here, and a session POST must get this 404, not the CSRF page
def unknown_path(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any method on any path no pattern above matched (including a known path with a bad segment)."""
    # No authentication first: the answer reveals nothing beyond the published API surface.
    return JsonResponse(error_body(404, f"No API endpoint {request.method} {request.path}"), status=404)

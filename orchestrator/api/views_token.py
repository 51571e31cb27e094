"""/api/token: exchange an application's key id and secret for a token."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.conf import baton
from orchestrator.services import access
from orchestrator.services.errors import NotFound

from .auth import user_principal
from .base import ApiView, ok
from .exceptions import BadRequest
from .parsing import require_object


class Token(ApiView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        if not baton.AUTH:
            # The SDK reads a 404 here as "this server runs open" and stops sending tokens.
            raise NotFound("Authentication is disabled on this server")
        doc = require_object(request.data, "The request body")
        key_id, secret = doc.get("keyId"), doc.get("keySecret")
        if not isinstance(key_id, str) or not key_id or not isinstance(secret, str) or not secret:
            raise BadRequest("keyId and keySecret are required strings")
        return ok({"token": access.issue_token(key_id, secret)})


class UserInfo(ApiView):
    worker_allowed = True

    def get(self, request: Request) -> Response:
        principal = user_principal(request.user)
        if principal is None:
            return ok({"id": "anonymous", "name": "anonymous", "roles": []})
        return ok({"id": principal.name, "name": principal.name, "roles": [{"name": principal.role}],
                   "applicationUser": principal.kind == "app"})

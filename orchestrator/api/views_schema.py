"""/api/schema: Orkes' schema registry API, as the SDK's SchemaClient calls it. ADMIN only, as
the rest of the metadata API."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.schemas import service

from .auth import principal_name
from .base import ApiView, ok
from .parsing import flag


class Schemas(ApiView):
    def get(self, request: Request) -> Response:
        return ok([service.schema_json(row) for row in service.list_schemas()])

    def post(self, request: Request) -> Response:
        # The SDK's register_schema sends one SchemaDef; its `save` is documented to take a list.
        docs = request.data if isinstance(request.data, list) else [request.data]
        new_version = flag(request.query_params, "newVersion", False)
        service.save_schemas(docs, new_version=new_version, user=principal_name(request))
        return ok(None)


class SchemaByName(ApiView):
    def get(self, request: Request, name: str) -> Response:
        return ok(service.schema_json(service.get_schema(name)))

    def delete(self, request: Request, name: str) -> Response:
        service.delete_schema(name)
        return ok(None)


class SchemaVersion(ApiView):
    def get(self, request: Request, name: str, version: int) -> Response:
        return ok(service.schema_json(service.get_schema(name, version)))

    def delete(self, request: Request, name: str, version: int) -> Response:
        service.delete_schema(name, version)
        return ok(None)

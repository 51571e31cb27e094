"""The service layer's exceptions. The API maps each to its HTTP status (see api/exceptions.py)."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status_code = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, *, validation_errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.validation_errors = validation_errors or []


class InvalidInput(ServiceError):
    status_code = 400
    code = "INVALID_INPUT"


class NotFound(ServiceError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(ServiceError):
    status_code = 409
    code = "CONFLICT"


class Unavailable(ServiceError):
    status_code = 503
    code = "UNAVAILABLE"


class WorkflowNotFound(NotFound):
    """An execution id that names nothing, in Conductor's words (the SDK's own tests compare them)."""

    def __init__(self, workflow_id: str, *, reading: bool = False) -> None:
        # Conductor's GET /workflow/{id} answers "Workflow with id: … not found." (WorkflowServiceImpl);
        # every other endpoint reaches its DAO facade first, which says "No such workflow found by id".
        if reading:
            super().__init__(f"Workflow with id: {workflow_id} not found.")
        else:
            super().__init__(f"No such workflow found by id: {workflow_id}")


class WorkflowDefNotFound(NotFound):
    """A workflow definition name (and version) that is not registered: MetadataService's wording."""

    def __init__(self, name: str, version: int | None, *, starting: bool = False) -> None:
        # Java formats a null version as "null"; the SDK's tests compare the whole sentence.
        shown = "null" if version is None else str(version)
        if starting:
            # Starting from a StartWorkflowRequest goes through MetadataMapperService instead.
            super().__init__(f"No such workflow defined. name={name}, version={shown}")
        else:
            super().__init__(f"No such workflow found by name: {name}, version: {shown}")
        self.name = name
        self.version = version

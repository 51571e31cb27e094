"""The process-wide `SchemaCheck` over the SchemaDef table, given to every engine Env by wiring.

Example:
    registry.SCHEMAS.violations(SchemaRef("order", 1), {"total": 12})
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from orchestrator.engine.schemas import SchemaRef

from .validation import CachedSchemas


def _load(ref: SchemaRef) -> tuple[Hashable, Any] | None:
    # Imported here: `orchestrator.wiring` imports this module, and the unit tier imports wiring
    # without a database (its tests pass their own SchemaCheck), possibly before apps are ready.
    from .models import SchemaDef

    rows = SchemaDef.objects.filter(name=ref.name)
    rows = rows.filter(version=ref.version) if ref.version is not None else rows.order_by("-version")
    found = rows.values_list("id", "updated", "data").first()
    if found is None:
        return None
    row_id, updated, data = found
    return (row_id, updated), data


SCHEMAS = CachedSchemas(_load)

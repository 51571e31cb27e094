"""Registered schemas: Orkes' SchemaDef, one row per (name, version)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from orchestrator.engine.schemas import SchemaRef
from orchestrator.models import Audited

from .validation import schema_problems


class SchemaDef(Audited):
    class Type(models.TextChoices):
        # The SDK's SchemaType also names AVRO and PROTOBUF; only JSON Schema can be enforced.
        JSON = "JSON", "JSON Schema"

    name = models.CharField(max_length=255)
    version = models.PositiveIntegerField(default=1)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.JSON)
    data = models.JSONField(help_text="The JSON Schema document.")
    external_ref = models.CharField(max_length=1024, blank=True, default="")

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = "schema"
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="schemadef_name_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        # The admin saves through here, not through the service: the same meta-schema check.
        problems = schema_problems(self.data)
        if problems:
            raise ValidationError({"data": [f"{p.path}: {p.message} ({p.rule})" for p in problems]})
        from .service import check_schema_doc  # the service imports this module

        self_ref = frozenset({SchemaRef(self.name), SchemaRef(self.name, self.version)})
        doc = {"name": self.name, "version": self.version, "data": self.data}
        unresolved = [p for p in check_schema_doc(doc, "$", self_ref) if p.id == "SC.E006"]
        if unresolved:
            raise ValidationError({"data": [f"{p.path}: {p.message}" for p in unresolved]})

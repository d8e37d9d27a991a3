"""An import: the uploaded file, its raw rows (kept as JSONB, with their row numbers), its column mapping, and the
corrections people approved (learned per client, stored apart from what the engine suggests)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.urls import reverse

from engagements.models import Engagement
from tenants.fields import public_user_reference


class ImportKind(models.TextChoices):
    ASSETS = "assets", "Assets (servers, databases, devices)"
    APPLICATIONS = "applications", "Applications"
    CONNECTIONS = "connections", "Connections (source, destination, port)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    READING = "reading", "Reading the file"
    MAPPING = "mapping", "Waiting for the mapping approval"
    VALIDATING = "validating", "Validating"
    INVALID = "invalid", "Rows with errors"
    IMPORTING = "importing", "Writing the inventory"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class OnDuplicate(models.TextChoices):
    UPDATE = "update", "Update the existing asset"
    SKIP = "skip", "Skip the row"


class DataImport(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="imports")
    flow = models.ForeignKey("flows.Flow", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Relative to MEDIA_ROOT: <schema>/imports/<id>-<name>.
    file_path = models.CharField(max_length=500)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=ImportKind.choices, blank=True)
    format = models.CharField(max_length=32, blank=True)
    sheet = models.CharField(max_length=255, blank=True)
    sheets = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    counts = models.JSONField(default=dict, blank=True)
    on_duplicate = models.CharField(max_length=8, choices=OnDuplicate.choices, default=OnDuplicate.UPDATE)
    skip_invalid = models.BooleanField(default=False)
    # From `--mapping FILE.json`: {source header: field or None}, applied as corrections by the field_mapping phase.
    requested_mapping = models.JSONField(default=dict, blank=True)
    quality_score = models.FloatField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)
    uploaded_by = public_user_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.original_name})"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", kwargs={"engagement_pk": self.engagement_id, "pk": self.pk})


class RowStatus(models.TextChoices):
    OK = "ok", "OK"
    WARNING = "warning", "Warnings"
    INVALID = "invalid", "Errors"
    DUPLICATE = "duplicate", "Duplicate in the file"


class RawRecord(models.Model):
    """One data row as read from the file: its cells in the order of the import's `headers` (a JSON array; the
    header names are stored once, on the import, not in every row), written with COPY by the data_import phase.
    `cells_by_header` gives them keyed by header."""

    # No index of its own: rawrecord_row_unique (data_import, row_number) leads with it, and a 100,000-row import
    # would maintain both for every row. No database constraint either: only the data_import phase writes these
    # rows, under the import it has just read, and deleting an import deletes them (Django's cascade); a
    # constraint would check the same parent row 100,000 times at the phase's commit (about 1 s).
    data_import = models.ForeignKey(
        DataImport, on_delete=models.CASCADE, related_name="records", db_index=False, db_constraint=False
    )
    row_number = models.PositiveIntegerField(help_text="row number as a spreadsheet shows it")
    values = models.JSONField(default=list, help_text="the row's cells, in the order of the import's headers")
    # [{"column": header, "message": text}]
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RowStatus.choices, default=RowStatus.OK)

    class Meta:
        ordering = ["row_number"]
        constraints = [models.UniqueConstraint("data_import", "row_number", name="rawrecord_row_unique")]
        indexes = [
            models.Index(
                "data_import",
                "row_number",
                name="rawrecord_issues",
                condition=~models.Q(status="ok"),
            )
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number} of import {self.data_import_id}"

    def cells_by_header(self, headers: Sequence[str]) -> dict[str, str]:
        """{header: cell} of this row, given its import's `headers`."""
        return cells_by_header(headers, self.values)


def cells_by_header(headers: Sequence[str], cells: object) -> dict[str, str]:
    """A stored row's cells (a list in header order) as {header: cell}."""
    return dict(zip(headers, cells, strict=False)) if isinstance(cells, list) else {}


class ColumnMapping(models.Model):
    """One source column: what the engine (and the AI review) suggest, and apart from it what a person chose."""

    data_import = models.ForeignKey(DataImport, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveIntegerField()
    source = models.CharField(max_length=500)
    suggested_target = models.CharField(max_length=64, blank=True)
    confidence = models.FloatField(default=0)
    transform = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    samples = models.JSONField(default=list, blank=True)
    # A person's correction: `overridden` says there is one; an empty target then means "leave unmapped".
    overridden = models.BooleanField(default=False)
    override_target = models.CharField(max_length=64, blank=True)
    overridden_by = public_user_reference()
    final_target = models.CharField(max_length=64, blank=True)
    final_transform = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint("data_import", "position", name="columnmapping_position_unique")]

    def __str__(self) -> str:
        return f"{self.source} -> {self.final_target or '-'}"

    @property
    def chosen_target(self) -> str:
        return self.override_target if self.overridden else self.suggested_target


class LearnedMapping(models.Model):
    """An approved correction: next time this client's file has the same header, it wins."""

    header_key = models.CharField(max_length=500, help_text="the header squashed (lower case, no spaces)")
    header = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    target = models.CharField(max_length=64, blank=True, help_text="empty: leave unmapped")
    approved_by = public_user_reference()
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["header"]
        constraints = [models.UniqueConstraint("header_key", "kind", name="learnedmapping_header_kind_unique")]

    def __str__(self) -> str:
        return f"{self.header} -> {self.target or '-'} ({self.kind})"


class AssetRole(models.Model):
    """The server role the classification phase gave an asset of an import, and where it came from."""

    # Written 100,000 at a time by COPY from the import's own assets: no database constraints, whose checks of
    # every row at the phase's commit cost more than the COPY itself; deletes cascade through Django.
    data_import = models.ForeignKey(DataImport, on_delete=models.CASCADE, related_name="roles", db_constraint=False)
    # Indexed once, by Meta's assetrole_asset (the field's own index was a second copy of it).
    asset = models.ForeignKey(
        "inventory.Asset", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    role = models.CharField(max_length=32)
    source = models.CharField(max_length=16, default="rules", help_text="rules or llm")
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index("asset", name="assetrole_asset")]

    def __str__(self) -> str:
        return f"{self.role} ({self.source})"

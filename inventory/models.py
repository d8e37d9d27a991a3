"""The canonical inventory of an engagement: assets, applications and the links between them.

Every canonical field (shared/spec/asset-fields.md, application-fields.md) is a typed column of the same name;
unknown values are NULL, lists are arrays (empty when unknown). Writes go through services.py.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from engagements.models import Engagement
from tenants.fields import public_user_reference


class AssetType(models.TextChoices):
    SERVER = "server", "Server"
    DATABASE = "database", "Database"
    NETWORK_DEVICE = "network_device", "Network device"
    STORAGE = "storage", "Storage"
    LOAD_BALANCER = "load_balancer", "Load balancer"
    OTHER = "other", "Other"


class Environment(models.TextChoices):
    PRODUCTION = "production", "Production"
    STAGING = "staging", "Staging"
    TEST = "test", "Test"
    DEVELOPMENT = "development", "Development"
    DR = "dr", "DR"
    UNKNOWN = "unknown", "Unknown"


class OsFamily(models.TextChoices):
    WINDOWS = "windows", "Windows"
    LINUX = "linux", "Linux"
    UNIX = "unix", "Unix"
    OTHER = "other", "Other"


class Criticality(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class AssetStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    RETIRING = "retiring", "Retiring"
    DECOMMISSIONED = "decommissioned", "Decommissioned"
    UNKNOWN = "unknown", "Unknown"


class AppType(models.TextChoices):
    CUSTOM = "custom", "Custom"
    COTS = "cots", "COTS"
    SAAS_REPLACEABLE = "saas_replaceable", "SaaS replaceable"


class Lifecycle(models.TextChoices):
    INVEST = "invest", "Invest"
    MAINTAIN = "maintain", "Maintain"
    SUNSET = "sunset", "Sunset"
    RETIRE = "retire", "Retire"


class DataClassification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class DependencyDirection(models.TextChoices):
    OUTBOUND = "outbound", "Source depends on target"
    BIDIRECTIONAL = "bidirectional", "Both ways"


# Text columns are `text` (no length to overflow on a messy import); NULL means unknown.
def text() -> models.TextField:  # type: ignore[type-arg]
    return models.TextField(null=True, blank=True)


def vocabulary(choices: type[models.TextChoices]) -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(max_length=20, choices=choices.choices, null=True, blank=True)


def raw() -> models.TextField:  # type: ignore[type-arg]
    return models.TextField(null=True, blank=True, help_text="the value as the source gave it")


def integer() -> models.BigIntegerField:  # type: ignore[type-arg]
    return models.BigIntegerField(null=True, blank=True)


def number() -> models.FloatField:  # type: ignore[type-arg]
    return models.FloatField(null=True, blank=True)


def text_list() -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(models.TextField(), default=list, blank=True)


class Provenance(models.Model):
    """Where a row came from; `source_import_id` will point at imports.DataImport once that app exists."""

    source_import_id = models.BigIntegerField(null=True, blank=True)
    source_row = models.IntegerField(null=True, blank=True, help_text="row number as a spreadsheet shows it")
    source_format = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        abstract = True


class Asset(Provenance):
    # No index of its own: the natural-key indexes (engagement, ...) lead with it, and every index a bulk write
    # maintains costs each of its rows (a 100,000-row import). No database constraint either: its check of every
    # row an import writes (100,000 at the commit, all of the one engagement the import read) took about 0.9 s;
    # engagements are archived, not deleted, and deleting one (demo_seed --reset) cascades through Django.
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="assets", db_index=False, db_constraint=False
    )

    name = models.TextField()
    hostname = text()
    fqdn = text()
    external_id = text()
    bios_uuid = text()
    serial_number = text()
    asset_type = vocabulary(AssetType)
    asset_type_raw = raw()
    ip_address = text_list()
    mac_address = text_list()
    cpu_cores = integer()
    cpu_sockets = integer()
    cpu_logical = integer()
    cpu_speed_mhz = integer()
    memory_mb = integer()
    storage_gb = number()
    storage_used_gb = number()
    disk_count = integer()
    cpu_util_avg_pct = number()
    cpu_util_max_pct = number()
    memory_util_avg_pct = number()
    memory_used_avg_mb = integer()
    memory_used_max_mb = integer()
    disk_read_iops = number()
    disk_write_iops = number()
    disk_read_kbps = number()
    disk_write_kbps = number()
    network_in_kbps = number()
    network_out_kbps = number()
    os_name = text()
    os_version = text()
    os_family = vocabulary(OsFamily)
    os_architecture = text()
    is_virtual = models.BooleanField(null=True, blank=True)
    hypervisor = text()
    power_state = text()
    cluster = text()
    physical_host = text()
    firmware = text()
    datacenter = text()
    location = text()
    environment = vocabulary(Environment)
    environment_raw = raw()
    application = text_list()
    business_owner = text()
    technical_owner = text()
    department = text()
    criticality = vocabulary(Criticality)
    criticality_raw = raw()
    cost_center = text()
    monthly_cost = number()
    tags = text_list()
    migration_wave = text()
    description = text()
    status = vocabulary(AssetStatus)
    status_raw = raw()
    dependencies = text_list()

    custom_attributes = models.JSONField(default=dict, blank=True)
    quality_score = models.PositiveSmallIntegerField(default=0)
    # Lower-cased identifying text, maintained by services (one SQL expression), searched through a trigram index.
    search_text = models.TextField(default="", editable=False)

    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # No index: nothing looks assets up by who changed them last, and an import would maintain it for every row.
    updated_by = public_user_reference(db_index=False)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # The table page: every list is one engagement's live assets, sorted or filtered by one column. Sizes
            # are indexed biggest first with unknowns last (selectors.ASSET_SORTS orders to match).
            # `name` included: a deep page's ids come from this index alone (an index-only scan; PostgreSQL does
            # not consider one for an expression index without the column the expression reads).
            models.Index(
                "engagement",
                Lower("name"),
                "id",
                name="asset_list_name",
                condition=Q(deleted_at__isnull=True),
                include=["name"],
            ),
            models.Index(
                "engagement", "asset_type", Lower("name"), name="asset_list_type", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(
                "engagement", "environment", Lower("name"), name="asset_list_env", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(
                "engagement", "os_family", Lower("name"), name="asset_list_os", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(
                "engagement",
                F("quality_score").desc(nulls_last=True),
                F("id").desc(),
                name="asset_list_quality",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                "engagement",
                F("memory_mb").desc(nulls_last=True),
                F("id").desc(),
                name="asset_list_memory",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                "engagement",
                F("cpu_cores").desc(nulls_last=True),
                F("id").desc(),
                name="asset_list_cores",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                "engagement",
                F("storage_gb").desc(nulls_last=True),
                F("id").desc(),
                name="asset_list_storage",
                condition=Q(deleted_at__isnull=True),
            ),
            # Only the deleted assets (the restore list, live counts): an import writes none, so it costs no insert.
            models.Index("engagement", "deleted_at", name="asset_deleted", condition=Q(deleted_at__isnull=False)),
            # Natural keys (services.NATURAL_KEYS), matched case-insensitively; IPs by the primary one.
            # Sources often lack these keys: an asset without one adds no entry (each cost about 2.5 us a row).
            models.Index(
                "engagement", "external_id", name="asset_key_external_id", condition=Q(external_id__isnull=False)
            ),
            models.Index(
                "engagement", Lower("bios_uuid"), name="asset_key_bios_uuid", condition=Q(bios_uuid__isnull=False)
            ),
            models.Index(
                "engagement", Lower("serial_number"), name="asset_key_serial", condition=Q(serial_number__isnull=False)
            ),
            models.Index("engagement", Lower("fqdn"), name="asset_key_fqdn", condition=Q(fqdn__isnull=False)),
            models.Index("engagement", Lower("hostname"), name="asset_key_hostname"),
            models.Index(F("engagement"), F("ip_address__0"), name="asset_key_primary_ip"),
            models.Index("source_import_id", name="asset_source_import"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:asset", kwargs={"engagement_pk": self.engagement_id, "pk": self.pk})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Application(Provenance):
    # Indexed by Meta's (engagement, deleted_at) and the unique (engagement, lower(name)), which lead with it.
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="applications", db_index=False)

    name = models.TextField()
    description = text()
    app_type = vocabulary(AppType)
    app_type_raw = raw()
    business_criticality = vocabulary(Criticality)
    business_criticality_raw = raw()
    lifecycle = vocabulary(Lifecycle)
    lifecycle_raw = raw()
    business_owner = text()
    technical_owner = text()
    business_service = text()
    users = integer()
    languages = text_list()
    frameworks = text_list()
    databases = text_list()
    middleware = text_list()
    vendor = text()
    license_model = text()
    data_classification = vocabulary(DataClassification)
    data_classification_raw = raw()
    compliance = text_list()
    rto_hours = number()
    rpo_minutes = number()
    annual_cost = number()
    # `servers` of the spec as given by the source; the links themselves are `assets`.
    servers = text_list()
    tags = text_list()

    custom_attributes = models.JSONField(default=dict, blank=True)
    assets: models.ManyToManyField[Asset, ApplicationAsset] = models.ManyToManyField(
        Asset, through="ApplicationAsset", related_name="applications"
    )

    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = public_user_reference()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("engagement", Lower("name"), name="application_name_unique_ci"),
        ]
        indexes = [
            models.Index("engagement", "deleted_at", name="application_deleted"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:application", kwargs={"engagement_pk": self.engagement_id, "pk": self.pk})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class LinkSource(models.TextChoices):
    IMPORT = "import", "Import"
    MANUAL = "manual", "Manual"


class ApplicationAsset(models.Model):
    # Served by the unique (application, asset) and the (asset, application) indexes: no single-column ones to
    # maintain for every link an import writes. No database constraints: an import links 100,000 assets in one
    # statement of ids it has just read from both tables, and the constraints' checks of every link (two per
    # row, at the commit) cost as much as writing them; applications and assets are soft-deleted, and a real
    # delete (an engagement's) cascades through Django.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="asset_links", db_index=False, db_constraint=False
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="application_links", db_index=False, db_constraint=False
    )
    source = models.CharField(max_length=8, choices=LinkSource.choices, default=LinkSource.IMPORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("application", "asset", name="application_asset_unique")]
        indexes = [models.Index("asset", "application", name="asset_application")]

    def __str__(self) -> str:
        return f"{self.application_id} runs on {self.asset_id}"


class ApplicationDependency(Provenance):
    # Written by the hundred thousand from connections (dependency analysis) of ids just read from the tables they
    # point at: no database constraints, whose three deferred checks a row cost more at the commit than the insert
    # (6.2 s against 4.5 s for 290,000). Applications are soft-deleted; a real delete (an engagement's) cascades
    # through Django. The unique (source, target) and Meta's target index serve the lookups: no copies of them.
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="application_dependencies", db_constraint=False
    )
    source = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="dependencies_out", db_index=False, db_constraint=False
    )
    target = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="dependencies_in", db_index=False, db_constraint=False
    )
    direction = models.CharField(
        max_length=16, choices=DependencyDirection.choices, default=DependencyDirection.OUTBOUND
    )
    kind = models.CharField(max_length=40, blank=True, default="", help_text="api, database, file, messaging, ...")
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("source", "target", name="application_dependency_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="application_dependency_not_self"),
        ]
        indexes = [models.Index("target", name="application_dependency_target")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class AssetConnection(Provenance):
    # As ApplicationDependency: written in bulk from ids just resolved, without database constraints (deletes
    # cascade through Django); indexed by the unique (source, target, port, protocol) and Meta's target index.
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="asset_connections", db_constraint=False
    )
    source = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="connections_out", db_index=False, db_constraint=False
    )
    target = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="connections_in", db_index=False, db_constraint=False
    )
    port = models.IntegerField(null=True, blank=True)
    protocol = models.CharField(max_length=16, blank=True, default="")
    connection_count = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                "source", "target", "port", "protocol", name="asset_connection_unique", nulls_distinct=False
            ),
        ]
        indexes = [models.Index("target", name="asset_connection_target")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}:{self.port or '*'}/{self.protocol or '*'}"

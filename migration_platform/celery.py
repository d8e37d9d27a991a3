"""The Celery app; tenant-schemas-celery carries the sender's schema to the worker."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

app = CeleryApp("migration_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="platform.ping")
def ping() -> str:
    return "pong"

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"

    def ready(self) -> None:
        # django-tenants drops a deleted client's schema from a post_delete receiver connected for every model.
        # Any receiver makes Django delete a model's rows one fetched object at a time (no fast delete): a
        # re-run's delete of 100,000 raw rows loaded them all. Connected for the client model alone, it still
        # drops the schema, and every other delete is one statement.
        from django.db.models.signals import post_delete
        from django_tenants.signals import tenant_delete_callback

        from .models import Client

        post_delete.disconnect(tenant_delete_callback)
        post_delete.connect(tenant_delete_callback, sender=Client, dispatch_uid="tenants.client_schema_drop")

"""The phases' bulk loads: the engine's facts for a whole engagement in a fixed handful of queries, with
dependencies counted both ways for a two-way link and deleted applications and servers left out."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from assessments import loaders
from inventory.models import Application, ApplicationDependency, Asset
from tests.assessments.backend_data import Estate


def test_counts_edges_and_servers_leave_deleted_ones_out(estate: Estate) -> None:
    with schema_context(estate.schema):
        apps = estate.apps
        engagement = estate.engagement
        gone = Application.objects.create(engagement=engagement, name="Decommissioned", deleted_at=timezone.now())
        ApplicationDependency.objects.create(engagement=engagement, source=gone, target=apps["Billing"])
        ApplicationDependency.objects.create(
            engagement=engagement, source=apps["Fax Gateway"], target=apps["Web Shop"], direction="bidirectional"
        )
        Asset.objects.filter(name="crm01").update(deleted_at=timezone.now())

        with CaptureQueriesContext(connection) as queries:
            portfolio = loaders.portfolio_load(engagement_id=engagement.pk, application_ids=None)

        statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
        assert len(statements) == 6  # applications, links, dependencies from and to, servers, edges
        facts = {app.name: app for app in portfolio.apps}
        assert "Decommissioned" not in facts
        # Web Shop -> Billing, Billing <-> Sales CRM (two rows), Fax Gateway <-> Web Shop (one two-way row)
        counts = {name: (app.dependencies_out, app.dependencies_in) for name, app in facts.items()}
        assert counts == {"Billing": (1, 2), "Sales CRM": (1, 1), "Web Shop": (2, 1), "Fax Gateway": (1, 1)}
        ids = {name: app.id for name, app in facts.items()}
        assert sorted(portfolio.edges) == sorted(
            [
                (ids["Web Shop"], ids["Billing"]),
                (ids["Billing"], ids["Sales CRM"]),
                (ids["Sales CRM"], ids["Billing"]),
                (ids["Fax Gateway"], ids["Web Shop"]),
                (ids["Web Shop"], ids["Fax Gateway"]),
            ]
        )
        assert facts["Sales CRM"].server_ids == ()  # its only server is deleted
        assert {server.name for server in portfolio.servers.values()} == {"bill01", "fax01", "shop01"}

        chosen = loaders.portfolio_load(engagement_id=engagement.pk, application_ids=[ids["Billing"]], edges=False)
        assert [app.name for app in chosen.apps] == ["Billing"]
        assert (chosen.apps[0].dependencies_out, chosen.apps[0].dependencies_in) == (1, 2)
        assert list(chosen.servers) == [estate.assets["bill01"].pk] and chosen.edges == []

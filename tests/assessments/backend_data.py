"""An estate for the backend tests: the issue's four clear cases, written by the inventory's own services.

- Billing: custom Java 8 on Windows Server 2008 R2 (must not be rehosted as is);
- Fax Gateway: sunset, no users (retires);
- Sales CRM: COTS Siebel-like CRM, SaaS-replaceable (repurchased);
- Web Shop: custom on a supported RHEL 8 VM, no debt (rehosts).
Dependencies: Web Shop -> Billing, Billing -> Sales CRM, Sales CRM -> Billing (a cycle: one move group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessments import services
from assessments.models import Assessment
from engagements.models import Engagement
from flows.models import Flow, FlowStatus
from flows.services import flow_run_inline, running_inline
from inventory import services as inventory
from inventory.models import Application, ApplicationDependency, Asset

SERVERS = [
    {
        "name": "bill01",
        "os_name": "Microsoft Windows Server 2008 R2 (64-bit)",
        "is_virtual": True,
        "cpu_cores": 4,
        "memory_mb": 16384,
        "storage_gb": 200,
        "monthly_cost": 400.0,
        "application": ["Billing"],
    },
    {
        "name": "fax01",
        "os_name": "Microsoft Windows Server 2012 R2",
        "is_virtual": True,
        "cpu_cores": 2,
        "memory_mb": 4096,
        "monthly_cost": 120.0,
        "application": ["Fax Gateway"],
    },
    {
        "name": "crm01",
        "os_name": "Red Hat Enterprise Linux 8",
        "os_version": "8.6",
        "is_virtual": True,
        "cpu_cores": 8,
        "memory_mb": 32768,
        "monthly_cost": 600.0,
        "application": ["Sales CRM"],
    },
    {
        "name": "shop01",
        "os_name": "Red Hat Enterprise Linux 9",
        "os_version": "9.4",
        "is_virtual": True,
        "cpu_cores": 2,
        "memory_mb": 8192,
        "storage_gb": 80,
        "cpu_util_avg_pct": 20.0,
        "cpu_util_max_pct": 35.0,
        "memory_used_max_mb": 3000,
        "monthly_cost": 150.0,
        "application": ["Web Shop"],
    },
]
FACTS: dict[str, dict[str, Any]] = {
    "Billing": {
        "app_type": "custom",
        "business_criticality": "high",
        "lifecycle": "invest",
        "users": 400,
        "languages": ["Java 8"],
        "frameworks": ["Spring 4"],
        "databases": ["Oracle 11g"],
    },
    "Fax Gateway": {"app_type": "custom", "business_criticality": "low", "lifecycle": "sunset", "users": 0},
    "Sales CRM": {
        "app_type": "saas_replaceable",
        "business_criticality": "medium",
        "lifecycle": "maintain",
        "users": 150,
        "vendor": "Oracle Siebel",
    },
    "Web Shop": {
        "app_type": "custom",
        "business_criticality": "medium",
        "lifecycle": "maintain",
        "users": 2000,
        "languages": ["Java 21"],
        "databases": ["PostgreSQL 16"],
    },
}
DEPENDENCIES = [("Web Shop", "Billing"), ("Billing", "Sales CRM"), ("Sales CRM", "Billing")]


@dataclass
class Estate:
    engagement: Engagement
    team: Any
    apps: dict[str, Application] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)

    @property
    def schema(self) -> str:
        return str(self.team.client.schema_name)


def build_estate(*, name: str, team: Any, target_cloud: str = "aws") -> Estate:
    engagement = Engagement.objects.create(name=name, target_cloud=target_cloud)
    inventory.assets_bulk_write(engagement=engagement, rows=[dict(row) for row in SERVERS])
    for app_name, facts in FACTS.items():
        Application.objects.filter(engagement=engagement, name=app_name).update(**facts)
    apps = {a.name: a for a in Application.objects.filter(engagement=engagement)}
    ApplicationDependency.objects.bulk_create(
        [
            ApplicationDependency(engagement=engagement, source=apps[source], target=apps[target])
            for source, target in DEPENDENCIES
        ]
    )
    assets = {a.name: a for a in Asset.objects.filter(engagement=engagement)}
    return Estate(engagement=engagement, team=team, apps=apps, assets=assets)


def assess(estate: Estate, *, approve: bool = True) -> Flow:
    """Run the whole assessment in this process; the engagement manager approves at the gate."""
    with running_inline():
        flow = services.assessment_start(engagement=estate.engagement, user=estate.team.analyst)
        flow_run_inline(flow=flow)
        flow.refresh_from_db()
        assert flow.status == FlowStatus.WAITING_FOR_INPUT, flow.message
        if approve:
            services.portfolio_approve(
                assessment=Assessment.objects.get(flow=flow), user=estate.team.manager, comment="go"
            )
            flow_run_inline(flow=flow)
            flow.refresh_from_db()
            assert flow.status == FlowStatus.COMPLETED, flow.message
    return flow

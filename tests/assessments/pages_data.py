"""An engagement whose assessment has results, for the page tests: inventory written by the inventory's own
service, then results stored as the phases store them (so each test knows exactly what a page must show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from assessments.models import (
    Assessment,
    ServerAssessment,
    SixRDecision,
    TechDebtItem,
    Wave,
    WaveAssignment,
)
from engagements.models import Engagement
from inventory import services as inventory
from inventory.models import Application, ApplicationDependency, Asset

STRATEGIES = ("rehost", "replatform", "refactor", "repurchase", "retire", "retain")


@dataclass
class Assessed:
    engagement: Engagement
    assessment: Assessment
    apps: dict[str, Application] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)
    waves: dict[int, Wave] = field(default_factory=dict)


def assessed_engagement(*, name: str = "Assessed estate", apps: int = 3, user: Any = None) -> Assessed:
    """`apps` applications app00.. on one server each, app01 depending on app00 and so on; the first is
    rehost (Billing-like facts shown on its page), then strategies in turn; waves of two applications each."""
    engagement = Engagement.objects.create(name=name, target_cloud="aws", currency="EUR")
    rows = [
        {
            "name": f"srv{i:02d}",
            "hostname": f"srv{i:02d}",
            "os_name": "Windows Server 2008 R2" if i == 0 else "Red Hat Enterprise Linux 8",
            "cpu_cores": 4,
            "memory_mb": 16384,
            "application": [f"app{i:02d}"],
        }
        for i in range(apps)
    ]
    inventory.assets_bulk_write(engagement=engagement, rows=rows)
    by_name = {a.name: a for a in Application.objects.filter(engagement=engagement)}
    assets = {a.name: a for a in Asset.objects.filter(engagement=engagement)}
    Application.objects.filter(engagement=engagement, name="app00").update(
        business_criticality="high", app_type="custom", users=250, languages=["Java 8"]
    )
    ApplicationDependency.objects.bulk_create(
        [
            ApplicationDependency(
                engagement=engagement, source=by_name[f"app{i:02d}"], target=by_name[f"app{i - 1:02d}"]
            )
            for i in range(1, apps)
        ]
    )
    assessment = Assessment.objects.create(engagement=engagement, created_by=user)
    now = timezone.now()
    ServerAssessment.objects.bulk_create(
        [
            ServerAssessment(
                engagement=engagement,
                assessment=assessment,
                asset=assets[f"srv{i:02d}"],
                readiness="not_ready" if i == 0 else "ready",
                readiness_reasons=["Windows Server 2008 R2 is past its end of support"] if i == 0 else [],
                target_instance="m6i.xlarge",
                target_vcpu=4,
                target_memory_gb=16,
                sizing_basis="provisioned",
                monthly_cost_now=300.0,
                monthly_cost_target=140.16,
                price_list_date=date(2025, 1, 1),
            )
            for i in range(apps)
        ]
    )
    TechDebtItem.objects.create(
        engagement=engagement,
        assessment=assessment,
        asset=assets["srv00"],
        category="os",
        component="windows_server",  # the engine's product key and normalised version
        version="2008.2",
        status="end_of_life",
        severity="critical",
        eol_date=date(2020, 1, 14),
        reason="Windows Server 2008 R2 reached its end of extended support on 2020-01-14",
    )
    TechDebtItem.objects.create(
        engagement=engagement,
        assessment=assessment,
        application=by_name["app00"],
        category="runtime",
        component="java",
        version="8",
        status="below_minimum",
        severity="high",
        reason="Java 8 is below the engagement's minimum (Java 17)",
    )
    SixRDecision.objects.bulk_create(
        [
            SixRDecision(
                engagement=engagement,
                assessment=assessment,
                application=by_name[f"app{i:02d}"],
                strategy=STRATEGIES[i % len(STRATEGIES)] if i else "replatform",
                confidence=0.9 - 0.1 * (i % 5),
                evidence=[
                    f"Rule fired for app{i:02d}: custom Java 8 on Windows Server 2008 R2",
                    "Goal weights: speed 3, cost 3",
                ],
                alternatives=[{"strategy": "refactor", "score": 0.61}, {"strategy": "rehost", "score": 0.22}],
                effort=("xs", "s", "m", "l", "xl")[i % 5],
                person_days=10 + i,
                risks=["Runtime past its end of life"],
                target_services=["EC2", "RDS"],
                complexity_score=3,
                complexity_factors=["1 server", f"{1 if i else 0} dependencies"],
                readiness="not_ready" if i == 0 else "ready",
                monthly_cost_now=300.0,
                monthly_cost_target=140.16,
                rationale="Replatform onto a supported runtime." if i == 0 else "",
                assessed_at=now,
            )
            for i in range(apps)
        ]
    )
    start = date(2026, 1, 5)
    waves = {}
    for number in range(1, (apps + 1) // 2 + 1):
        waves[number] = Wave.objects.create(
            engagement=engagement,
            number=number,
            name="Pilot" if number == 1 else f"Wave {number}",
            start=start + timedelta(weeks=4 * (number - 1)),
            end=start + timedelta(weeks=4 * number, days=-1),
            is_pilot=number == 1,
        )
    WaveAssignment.objects.bulk_create(
        [
            WaveAssignment(
                engagement=engagement, wave=waves[i // 2 + 1], application=by_name[f"app{i:02d}"], move_group=i
            )
            for i in range(apps)
        ]
    )
    return Assessed(engagement=engagement, assessment=assessment, apps=by_name, assets=assets, waves=waves)

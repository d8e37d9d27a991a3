"""In Chromium, an engagement manager reviews a real assessment: the portfolio, an override, an application's
page, the waves (an application dragged onto an earlier wave, with the broken dependency shown), the dashboard's
charts and the printable report. Screenshots go to docs/screenshots/assessment-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from assessments import services
from assessments.models import Assessment, DecisionReview, WaveAssignment
from engagements.models import Engagement
from engagements.services import engagement_create
from flows.services import flow_run_inline, running_inline
from inventory import services as inventory
from inventory.models import Application, ApplicationDependency
from tests.conftest import SCREENSHOTS, sign_in
from tests.factories import Team

pytestmark = pytest.mark.browser

# name, OS, cores, memory (MB), peak CPU %, application, its facts
SERVERS = [
    ("ldg-db01", "Microsoft Windows Server 2008 R2", 8, 32768, 35.0, "Ledger"),
    ("ldg-app01", "Microsoft Windows Server 2008 R2", 4, 16384, 20.0, "Ledger"),
    ("ord-app01", "Red Hat Enterprise Linux 8", 4, 16384, 55.0, "Orders"),
    ("ord-db01", "Red Hat Enterprise Linux 8", 8, 65536, 60.0, "Orders"),
    ("ptl-web01", "Ubuntu 22.04", 2, 8192, 30.0, "Portal"),
    ("ptl-web02", "Ubuntu 22.04", 2, 8192, 28.0, "Portal"),
    ("crm-app01", "Microsoft Windows Server 2016", 4, 16384, 40.0, "CRM"),
    ("hr-app01", "CentOS 6", 2, 4096, 5.0, "Old HR"),
    ("wiki01", "Ubuntu 20.04", 2, 4096, 10.0, "Wiki"),
    ("rpt01", "Red Hat Enterprise Linux 7", 4, 16384, 45.0, "Reporting"),
]
APPS: dict[str, dict[str, Any]] = {
    "Ledger": {"app_type": "custom", "business_criticality": "critical", "users": 400},
    "Orders": {"app_type": "custom", "business_criticality": "high", "users": 900},
    "Portal": {"app_type": "custom", "business_criticality": "high", "languages": ["Python 3.11"], "users": 5000},
    "CRM": {"app_type": "saas_replaceable", "business_criticality": "medium", "vendor": "Siebel", "users": 120},
    "Old HR": {"app_type": "custom", "lifecycle": "retire", "business_criticality": "low", "users": 0},
    "Wiki": {"app_type": "custom", "business_criticality": "low", "users": 60},
    "Reporting": {"app_type": "custom", "business_criticality": "medium", "frameworks": ["Spring 4"], "users": 80},
}
STACKS = {
    "Ledger": {"languages": ["Java 8"], "databases": ["Oracle 11g"]},
    "Orders": {"languages": ["Java 17"], "databases": ["PostgreSQL 14"]},
    "Reporting": {"languages": ["Java 8"]},
}
# Portal depends on Orders, which depends on Ledger; Reporting reads the Ledger.
DEPENDENCIES = [("Portal", "Orders"), ("Orders", "Ledger"), ("Reporting", "Ledger")]


def _assessed(team: Team) -> Engagement:
    """A real assessment, run in this process up to its gate, approved, then planned into waves."""
    with schema_context(team.client.schema_name):
        engagement = engagement_create(
            created_by=team.manager, name="Frankfurt exit", target_cloud="aws", goal_speed=4, goal_cost=4
        )
        inventory.assets_bulk_write(
            engagement=engagement,
            rows=[
                {
                    "name": name,
                    "hostname": name,
                    "os_name": os_name,
                    "cpu_cores": cores,
                    "memory_mb": memory,
                    "cpu_util_max_pct": peak,
                    "environment": "production",
                    "monthly_cost": 120.0 + cores * 40,
                    "application": [app],
                }
                for name, os_name, cores, memory, peak, app in SERVERS
            ],
        )
        apps = {a.name: a for a in Application.objects.filter(engagement=engagement)}
        for name, facts in APPS.items():
            Application.objects.filter(pk=apps[name].pk).update(**facts, **STACKS.get(name, {}))
        ApplicationDependency.objects.bulk_create(
            [ApplicationDependency(engagement=engagement, source=apps[s], target=apps[t]) for s, t in DEPENDENCIES]
        )
        services.wave_settings_update(
            engagement=engagement, user=team.manager, max_servers_per_wave=3, wave_weeks=3, pilot_max_apps=1
        )
        with running_inline():
            flow = services.assessment_start(engagement=engagement, user=team.analyst)
            flow = flow_run_inline(flow=flow)
            assert flow.current_phase == "review", flow.status
            assessment = Assessment.objects.get(flow=flow)
            services.portfolio_approve(assessment=assessment, user=team.manager, comment="Agreed in the steering group")
            flow = flow_run_inline(flow=flow)
            assert flow.status == "completed", flow.status
        return engagement


def test_a_manager_reviews_overrides_moves_a_wave_and_reads_the_dashboard(
    live_tenant: Team, live_server_url: str, browser: Any, django_db_blocker: Any
) -> None:
    team = live_tenant
    with django_db_blocker.unblock():
        engagement = _assessed(team)
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{team.host}:{port}"
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, team.manager.email)
    page.wait_for_url(f"{base}/**")

    # The portfolio: one row per application, the engine's decision and the approval already recorded.
    page.goto(f"{base}/engagements/{engagement.pk}/")
    page.click('.list-group a.list-group-item:has-text("Assessment")')
    page.wait_for_selector("[data-testid=portfolio]")
    assert page.locator("[data-testid=decision-row]").count() == len(APPS)
    assert "Portfolio approved by" in page.locator("[data-testid=approved]").inner_text()
    old_hr = page.locator("[data-testid=decision-row][data-application='Old HR']")
    assert old_hr.get_attribute("data-effective") == "retire"
    page.screenshot(path=str(SCREENSHOTS / "assessment-portfolio.png"), full_page=True)

    # Override Wiki's decision with a comment: the row changes in place (htmx), the review is stored.
    wiki = page.locator("[data-testid=decision-row][data-application='Wiki']")
    wiki.locator("[data-testid=override-toggle]").click()
    wiki.locator("select[name=strategy]").select_option("retain")
    wiki.locator("input[name=comment]").fill("Moves with the intranet next year")
    wiki.locator("[data-testid=override-save]").click()
    page.locator("[data-testid=decision-row][data-application='Wiki'][data-effective='retain']").wait_for()
    assert "override" in page.locator("[data-testid=decision-row][data-application='Wiki']").inner_text()
    with django_db_blocker.unblock(), schema_context(team.client.schema_name):
        review = DecisionReview.objects.get(application__name="Wiki", application__engagement=engagement)
        assert (review.status, review.strategy, review.reviewed_by_id) == ("overridden", "retain", team.manager.pk)

    # The application's own page: evidence, alternatives, servers with sizing, its history.
    page.click("[data-testid=decision-row][data-application='Ledger'] a >> nth=0")
    page.wait_for_selector("[data-testid=evidence]")
    assert page.locator("[data-testid=evidence] li").count() >= 1
    assert page.locator("[data-testid=alternatives] tr").count() == 5
    assert page.locator("[data-testid=server-row]").count() == 2
    assert "m" in page.locator("[data-testid=servers]").inner_text()  # an instance type is named
    page.screenshot(path=str(SCREENSHOTS / "assessment-application.png"), full_page=True)

    # The waves: drag Portal onto the wave before Orders'; the broken dependency is shown.
    page.goto(f"{base}/engagements/{engagement.pk}/assessment/waves/")
    page.wait_for_selector("[data-testid=gantt-bar]")
    bars = page.locator("[data-testid=gantt-bar]")
    assert bars.count() >= 2
    assert bars.first.evaluate("el => el.style.left") == "0%"  # placed by the static script, not inline
    with django_db_blocker.unblock(), schema_context(team.client.schema_name):
        wave_of = dict(
            WaveAssignment.objects.filter(engagement=engagement).values_list("application__name", "wave__number")
        )
    assert wave_of["Portal"] > wave_of["Orders"] > wave_of["Ledger"], wave_of
    page.screenshot(path=str(SCREENSHOTS / "assessment-waves.png"), full_page=True)
    portal = page.locator("[data-testid=wave-app][data-name='Portal']")
    target = page.locator(f"[data-testid=wave-column][data-wave-number='{wave_of['Ledger']}']")
    portal.drag_to(target)
    warning = page.locator("[data-testid=move-warning]")
    warning.wait_for(timeout=10_000)
    assert "Portal" in warning.inner_text() and "Orders" in warning.inner_text()
    moved = page.locator(f"[data-testid=wave-column][data-wave-number='{wave_of['Ledger']}'] [data-name='Portal']")
    assert moved.count() == 1 and "is-broken" in (moved.get_attribute("class") or "")
    with django_db_blocker.unblock(), schema_context(team.client.schema_name):
        assert (
            WaveAssignment.objects.get(application__name="Portal", engagement=engagement).wave.number
            == wave_of["Ledger"]
        )
    page.screenshot(path=str(SCREENSHOTS / "assessment-waves-moved.png"), full_page=True)

    # The standards the next assessment holds the estate to: edited in place.
    page.goto(f"{base}/engagements/{engagement.pk}/assessment/standards/")
    java = page.locator("[data-testid=standard-row][data-component=java]")
    java.locator("input[name=minimum_version]").fill("11")
    java.locator("[data-testid=standard-save]").click()
    page.locator("[data-testid=standard-row][data-component=java] [data-testid=saved]").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "assessment-standards.png"), full_page=True)

    # The dashboard draws its charts from the page's JSON.
    page.goto(f"{base}/engagements/{engagement.pk}/")
    for chart in ("strategies", "readiness", "debt", "cost", "waves"):
        page.locator(f"canvas[data-chart={chart}][data-drawn='1']").wait_for(timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / "assessment-dashboard.png"), full_page=True)

    # The printable report, as the printer sees it.
    page.goto(f"{base}/engagements/{engagement.pk}/assessment/report/")
    assert page.locator("[data-testid=report-decisions] tbody tr").count() == len(APPS)
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "assessment-report.png"), full_page=True)
    page.emulate_media(media="screen")
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e or "Error" in e], errors
    page.close()

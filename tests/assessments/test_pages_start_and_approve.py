"""Starting an assessment from its page, and the engagement manager approving the portfolio at the review gate
of a real assessment flow (its phases run in this process up to the gate)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from assessments import services
from assessments.models import Assessment, SixRDecision
from engagements.models import Engagement
from flows.models import Flow
from flows.services import flow_run_inline, running_inline
from inventory import services as inventory
from inventory.models import Application
from tests.conftest import http
from tests.factories import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _estate(team: Team) -> Engagement:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Estate", target_cloud="aws")
        inventory.assets_bulk_write(
            engagement=engagement,
            rows=[
                {
                    "name": "web01",
                    "os_name": "Red Hat Enterprise Linux 8",
                    "cpu_cores": 2,
                    "memory_mb": 8192,
                    "application": ["Shop"],
                },
                {
                    "name": "db01",
                    "os_name": "Windows Server 2008 R2",
                    "cpu_cores": 8,
                    "memory_mb": 32768,
                    "application": ["Ledger"],
                },
            ],
        )
        return engagement


def test_an_analyst_starts_an_assessment_of_chosen_applications_and_lands_on_its_flow(team: Team) -> None:
    engagement = _estate(team)
    with schema_context(team.client.schema_name):
        shop = Application.objects.get(engagement=engagement, name="Shop")
    client = http(team.host, team.analyst)
    url = f"/engagements/{engagement.pk}/assessment/start/"
    form = client.get(url).content.decode()
    assert "All 2 applications" in form and ">Shop</option>" in form
    refused = client.post(url, {"scope": "chosen"})
    assert refused.status_code == 422
    assert "Choose at least one application, or assess them all." in refused.content.decode()
    response = client.post(url, {"scope": "chosen", "applications": [str(shop.pk)]})
    assert response.status_code == 302
    with schema_context(team.client.schema_name):
        assessment = Assessment.objects.get(engagement=engagement)
        assert assessment.application_ids == [shop.pk]
        assert response["Location"] == Flow.objects.get(pk=assessment.flow_id).get_absolute_url()
    portfolio = http(team.host, team.manager).get(f"/engagements/{engagement.pk}/assessment/").content.decode()
    assert 'data-testid="approval-running"' in portfolio and 'data-testid="approve-form"' not in portfolio
    assert "1 chosen application" in portfolio
    assert 'hx-trigger="every 5s"' in portfolio  # the card follows the run
    polled = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/assessment/approval/?running=1")
    assert polled.status_code == 200 and 'hx-trigger="every 5s"' in polled.content.decode()
    again = client.post(url, {"scope": "all"})
    assert again.status_code == 422
    assert "already under way" in again.content.decode()


def test_the_engagement_manager_approves_the_portfolio_and_the_gate_passes(
    live_tenant: Team, django_db_blocker: Any
) -> None:
    # The phases run under leases on connections of their own: committed rows (live_tenant), not a test transaction.
    team = live_tenant
    with django_db_blocker.unblock():
        engagement = _estate(team)
        with schema_context(team.client.schema_name), running_inline():
            flow = services.assessment_start(engagement=engagement, user=team.analyst, application_ids=None)
            flow = flow_run_inline(flow=flow)
            assert (flow.status, flow.current_phase) == ("waiting_for_input", "review")
            assert SixRDecision.objects.filter(engagement=engagement).count() == 2
        url = f"/engagements/{engagement.pk}/assessment/"
        flow_page = http(team.host, team.viewer).get(flow.get_absolute_url()).content.decode()
        assert f'href="{url}"' in flow_page  # the flow's gate links to the portfolio ("Review and correct")
        analyst_view = http(team.host, team.analyst).get(url).content.decode()
        assert 'data-testid="approve-form"' not in analyst_view
        assert "Waiting for the engagement manager to approve the portfolio." in analyst_view
        assert http(team.host, team.analyst).post(url + "approve/", {"comment": "fine"}).status_code == 403
        manager = http(team.host, team.manager)
        at_gate = manager.get(url + "approval/?running=1")
        assert (at_gate.status_code, at_gate["HX-Refresh"]) == (204, "true")  # the page reloads with its decisions
        page = manager.get(url).content.decode()
        assert 'data-testid="approve-form"' in page and 'hx-trigger="every 5s"' not in page
        with running_inline():  # the next phase is not sent to a worker: this test only follows the gate
            response = manager.post(url + "approve/", {"comment": "Agreed with the client"}, **HTMX)
        card = response.content.decode()
        assert response.status_code == 200
        assert "Portfolio approved by" in card and "Agreed with the client" in card
        with schema_context(team.client.schema_name):
            assessment = Assessment.objects.get(engagement=engagement)
            assert assessment.approved_by_id == team.manager.pk
            after = Flow.objects.get(pk=flow.pk)
            assert after.phases.get(name="review").status == "completed"
            assert after.phases.get(name="review").decided_by_id == team.manager.pk
        again = manager.get(url).content.decode()
        assert 'data-testid="approve-form"' not in again and "Portfolio approved by" in again

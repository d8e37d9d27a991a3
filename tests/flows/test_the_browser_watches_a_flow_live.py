"""In Chromium, a flow's page updates itself as the worker goes, with no reload, and its gate is approved there."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from tests.conftest import SCREENSHOTS, sign_in
from tests.factories import Team

from .conftest import Worker, wait_for_status
from .phases import SELFTEST_GATE

pytestmark = pytest.mark.browser


def test_the_flow_page_follows_the_flow_live_and_passes_its_gate(
    tenant: Team, engagement: Engagement, flows_worker: Worker, flows_live_server_url: str, browser: Any
) -> None:
    schema = tenant.client.schema_name
    port = flows_live_server_url.rsplit(":", 1)[1]
    base = f"http://{tenant.host}:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, base, tenant.manager.email)
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()

    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST_GATE, user=tenant.analyst, flow_input={"steps": 30, "delay": 0.1}
        )
    page.goto(f"{base}/flows/{flow.pk}/")
    page.locator("[data-testid=live-status]").filter(has_text="Live").wait_for(timeout=10_000)
    page.evaluate("window.loadedOnce = 'yes'")
    events_at_start = page.locator("[data-testid=event]").count()

    running = page.locator("[data-phase=work][data-status=running]")
    running.wait_for(timeout=15_000)
    running.filter(has_text="step").wait_for(timeout=10_000)  # the phase's own message, as it goes
    width = page.locator("[data-phase=work] .progress-bar").evaluate("el => el.style.width")
    assert width.endswith("%")
    page.locator("[data-phase=work][data-status=completed]").wait_for(timeout=15_000)
    page.locator("[data-testid=gate-prompt]").filter(has_text="Approve the selftest plan").wait_for(timeout=10_000)
    page.screenshot(path=str(SCREENSHOTS / "10-flow-gate.png"), full_page=True)
    # The engagement's list of flows, open beside it, follows the same broadcasts: its row changes in place.
    listing = context.new_page()
    listing.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    listing.goto(f"{base}/engagements/{engagement.pk}/flows/")
    listing.locator("[data-testid=live-status]").filter(has_text="Live").wait_for(timeout=10_000)
    assert listing.locator(f"#flow-row-{flow.pk}").get_attribute("data-status") == "waiting_for_input"
    page.fill("textarea[name=comment]", "Go ahead")
    page.click("[data-testid=approve]")
    page.locator("[data-testid=flow-status]").filter(has_text="Completed").wait_for(timeout=15_000)
    listing.locator(f"#flow-row-{flow.pk}[data-status=completed]").wait_for(timeout=10_000)
    listing.close()
    assert page.locator("[data-phase=finish]").get_attribute("data-status") == "completed"
    assert page.locator("[data-testid=event]").count() > events_at_start + 4  # the log grew live
    assert page.locator("[data-testid=event]").filter(has_text="Approved: Go ahead").count() == 1
    assert page.evaluate("window.loadedOnce") == "yes"  # never reloaded
    page.screenshot(path=str(SCREENSHOTS / "11-flow-completed.png"), full_page=True)
    assert not errors, errors  # no policy violation, no script error, no fragment without its target
    assert wait_for_status(schema, flow.pk, "completed") == "completed"
    context.close()

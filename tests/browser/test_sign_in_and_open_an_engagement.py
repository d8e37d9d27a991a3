"""A consultant signs in on the public site, opens their client and an engagement, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.services import engagement_create
from tests.conftest import SCREENSHOTS, sign_in
from tests.factories import Team

pytestmark = pytest.mark.browser


def test_a_consultant_signs_in_and_opens_an_engagement_that_goes_live(
    live_tenant: Team, live_server_url: str, browser: Any, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), schema_context(live_tenant.client.schema_name):
        engagement_create(
            created_by=live_tenant.manager,
            name="Data centre exit",
            description="Move the Frankfurt data centre to AWS.",
            target_cloud="aws",
            goal_speed=5,
            goal_cost=4,
        )
    port = live_server_url.rsplit(":", 1)[1]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server_url, live_tenant.manager.email)
    page.wait_for_selector(f"[data-testid=open-{live_tenant.client.schema_name}]")
    page.screenshot(path=str(SCREENSHOTS / "01-clients.png"))
    page.click(f"[data-testid=open-{live_tenant.client.schema_name}]")
    page.wait_for_url(f"http://{live_tenant.host}:{port}/engagements/")
    assert page.locator("h1").inner_text() == "Engagements"
    page.screenshot(path=str(SCREENSHOTS / "02-engagements.png"))
    page.click("text=Data centre exit")
    live = page.locator("[data-testid=live-status]")
    live.filter(has_text="Live").wait_for(timeout=10_000)
    assert page.locator(".progress-bar").first.evaluate("el => el.style.width") == "100%"
    page.screenshot(path=str(SCREENSHOTS / "03-engagement.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    page.close()


def test_a_client_admin_invites_someone_and_creates_an_api_token(
    live_tenant: Team, live_server_url: str, browser: Any
) -> None:
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{live_tenant.host}:{port}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base, live_tenant.owner.email)
    page.goto(f"{base}/engagements/new/")
    page.fill("input[name=name]", "")
    page.click("main button[type=submit]")
    assert page.locator("[data-field-error=name]").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "04-engagement-form-errors.png"), full_page=True)
    page.click("text=People")
    page.fill("input[name=email]", "new.colleague@example.test")
    page.select_option("select[name=role]", "analyst")
    page.click("text=Send invitation")
    page.locator(".alert-success").filter(has_text="Invitation sent").wait_for()
    assert page.locator("li.list-group-item", has_text="new.colleague@example.test").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "05-people.png"), full_page=True)
    page.click("[data-testid=user-menu]")
    page.click("text=API tokens")
    page.fill("input[name=name]", "CMDB sync")
    page.click("text=Create token")
    assert page.locator("[data-testid=new-token]").inner_text().startswith("mpt_")
    page.close()

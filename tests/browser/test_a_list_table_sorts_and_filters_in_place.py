"""Sorting a list table by its header, or filtering it, replaces the table in place: the page keeps one table
(it once grew a second card inside the first, with the same id, at each click)."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.services import engagement_create
from tests.conftest import sign_in
from tests.factories import Team

pytestmark = pytest.mark.browser


def test_sorting_then_filtering_the_engagements_keeps_one_table(
    live_tenant: Team, live_server_url: str, browser: Any, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), schema_context(live_tenant.client.schema_name):
        for name in ("Alpha move", "Beta move"):
            engagement_create(created_by=live_tenant.manager, name=name, target_cloud="aws")
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{live_tenant.host}:{port}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base, live_tenant.manager.email)
    page.goto(f"{base}/engagements/")
    names = page.locator("#engagement-table tbody td:first-child a")
    assert names.all_inner_texts() == ["Alpha move", "Beta move"]

    with page.expect_response(lambda response: "sort=-name" in response.url):
        page.click("#engagement-table [data-sort=name]")
    page.locator("#engagement-table tbody tr").first.filter(has_text="Beta move").wait_for()
    assert page.locator("#engagement-table").count() == 1
    assert names.all_inner_texts() == ["Beta move", "Alpha move"]

    with page.expect_response(lambda response: "q=Alpha" in response.url):
        page.fill("input[name=q]", "Alpha")
    page.locator("#engagement-table tbody tr", has_text="Beta move").wait_for(state="detached")
    assert page.locator("#engagement-table").count() == 1
    assert names.all_inner_texts() == ["Alpha move"]
    assert page.locator("[data-testid=result-count]").inner_text() == "1 result"
    page.close()

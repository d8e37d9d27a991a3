"""Every page of a client host, opened in Chromium, runs without a Content-Security-Policy violation.

The pages are found from the URL resolver (as in the isolation test), filled with objects of every model, and
opened as the client's admin; the browser reports each blocked inline script, style or eval.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import sign_in
from tests.factories import Team

from .routes import TENANT_URLCONF, Side, all_routes, fill, new_marker, route_path

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def test_every_page_runs_without_a_policy_violation(
    live_tenant: Team, live_server_url: str, browser: Any, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), schema_context(live_tenant.client.schema_name):
        side = fill(Side(client=live_tenant.client, base=7_000_000, marker=new_marker(live_tenant.client.schema_name)))
    values = side.values()
    pages = [
        path
        for route in all_routes(TENANT_URLCONF)
        if not route.is_admin
        and (not route.is_api or route.url_name == "api-docs")
        and route.url_name not in {"logout", "handover", "invitation_accept"}
        and not route.pattern.endswith((".json", "export/", "errors/file/"))
        and (path := route_path(route, values)) is not None
    ]
    assert len(pages) >= 25, pages
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{live_tenant.host}:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None
    )
    sign_in(page, base, live_tenant.owner.email)
    page.wait_for_url(f"{base}/engagements/")
    violations: list[str] = []
    opened = 0
    skipped: list[str] = []
    page.close()
    # The listener works: an inline style attribute added to a page is reported (in a tab of its own).
    probe = context.new_page()
    probe.goto(f"{base}/engagements/")
    probe.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')")
    probe.wait_for_function("window.__violations.length > 0", timeout=5_000)
    assert "style-src" in probe.evaluate("window.__violations[0]")
    probe.close()
    for path in pages:
        tab = context.new_page()  # one tab per page: a page's own late navigation cannot interrupt the next
        tab.on(
            "console",
            lambda m, p=path: console.append(f"{p}: {m.text}") if "Content Security Policy" in m.text else None,
        )
        try:
            response = tab.goto(f"{base}{path}", wait_until="load")
        except PlaywrightError as error:  # a POST-only route answers 405 with no body, which Chromium will not show
            skipped.append(f"{path} ({error.message[:60]})")
            tab.close()
            continue
        if response is None or response.status != 200 or "html" not in response.headers.get("content-type", ""):
            skipped.append(f"{path} ({response.status if response else '-'})")
        else:
            opened += 1
            tab.wait_for_timeout(300)  # scripts that run after load (htmx, charts, the graph)
            violations += [f"{path}: {v}" for v in tab.evaluate("window.__violations")]
        tab.close()
    context.close()
    assert opened >= 25, f"only {opened} pages answered 200; not shown: {skipped}"
    assert not violations and not console, violations + console

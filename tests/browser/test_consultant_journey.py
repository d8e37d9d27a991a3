"""The consultant's whole journey in Chromium, through the pages only (issue 6).

The engagement manager signs in, creates an engagement, uploads an RVTools workbook and an application CSV,
corrects one suggested mapping and approves it, watches the discovery flow finish live over the WebSocket,
filters the inventory, opens a dependency graph, runs the assessment on the session's Celery worker,
overrides one 6R decision, approves the portfolio, plans the waves, moves an application to another wave and
downloads the report. Each step saves docs/screenshots/journey-NN-<step>.png.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessments.exporters import XLSX_CONTENT_TYPE
from engagements.demo import Server, rvtools_write
from tests.conftest import SCREENSHOTS, sign_in
from tests.factories import Team

pytestmark = pytest.mark.browser

ENGAGEMENT = "Frankfurt data centre exit"
WAIT = 60_000  # ms: a flow on a shared, busy machine

# name, servers, OS (name, version), facts of the application CSV
APPLICATIONS: list[tuple[str, int, tuple[str, str], dict[str, str]]] = [
    ("Online Banking", 4, ("Red Hat Enterprise Linux 9", "9.4"),
     {"type": "custom", "criticality": "critical", "lifecycle": "invest", "users": "20000",
      "languages": "COBOL; Java 8", "frameworks": "Struts 1", "databases": ""}),
    ("Payments Hub", 4, ("Red Hat Enterprise Linux 8", "8.9"),
     {"type": "custom", "criticality": "high", "lifecycle": "maintain", "users": "3000",
      "languages": "Java 21", "frameworks": "", "databases": ""}),
    ("Customer 360", 3, ("Microsoft Windows Server 2008 R2", "6.1.7601"),
     {"type": "custom", "criticality": "high", "lifecycle": "maintain", "users": "1500",
      "languages": "C# (.NET Framework 4.5)", "frameworks": "ASP.NET MVC 5", "databases": "SQL Server 2012"}),
    ("Sales CRM", 2, ("Microsoft Windows Server 2012 R2", "6.3.9600"),
     {"type": "saas_replaceable", "criticality": "medium", "lifecycle": "maintain", "users": "400",
      "languages": "", "frameworks": "", "databases": "Oracle 12c"}),
    ("Fax Gateway", 2, ("Microsoft Windows Server 2008 R2", "6.1.7601"),
     {"type": "custom", "criticality": "low", "lifecycle": "sunset", "users": "0",
      "languages": "Visual Basic 6", "frameworks": "", "databases": ""}),
    ("General Ledger", 3, ("Microsoft Windows Server 2022", "10.0.20348"),
     {"type": "cots", "criticality": "high", "lifecycle": "maintain", "users": "120",
      "languages": "", "frameworks": "", "databases": "SQL Server 2019"}),
    ("Intranet", 2, ("Ubuntu Linux 22.04", "22.04"),
     {"type": "custom", "criticality": "low", "lifecycle": "maintain", "users": "900",
      "languages": "Java 21", "frameworks": "", "databases": ""}),
]  # fmt: skip
# (application, what it depends on): Online Banking calls Payments Hub and Customer 360, both post to the ledger.
DEPENDENCIES = [
    ("Online Banking", "Payments Hub"),
    ("Online Banking", "Customer 360"),
    ("Payments Hub", "General Ledger"),
    ("Customer 360", "General Ledger"),
    ("Intranet", "Customer 360"),
]
VM_COUNT = sum(count for _, count, _, _ in APPLICATIONS)


def _code(name: str) -> str:
    return "".join(word[0] for word in name.split()).lower()


def _servers() -> list[Server]:
    servers = []
    for app_index, (app, count, (os_name, os_version), _facts) in enumerate(APPLICATIONS):
        for i in range(count):
            number = len(servers) + 1
            role = ("web", "app", "db")[min(i, 2)]
            servers.append(
                Server(
                    name=f"{_code(app)}-{role}{i + 1:02d}",
                    os_name=os_name,
                    os_version=os_version,
                    cores=8 if role == "db" else 4,
                    memory_mb=32768 if role == "db" else 8192,
                    disk_gb=400 if role == "db" else 100,
                    ip=f"10.20.{app_index}.{10 + i}",
                    environment="Production",
                    application=app,
                    mac=f"00:50:56:00:00:{number:02x}",
                )
            )
    return servers


def write_rvtools(folder: Path) -> Path:
    """An RVTools export (vInfo, vDisk, vNetwork) whose Annotation column names each VM's application."""
    return rvtools_write(folder / "RVTools_export_vcenter01.xlsx", _servers())


def write_applications(folder: Path) -> Path:
    """A Konveyor application inventory: one record type 1 row per application (with its facts and servers),
    one record type 2 row per dependency."""
    path = folder / "application_portfolio.csv"
    headers = ["Record Type 1", "Application Name", "Description", "Business Service", "Dependency",
               "Dependency Direction", "Owner", "Application Type", "Business Criticality", "Lifecycle", "Users",
               "Languages", "Frameworks", "Databases", "Servers"]  # fmt: skip
    rows: list[list[str]] = [headers]
    servers = _servers()
    for app, _count, _os, facts in APPLICATIONS:
        names = "; ".join(s.name for s in servers if s.application == app)
        rows.append(["1", app, f"{app} of the retail bank", "Retail Banking", "", "", "Anna Schmidt", facts["type"],
                     facts["criticality"], facts["lifecycle"], facts["users"], facts["languages"],
                     facts["frameworks"], facts["databases"], names])  # fmt: skip
    for source, target in DEPENDENCIES:
        rows.append(["2", source, "", "", target, "southbound", *[""] * 9])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


class Journey:
    """The browser tab, the screenshots it saves and the errors the pages log."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.listen(page)

    def listen(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", lambda response: self._response(page, response))

    def _response(self, page: Any, response: Any) -> None:
        if response.status >= 400:
            self.errors.append(f"{page.url}: {response.status} {response.url}")

    def _console(self, page: Any, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{page.url}: {message.text} ({message.location.get('url', '')})")

    def shot(self, number: int, step: str, page: Any = None) -> None:
        (page or self.page).screenshot(path=str(SCREENSHOTS / f"journey-{number:02d}-{step}.png"), full_page=True)

    def nav(self, label: str) -> None:
        """The engagement's side navigation; returns once the page has loaded (and htmx has bound its forms)."""
        with self.page.expect_navigation():
            self.page.locator(".list-group a.list-group-item", has_text=label).click()


def _upload(journey: Journey, path: Path) -> None:
    page = journey.page
    journey.nav("Imports")
    page.get_by_role("link", name="Import a file").click()
    # The file chooser of the drop zone, as a click on the input opens it.
    with page.expect_file_chooser() as chooser:
        page.locator("[data-drop-input]").click()
    chooser.value.set_files(str(path))
    assert path.name in page.locator("[data-drop-name]").inner_text()
    page.get_by_role("button", name="Upload and start").click()
    page.locator(".alert-success", has_text=f"{path.name}: the import has started.").wait_for()
    # The import's page polls its status until the flow stops at the mapping gate.
    page.get_by_role("link", name="Review and approve the mapping").wait_for(timeout=WAIT)


def _mapping_row(page: Any, column: str) -> Any:
    return page.locator("[data-testid=mapping-row]").filter(
        has=page.locator("td.fw-semibold", has_text=re.compile(f"^{re.escape(column)}$"))
    )


def _wait_flow_status(page: Any, status: str) -> None:
    page.locator("[data-testid=flow-status]", has_text=status).wait_for(timeout=WAIT)


def test_a_consultant_goes_from_raw_files_to_a_wave_plan_and_a_report(
    live_tenant: Team, live_server_url: str, celery_worker_process: str, browser: Any, tmp_path: Path
) -> None:
    team = live_tenant
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{team.host}:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    journey = Journey(page)

    # 1. Sign in on the public site as the engagement manager and open the client.
    sign_in(page, live_server_url, team.manager.email)
    page.click(f"[data-testid=open-{team.client.schema_name}]")
    page.wait_for_url(f"{base}/engagements/")
    assert page.locator("[data-testid=client-name]").inner_text() == team.client.name
    journey.shot(1, "signed-in")

    # 2. Create the engagement.
    page.get_by_role("link", name="New engagement").click()
    page.fill("input[name=name]", ENGAGEMENT)
    page.fill("textarea[name=description]", "Move the Frankfurt data centre to AWS before the lease ends.")
    page.select_option("select[name=target_cloud]", "aws")
    journey.shot(2, "new-engagement")
    page.get_by_role("button", name="Save").click()
    page.locator("h1", has_text=ENGAGEMENT).wait_for()
    page.locator("[data-testid=live-status]", has_text="Live").wait_for(timeout=10_000)
    journey.shot(3, "engagement")

    # 3. Upload the RVTools workbook; it stops at the field-mapping gate.
    rvtools = write_rvtools(tmp_path)
    _upload(journey, rvtools)
    assert "rvtools" in page.locator("#import-status").inner_text()
    journey.shot(4, "rvtools-uploaded")
    flow_url = page.locator("#import-status a", has_text="Flow").get_attribute("href")

    # 4. Correct one suggestion: the Annotation column holds the application, not a description.
    page.get_by_role("link", name="Review and approve the mapping").click()
    annotation = _mapping_row(page, "Annotation")
    assert "description" in annotation.locator("td").nth(2).inner_text()
    annotation.locator("select").select_option("application")
    assert _mapping_row(page, "VM").locator("select").input_value() == "name"

    # The flow page, open in a second tab before the approval, must follow the flow without a reload.
    watcher = context.new_page()
    journey.listen(watcher)
    watcher.goto(f"{base}{flow_url}")
    watcher.locator("[data-testid=live-status]", has_text="Live").wait_for(timeout=10_000)
    assert watcher.locator("[data-testid=flow-status]").inner_text().strip() == "Waiting for input"
    watcher.evaluate("window.journeyNoReload = true")

    journey.shot(5, "mapping-corrected")
    page.get_by_role("button", name="Approve and continue").click()
    page.locator(".alert-success", has_text="Mapping approved").wait_for()

    # 5. The discovery flow finishes on the worker; the open flow page shows it live.
    _wait_flow_status(watcher, "Completed")
    assert watcher.evaluate("window.journeyNoReload") is True
    assert (
        watcher.locator("[data-testid=phase][data-status=completed]").count()
        == watcher.locator("[data-testid=phase]").count()
    )
    assert watcher.locator("[data-testid=event]").count() > 1
    journey.shot(6, "discovery-finished-live", watcher)
    watcher.close()
    page.locator("#import-status", has_text=f"assets_created: {VM_COUNT}").wait_for(timeout=WAIT)

    # 6. Upload the application CSV (Konveyor: applications, their servers and dependencies) and approve.
    applications_csv = write_applications(tmp_path)
    _upload(journey, applications_csv)
    page.get_by_role("link", name="Review and approve the mapping").click()
    assert _mapping_row(page, "Servers").locator("select").input_value() == "servers"
    page.get_by_role("button", name="Approve and continue").click()
    status = page.locator("#import-status")
    status.filter(has_text=f"application_dependencies: {len(DEPENDENCIES)}").wait_for(timeout=WAIT)
    # The workbook's corrected Annotation column already made the applications and linked their servers.
    assert f"applications_updated: {len(APPLICATIONS)}" in status.inner_text(), status.inner_text()
    journey.shot(7, "applications-imported")

    # 7. The inventory: every VM, then filtered to one application's servers.
    journey.nav("Assets")
    assert page.locator("[data-testid=result-count]").inner_text().startswith(f"{VM_COUNT} results")
    page.select_option("select[name=application]", label="Payments Hub")
    page.locator("[data-testid=result-count]", has_text="4 results").wait_for()
    rows = page.locator("[data-testid=asset-row]")
    assert rows.count() == 4
    assert all(text.startswith("ph-") for text in rows.locator("td:first-child").all_inner_texts())
    journey.shot(8, "assets-filtered")

    # 8. The applications and one application's dependency graph.
    journey.nav("Applications")
    page.locator("[data-testid=result-count]", has_text=f"{len(APPLICATIONS)} results").wait_for()
    journey.shot(9, "applications")
    page.locator("[data-testid=application-row] a", has_text="Online Banking").first.click()
    page.get_by_role("link", name="Dependency graph").click()
    graph = page.locator("#dependency-graph[data-rendered]")
    graph.wait_for(timeout=10_000)
    # Online Banking, the two applications it calls and its four servers at least.
    assert int(graph.get_attribute("data-rendered") or 0) >= 7
    journey.shot(10, "dependency-graph")

    # 9. Run the assessment: the flow stops at the review gate.
    journey.nav("Assessment")
    page.locator("[data-testid=start-assessment]").click()
    assert f"All {len(APPLICATIONS)} applications" in page.locator("[data-testid=start-form]").inner_text()
    page.locator("[data-testid=start-submit]").click()
    page.locator("[data-testid=flow-page]").wait_for()
    page.locator("[data-testid=live-status]", has_text="Live").wait_for(timeout=10_000)
    _wait_flow_status(page, "Waiting for input")
    assert page.locator("[data-testid=phase][data-phase=review][data-status=waiting_for_input]").count() == 1
    journey.shot(11, "assessment-at-review")

    # 10. Override one 6R decision, from the gate's link to the portfolio.
    page.get_by_role("link", name="Review and correct").click()
    decisions = page.locator("[data-testid=decision-row]")
    assert decisions.count() == len(APPLICATIONS)
    widths = page.locator("[data-testid=portfolio]").evaluate(
        "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the portfolio table scrolls sideways at 1280 px: {widths}"
    assert (
        page.locator("[data-testid=decision-row][data-application='Fax Gateway']").get_attribute("data-effective")
        == "retire"
    )
    ledger = page.locator("[data-testid=decision-row][data-application='General Ledger']")
    before = ledger.get_attribute("data-effective")
    new_strategy = "repurchase" if before != "repurchase" else "retain"
    ledger.locator("[data-testid=override-toggle]").click()
    ledger.locator("select[name=strategy]").select_option(new_strategy)
    ledger.locator("input[name=comment]").fill("The vendor's cloud edition is already licensed")
    ledger.locator("[data-testid=override-save]").click()
    overridden = page.locator(
        f"[data-testid=decision-row][data-application='General Ledger'][data-effective='{new_strategy}']"
    )
    overridden.wait_for()
    assert "override" in overridden.locator("[data-testid=effective]").inner_text()
    journey.shot(12, "decision-overridden")

    # 11. Approve the portfolio (the engagement manager's call); the flow plans the waves and finishes.
    page.fill("#approve-comment", "Agreed with the client's steering group")
    page.locator("[data-testid=approve-portfolio]").click()
    approved = page.locator("[data-testid=approved]")
    approved.wait_for()
    assert "Portfolio approved by" in approved.inner_text()
    journey.shot(13, "portfolio-approved")
    page.locator("[data-testid=assessment-flow]").click()
    _wait_flow_status(page, "Completed")
    page.locator("[data-testid=live-status]", has_text="Live").wait_for(timeout=10_000)
    assert page.locator("[data-testid=phase][data-phase=wave_planning][data-status=completed]").count() == 1

    # The engagement's dashboard draws the assessment's charts.
    page.locator(".breadcrumb a", has_text=ENGAGEMENT).click()
    for chart in ("strategies", "readiness", "debt", "cost", "waves"):
        page.locator(f"canvas[data-chart={chart}][data-drawn='1']").wait_for(timeout=10_000)
    journey.shot(14, "dashboard")

    # 12. Plan the waves again with smaller waves.
    journey.nav("Waves")
    page.fill("input[name=max_servers_per_wave]", "6")
    page.fill("input[name=wave_weeks]", "3")
    page.locator("[data-testid=plan-submit]").click()
    planned = page.locator(".alert-success", has_text="applications planned in")
    planned.wait_for()
    columns = page.locator("[data-testid=wave-column]")
    assert columns.count() >= 3, planned.inner_text()
    # Every application but the one retired, each counted once in the plan's summary.
    planned_apps = len(APPLICATIONS) - 1
    assert f"{planned_apps} applications planned in {columns.count()} waves" in planned.inner_text()
    summary = page.locator("[data-testid=plan-summary]").inner_text()
    assert f"{columns.count()} waves · {planned_apps} applications ·" in summary, summary
    journey.shot(15, "waves-planned")

    # 13. Move an application to another wave: Intranet goes to the last wave.
    intranet = page.locator("[data-testid=wave-app][data-name='Intranet']")
    wave_from = intranet.locator("xpath=ancestor::*[@data-testid='wave-column']").get_attribute("data-wave-number")
    last = columns.last.get_attribute("data-wave-number")
    target = last if last != wave_from else columns.first.get_attribute("data-wave-number")
    page.select_option("#move-application", label="Intranet")
    page.fill("#move-wave", str(target))
    page.fill("#move-comment", "The intranet team is busy until the summer")
    page.locator("[data-testid=move-submit]").click()
    page.locator("[data-testid=move-done], [data-testid=move-warning]").filter(
        has_text=f"Intranet moved to wave {target}"
    ).wait_for()
    column = "[data-testid=wave-column][data-wave-number='{}'] [data-testid=wave-app][data-name='Intranet']"
    assert page.locator(column.format(target)).count() == 1
    assert page.locator(column.format(wave_from)).count() == 0
    journey.shot(16, "application-moved")

    # 14. Download the report.
    journey.nav("Assessment")
    with (
        page.expect_response(lambda response: response.url.endswith("/assessment/report.xlsx")) as response_info,
        page.expect_download() as download_info,
    ):
        page.get_by_role("link", name=re.compile(r"XLSX$")).click()
    assert response_info.value.headers["content-type"] == XLSX_CONTENT_TYPE
    download = download_info.value
    assert download.suggested_filename == "frankfurt-data-centre-exit-assessment.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    cells = {
        str(cell.value)
        for sheet in load_workbook(saved, read_only=True).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert "Online Banking" in cells and "Intranet" in cells
    page.get_by_role("link", name="Report").first.click()
    decisions_in_report = page.locator("[data-testid=report-decisions] tbody tr")
    decisions_in_report.first.wait_for()
    assert decisions_in_report.count() == len(APPLICATIONS)
    assert "override" in decisions_in_report.filter(has_text="General Ledger").inner_text()
    journey.shot(17, "report")

    assert not journey.errors, "\n".join(journey.errors)
    context.close()

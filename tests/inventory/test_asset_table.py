"""The asset table: filters, sorts, search, pagination, the htmx partial and the empty state."""

from __future__ import annotations

import re

from engagements.models import Engagement
from inventory import selectors
from inventory.models import Application
from tests.conftest import http
from tests.factories import Team
from tests.inventory.conftest import server, write


def rows(engagement: Engagement) -> None:
    write(
        engagement,
        [
            server("alpha", os_name="Windows Server 2019", environment="prod", memory_mb=4096, application=["CRM"]),
            server("bravo", os_name="Ubuntu 22.04", environment="dev", memory_mb=1024, ip_address=["10.0.0.7"]),
            server("charlie", os_name="RHEL 8", environment="prod", memory_mb=8192, asset_type="database"),
        ],
    )


def names(html: str) -> list[str]:
    return re.findall(r'class="fw-semibold">([^<]+)</a>', html)


def page(team: Team, engagement: Engagement, query: str = "", htmx: bool = False) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/inventory/?{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_assets_sorted_by_name_with_their_applications(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    html = page(team, engagement)
    assert names(html) == ["alpha", "bravo", "charlie"]
    assert ">CRM</a>" in html and "3 results" in html


def test_it_filters_by_environment_os_family_type_and_application(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    assert names(page(team, engagement, "environment=production")) == ["alpha", "charlie"]
    assert names(page(team, engagement, "os_family=linux")) == ["bravo", "charlie"]
    assert names(page(team, engagement, "asset_type=database")) == ["charlie"]
    crm = engagement.applications.get(name="CRM")
    assert names(page(team, engagement, f"application={crm.pk}")) == ["alpha"]


def test_it_searches_names_ips_and_applications_ignoring_case(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    assert names(page(team, engagement, "q=CHAR")) == ["charlie"]
    assert names(page(team, engagement, "q=10.0.0.7")) == ["bravo"]
    assert names(page(team, engagement, "q=crm")) == ["alpha"]
    assert names(page(team, engagement, "q=100%25")) == []  # LIKE wildcards are literal


def test_it_sorts_on_a_column_both_ways(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    assert names(page(team, engagement, "sort=memory_mb")) == ["bravo", "alpha", "charlie"]
    assert names(page(team, engagement, "sort=-memory_mb")) == ["charlie", "alpha", "bravo"]
    assert names(page(team, engagement, "sort=-name")) == ["charlie", "bravo", "alpha"]


def test_it_filters_by_quality_range(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    write(engagement, [{"ip_address": ["10.9.9.9"]}])
    html = page(team, engagement, "quality_max=20")
    assert names(html) == ["10.9.9.9"]


def test_deleted_assets_are_hidden_unless_asked_for(team: Team, engagement: Engagement) -> None:
    rows(engagement)
    engagement.assets.filter(name="bravo").update(deleted_at="2026-01-01T00:00:00Z")
    assert names(page(team, engagement)) == ["alpha", "charlie"]
    assert names(page(team, engagement, "deleted=on")) == ["alpha", "bravo", "charlie"]


def test_it_paginates_and_htmx_gets_only_the_table_with_its_count(team: Team, engagement: Engagement) -> None:
    write(engagement, [server(f"host{n:03d}") for n in range(30)])
    html = page(team, engagement, "per_page=25&page=2", htmx=True)
    assert names(html) == [f"host{n:03d}" for n in range(25, 30)]
    assert "<html" not in html and 'id="asset-table"' in html
    assert "30 results · page 2 of 2" in html


def test_the_empty_state_points_to_imports(team: Team, engagement: Engagement) -> None:
    html = page(team, engagement)
    assert "No assets yet" in html and "Imports" in html
    assert "No asset matches these filters" in page(team, engagement, "q=zzz")


def test_a_count_above_the_cap_is_an_estimate(engagement: Engagement) -> None:
    write(engagement, [server(f"h{n}") for n in range(30)])
    counted = selectors.count_at_most(selectors.asset_list(engagement=engagement), 2)
    assert counted.estimated and counted.count >= 21
    exact = selectors.count_at_most(selectors.asset_list(engagement=engagement), 100)
    assert (exact.count, exact.estimated) == (30, False)


def test_an_estimate_is_never_below_what_could_be_counted(engagement: Engagement) -> None:
    """A search by address has two correlated conditions (the index's words and the exact term): the planner's
    estimate falls below the count, and the count goes on to ten times the cap instead of showing "about 11"."""
    write(engagement, [server(f"h{n}", ip_address=[f"10.1.2.{n}"]) for n in range(30)])
    counted = selectors.count_at_most(selectors.asset_list(engagement=engagement, search="10.1.2"), 10)
    assert counted.count == 30 if not counted.estimated else counted.count >= 30


def test_the_number_of_queries_does_not_grow_with_the_rows(team: Team, engagement: Engagement) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = http(team.host, team.viewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/engagements/{engagement.pk}/inventory/").status_code == 200
        return len(captured)

    write(engagement, [server(f"h{n}", application=[f"App{n}"]) for n in range(3)])
    few = queries()
    write(engagement, [server(f"k{n}", application=[f"Other{n}"]) for n in range(22)])
    assert queries() == few


def test_a_search_lists_its_matches_in_name_order_either_way(team: Team, engagement: Engagement) -> None:
    # A search expected to match few assets is sorted after the trigram index found them (selectors.asset_list):
    # the order must be the name index's, case-insensitive, ties by id.
    hosts = ["delta", "Alpha", "charlie", "Bravo", "alpha"]
    write(engagement, [server(n, hostname=f"h{i}", ip_address=[f"10.1.2.{i}"]) for i, n in enumerate(hosts)])
    write(engagement, [server("echo", ip_address=["10.9.9.9"])])
    assert names(page(team, engagement, "q=10.1.2")) == ["Alpha", "alpha", "Bravo", "charlie", "delta"]
    assert names(page(team, engagement, "q=10.1.2&sort=-name")) == ["delta", "charlie", "Bravo", "alpha", "Alpha"]


def test_the_application_filter_offers_each_application_and_keeps_the_choice(
    team: Team, engagement: Engagement
) -> None:
    write(engagement, [server("alpha", application=["CRM"]), server("bravo", application=["R&D <Lab>"])])
    crm = Application.objects.get(name="CRM")
    html = page(team, engagement, f"application={crm.pk}")
    select = html.split('id="id_application"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select)
    lab = Application.objects.get(name="R&D <Lab>")
    assert options == [(str(crm.pk), " selected", "CRM"), (str(lab.pk), "", "R&amp;D &lt;Lab&gt;")]
    assert names(html) == ["alpha"]

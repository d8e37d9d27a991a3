"""The application page and its graph list the application's live servers by name, each linking to its page, in
queries that do not grow with the servers."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Engagement
from inventory import services
from inventory.models import Application, Asset
from tests.conftest import http
from tests.factories import Team
from tests.inventory.conftest import server, write


def test_the_page_and_the_graph_show_live_servers_with_their_links(team: Team, engagement: Engagement) -> None:
    write(
        engagement,
        [
            server("web02", application=["CRM"], environment="prod", os_name="Ubuntu 22.04"),
            server("Web01", application=["CRM"], os_name="RHEL 8"),
            server("gone", application=["CRM"]),
        ],
    )
    services.asset_delete(asset=Asset.objects.get(name="gone"), user=team.analyst)
    crm = Application.objects.get(name="CRM")
    browser = http(team.host, team.viewer)
    html = browser.get(f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/").content.decode()
    servers = html.split('data-testid="servers"')[1].split("</ul>")[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="text-body-secondary">([^<]*)</span>', servers)
    web01, web02 = Asset.objects.get(name="Web01"), Asset.objects.get(name="web02")
    assert links == [
        (web01.get_absolute_url(), "Web01", " RHEL 8"),
        (web02.get_absolute_url(), "web02", "Production Ubuntu 22.04"),
    ]

    graph = browser.get(f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/graph.json").json()
    nodes = {node["label"]: node["url"] for node in graph["nodes"] if node["type"] == "asset"}
    assert nodes == {"Web01": web01.get_absolute_url(), "web02": web02.get_absolute_url()}


def test_the_page_runs_the_same_queries_for_more_servers(team: Team, engagement: Engagement) -> None:
    write(engagement, [server("web01", application=["CRM"])])
    crm = Application.objects.get(name="CRM")
    browser = http(team.host, team.viewer)
    url = f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/"
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    write(engagement, [server(f"app{n:02}", application=["CRM"]) for n in range(30)])
    with CaptureQueriesContext(connection) as many:
        html = browser.get(url).content.decode()
    assert html.count("/inventory/assets/") >= 31
    assert len(many) == len(few)

"""Tech debt against the catalogue and the engagement's standards, and the complexity score it feeds."""

from __future__ import annotations

from datetime import date

from assessments.engine.complexity import complexity
from assessments.engine.facts import Standard
from assessments.engine.standards import DEFAULT_STANDARDS
from assessments.engine.techdebt import debt_items

from .engine_facts import TODAY, app, server


def by_component(items: list) -> dict:  # type: ignore[type-arg]
    return {(item.component, item.version): item for item in items}


def test_end_of_life_components_on_the_servers_and_in_the_stack() -> None:
    application = app(languages=("Java 8", "Python 2.7"), databases=("SQL Server 2012",), middleware=("Tomcat 7",))
    servers = [server(1, name="web01", os_name="Windows Server 2008 R2", os_family="windows"), server(2)]

    items = by_component(debt_items(application, servers, DEFAULT_STANDARDS, TODAY))

    windows = items[("windows_server", "2008.2")]
    assert (windows.category, windows.status, windows.severity) == ("os", "end_of_life", "high")
    assert windows.eol_date == date(2020, 1, 14)
    assert windows.server_id == 1
    assert windows.reason.endswith("(on web01)")
    java = items[("java", "8")]
    assert (java.category, java.status, java.server_id) == ("runtime", "end_of_life", None)
    assert java.severity == "medium"  # Oracle still sells extended support until 2030
    assert "paid extended support until 2030-12-31" in java.reason
    assert "below the minimum standard Java 17" in java.reason
    assert items[("python", "2.7")].category == "language"
    assert items[("sql_server", "2012")].category == "database"
    assert items[("tomcat", "7")].category == "middleware"
    assert ("rhel", "9.4") not in items  # the healthy server has no debt


def test_support_ending_within_a_year_is_flagged_soon() -> None:
    items = by_component(debt_items(app(databases=("PostgreSQL 14",)), [], DEFAULT_STANDARDS, date(2026, 3, 1)))

    postgres = items[("postgresql", "14")]
    assert postgres.status == "end_of_support_soon"
    assert postgres.eol_date == date(2026, 11, 12)


def test_components_below_the_engagements_standards() -> None:
    standards = [*DEFAULT_STANDARDS, Standard("nodejs", "Node.js", "runtime", "22", "24")]
    application = app(languages=("Node.js 20", "Java 17"), frameworks=("Spring Boot 3.5",))

    items = by_component(debt_items(application, [server(os_name="Ubuntu 22.04")], standards, date(2025, 1, 1)))

    assert items[("nodejs", "20")].status == "below_minimum"
    assert items[("nodejs", "20")].reason == "Below the minimum standard Node.js 22"
    assert items[("java", "17")].status == "below_recommended"
    assert items[("java", "17")].severity == "low"
    assert items[("ubuntu", "22.04")].status == "below_recommended"
    assert ("spring_boot", "3.5") not in items


def test_rhel_compatible_systems_and_net_framework_are_held_to_their_successors_standards() -> None:
    application = app(languages=("C# (.NET Framework 4.8)",), frameworks=("ASP.NET WebForms",))

    items = by_component(debt_items(application, [server(os_name="Oracle Linux 7.9")], DEFAULT_STANDARDS, TODAY))

    assert "below the minimum standard Red Hat Enterprise Linux 8" in items[("oracle_linux", "7.9")].reason
    assert items[("dotnet_framework", "4.8")].status == "below_minimum"
    assert ".NET Framework falls short of the standard .NET 8" in items[("dotnet_framework", "4.8")].reason
    assert items[("aspnet_webforms", None)].category == "framework"


def test_unrecognised_or_unversioned_entries_make_no_debt() -> None:
    application = app(languages=("COBOL", "Java"), middleware=("in-house bus",))

    assert debt_items(application, [server(os_name=None, os_family=None)], DEFAULT_STANDARDS, TODAY) == []


def test_a_component_named_twice_is_one_item() -> None:
    items = debt_items(app(languages=("Java 8", "jdk1.8")), [], DEFAULT_STANDARDS, TODAY)

    assert len(items) == 1


def test_a_simple_application_scores_one() -> None:
    result = complexity(app(), [server()], [])

    assert (result.score, result.factors) == (1, [])


def test_complexity_adds_up_its_factors() -> None:
    application = app(
        languages=("Java 8", "JavaScript"),
        frameworks=("Spring 4", "AngularJS"),
        databases=("Oracle 11g", "MongoDB 4.4"),
        middleware=("WebLogic 12c",),
        dependencies_in=9,
        dependencies_out=6,
        business_criticality="critical",
        compliance=("PCI-DSS",),
        rto_hours=2,
    )
    servers = [server(i, storage_gb=1000, os_family="linux" if i % 2 else "windows") for i in range(1, 13)]
    debt = debt_items(application, servers, DEFAULT_STANDARDS, TODAY)

    result = complexity(application, servers, debt)

    assert result.score == 5
    assert result.factors == [
        "12 servers (+3)",
        "15 dependencies with other applications (+2)",
        "12.0 TB of data (+2)",
        "7 technologies in the stack (+2)",
        "servers on 2 OS families: linux, windows (+1)",
        "5 end-of-life components (+2)",
        "business critical (+1)",
        "compliance: PCI-DSS (+1)",
        "tight recovery objectives: RTO 2 h, RPO unknown (+1)",
    ]


def test_complexity_grows_step_by_step() -> None:
    scores = [
        complexity(app(dependencies_out=d), [server(i) for i in range(1, n + 1)], []).score
        for n, d in ((1, 0), (2, 0), (4, 0), (4, 5), (11, 5))
    ]

    assert scores == sorted(scores)
    assert scores[0] == 1 and scores[-1] >= 3

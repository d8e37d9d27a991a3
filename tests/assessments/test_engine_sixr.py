"""The 6R engine holds to its word on clear cases, and says why."""

from __future__ import annotations

import pytest

from assessments.engine.facts import STRATEGIES, Goals
from assessments.engine.sixr import effort_size

from .engine_facts import app, assess, server


def rules_fired(evidence: list[str]) -> set[str]:
    return {line[1 : line.index("]")] for line in evidence if line.startswith("[")}


# --- the clear cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("users", [0, None])
def test_a_sunset_app_with_no_users_retires(users: int | None) -> None:
    result = assess(app(lifecycle="sunset", users=users), [server()])

    assert result.strategy == "retire"
    assert "RETIRE-SUNSET-NO-USERS" in rules_fired(result.evidence)
    assert result.target_services == ["Amazon S3 Glacier"]


def test_a_retire_lifecycle_app_retires_even_with_users_and_a_healthy_server() -> None:
    result = assess(app(lifecycle="retire", users=40), [server()])

    assert result.strategy == "retire"
    assert result.confidence >= 0.7


def test_a_sunset_app_with_zero_users_retires_whatever_the_goals() -> None:
    for goals in (Goals(5, 1, 1, 1), Goals(1, 1, 5, 5), Goals(5, 5, 5, 5)):
        assert assess(app(lifecycle="sunset", users=0), [server()], goals=goals).strategy == "retire"


def test_a_cots_crm_with_a_saas_equivalent_is_repurchased() -> None:
    crm = app(app_type="cots", name="Sales CRM", vendor="Oracle", description="Siebel CRM 8.1 for the sales team")

    result = assess(crm, [server()])

    assert result.strategy == "repurchase"
    assert "REPURCHASE-KNOWN-SAAS" in rules_fired(result.evidence)
    assert "Salesforce Sales Cloud" in result.target_services
    assert any("Siebel" in line for line in result.evidence)


def test_a_cots_crm_of_an_unnamed_product_is_repurchased_too() -> None:
    result = assess(app(app_type="cots", name="Customer CRM", vendor="Acme Soft"), [server()])

    assert result.strategy == "repurchase"


def test_a_saas_replaceable_app_is_repurchased_even_when_speed_matters_most() -> None:
    result = assess(app(app_type="saas_replaceable", name="Expenses"), [server()], goals=Goals(5, 1, 1, 1))

    assert result.strategy == "repurchase"
    assert "REPURCHASE-SAAS-REPLACEABLE" in rules_fired(result.evidence)


def test_a_custom_java_8_app_on_windows_2008_is_not_rehosted_as_is() -> None:
    claims = app(name="Claims", languages=("Java 8",), middleware=("Tomcat 7",))
    old_windows = server(os_name="Microsoft Windows Server 2008 R2 (64-bit)", os_family="windows")

    result = assess(claims, [old_windows])

    assert result.strategy in ("replatform", "refactor")
    assert {"OS-END-OF-LIFE", "RUNTIME-END-OF-LIFE"} <= rules_fired(result.evidence)
    assert dict(result.alternatives)["rehost"] < 0.5


@pytest.mark.parametrize("goals", [Goals(5, 3, 1, 1), Goals(5, 5, 1, 1), Goals(3, 3, 3, 3)])
def test_the_java_8_app_on_windows_2008_is_not_rehosted_even_when_speed_matters_most(goals: Goals) -> None:
    claims = app(languages=("Java 8",))
    old_windows = server(os_name="Windows Server 2008", os_family="windows")

    assert assess(claims, [old_windows], goals=goals).strategy != "rehost"


def test_a_lifted_vm_with_no_debt_rehosts() -> None:
    result = assess(app(languages=("Java 21",), middleware=("Tomcat 10.1",)), [server(), server(2)])

    assert result.strategy == "rehost"
    assert {"LIFT-AND-SHIFT", "ALL-READY"} <= rules_fired(result.evidence)
    assert result.target_services == ["Amazon EC2", "AWS Application Migration Service"]
    assert result.confidence >= 0.6


# --- each strategy and the goals -----------------------------------------------------------------------


def test_custom_code_being_invested_in_on_an_end_of_life_framework_is_refactored() -> None:
    portal = app(
        lifecycle="invest",
        languages=("Java 8",),
        frameworks=("Struts 1", "AngularJS 1.6"),
        middleware=("WebLogic 11g",),
    )

    result = assess(portal, [server()])

    assert result.strategy == "refactor"
    assert "FRAMEWORK-END-OF-LIFE" in rules_fired(result.evidence)
    assert "Amazon EKS" in result.target_services


def test_an_app_on_aix_is_retained() -> None:
    result = assess(app(languages=("COBOL",)), [server(os_name="AIX 7.2", os_family="unix", os_architecture="ppc64")])

    assert result.strategy == "retain"
    assert "SPECIALIST-PLATFORM" in rules_fired(result.evidence)
    assert result.target_services == ["IBM Power Virtual Server"]


def test_a_database_past_its_support_moves_to_the_managed_service_of_the_target_cloud() -> None:
    billing = app(databases=("SQL Server 2012",), languages=("C# (.NET Framework 4.8)",))

    aws = assess(billing, [server(os_name="Windows Server 2019", os_family="windows")], cloud="aws")
    azure = assess(billing, [server(os_name="Windows Server 2019", os_family="windows")], cloud="azure")

    assert aws.strategy == azure.strategy == "replatform"
    assert "Amazon RDS for SQL Server" in aws.target_services
    assert "Azure SQL Managed Instance" in azure.target_services
    assert "Azure App Service (Windows)" in azure.target_services


def test_a_sunset_app_still_in_use_is_retained_until_its_users_move() -> None:
    result = assess(app(lifecycle="sunset", users=300), [server()])

    assert result.strategy == "retain"


def test_the_goals_weigh_in_and_are_cited() -> None:
    # Custom code being invested in, on a healthy VM: speed favours a lift, modernisation and operations a rewrite.
    service = app(lifecycle="invest", languages=("Java 21",), databases=("PostgreSQL 16",))
    fast = assess(service, [server()], goals=Goals(speed=5, cost=3, modernisation=1, operations=1))
    modern = assess(service, [server()], goals=Goals(speed=1, cost=3, modernisation=5, operations=5))

    assert fast.strategy == "rehost"
    assert modern.strategy in ("replatform", "refactor")
    goal_line = next(line for line in modern.evidence if line.startswith("[GOALS]"))
    assert "speed 1, cost 3, modernisation 5, operations 5" in goal_line


def test_the_recommendation_scores_every_other_strategy_and_states_its_facts() -> None:
    result = assess(app(), [server()])

    assert {s for s, _ in result.alternatives} == set(STRATEGIES) - {result.strategy}
    assert all(0 <= score <= 1 for _, score in result.alternatives)
    assert [score for _, score in result.alternatives] == sorted(
        (score for _, score in result.alternatives), reverse=True
    )
    assert any(line.startswith("Facts: type custom; lifecycle maintain") for line in result.evidence)
    assert any(line.startswith("Scores: rehost") for line in result.evidence)


def test_unknown_facts_lower_the_confidence_and_are_named() -> None:
    known = assess(app(), [server()])
    unknown = assess(app(lifecycle=None, app_type=None, users=None), [])

    assert unknown.confidence < known.confidence
    assert any("Unknown: no servers linked, lifecycle, type, users" in line for line in unknown.evidence)
    assert "No servers linked: sizing, readiness and cost are unknown" in unknown.risks


def test_effort_grows_with_servers_and_complexity() -> None:
    small = assess(app(), [server()])
    big = assess(app(dependencies_in=8, dependencies_out=8), [server(i, storage_gb=2000) for i in range(1, 13)])

    assert small.strategy == big.strategy == "rehost"
    assert small.person_days < big.person_days
    assert small.effort == effort_size(small.person_days) == "xs"
    assert big.effort in ("m", "l", "xl")


def test_effort_sizes() -> None:
    assert [effort_size(d) for d in (1, 5, 6, 15, 16, 40, 41, 100, 101)] == [
        "xs",
        "xs",
        "s",
        "s",
        "m",
        "m",
        "l",
        "l",
        "xl",
    ]


def test_risks_name_what_could_go_wrong() -> None:
    critical = app(
        business_criticality="critical",
        compliance=("PCI-DSS",),
        rto_hours=1,
        rpo_minutes=5,
        databases=("Oracle 19c",),
    )

    result = assess(critical, [server(is_virtual=False)])

    joined = " | ".join(result.risks)
    assert "Business critical" in joined
    assert "PCI-DSS" in joined
    assert "Tight RTO/RPO" in joined
    assert "Oracle Database licensing" in joined


def test_every_rule_the_evidence_cites_is_documented_in_the_engine() -> None:
    from assessments.engine import sixr

    cases = [
        assess(app(lifecycle="sunset", users=0), [server(power_state="poweredOff")]),
        assess(app(lifecycle="sunset", users=None), [server()]),
        assess(app(lifecycle="maintain", users=0), [server()]),
        assess(app(app_type="saas_replaceable"), [server()]),
        assess(app(app_type="cots", name="Service Desk"), [server()]),
        assess(app(lifecycle="invest", languages=("Java 8", "COBOL"), frameworks=("Struts 1",)), [server()]),
        assess(app(databases=("Oracle 11g",), middleware=("WebLogic 12c",)), [server(os_name="CentOS 6")]),
        assess(app(compliance=("data residency",)), [server(os_name="AIX 7.1"), server(2, os_architecture="i386")]),
        assess(app(dependencies_in=30), [server(i, storage_gb=3000) for i in range(1, 12)]),
    ]

    fired = set().union(*(rules_fired(case.evidence) for case in cases))
    assert len(fired) >= 20
    for rule in fired:
        assert f"{rule}:" in (sixr.__doc__ or ""), rule


CORNER_GOALS = [Goals(s, c, m, o) for s in (1, 5) for c in (1, 5) for m in (1, 5) for o in (1, 5)]


@pytest.mark.parametrize(
    ("facts", "strategy"),
    [
        ({"lifecycle": "retire", "users": 50}, "retire"),
        ({"lifecycle": "sunset", "users": 0}, "retire"),
        ({"app_type": "saas_replaceable"}, "repurchase"),
    ],
)
def test_decisive_facts_outweigh_any_goals(facts: dict[str, object], strategy: str) -> None:
    for goals in CORNER_GOALS:
        assert assess(app(**facts), [server()], goals=goals).strategy == strategy, goals


def test_a_known_saas_product_loses_to_a_clean_lift_only_when_speed_matters_and_modernising_does_not() -> None:
    siebel = app(app_type="cots", vendor="Oracle", description="Siebel CRM")

    outcomes = {goals: assess(siebel, [server()], goals=goals).strategy for goals in CORNER_GOALS}

    assert outcomes.pop(Goals(5, 1, 1, 1)) == outcomes.pop(Goals(5, 5, 1, 1)) == "rehost"
    assert set(outcomes.values()) == {"repurchase"}

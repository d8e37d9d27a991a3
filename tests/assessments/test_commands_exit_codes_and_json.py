"""run_assessment, plan_waves and export_assessment as cli.md says: exit codes, one JSON object on stdout with
--json, messages that name the argument, and the export's contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django_tenants.utils import schema_context
from openpyxl import load_workbook

from assessments.models import Assessment, WavePlanSettings
from tests.assessments.backend_data import Estate
from tests.factories import run_command as run

RESULT_KEYS = {"flow_id", "status", "phase", "message", "counts", "errors", "warnings"}


def where(estate: Estate) -> tuple[str, ...]:
    return ("--tenant", estate.schema, "--engagement", estate.engagement.name)


def test_run_assessment_stops_at_the_review_gate_with_exit_3(estate: Estate) -> None:
    outcome = run("run_assessment", *where(estate), "--sync", "--json")

    assert outcome.code == 3, outcome.err
    result = outcome.result
    assert RESULT_KEYS <= set(result)
    assert (result["status"], result["phase"]) == ("waiting_for_input", "review")
    assert result["counts"]["decisions"] == 4 and result["counts"]["servers"] == 4
    assert "approve" in outcome.err


def test_run_assessment_with_approve_completes_and_plans_the_waves(estate: Estate) -> None:
    outcome = run(
        "run_assessment", *where(estate), "--sync", "--approve", "--json", "--user", estate.team.manager.email
    )

    assert outcome.code == 0, outcome.err
    result = outcome.result
    assert result["status"] == "completed"
    assert result["counts"]["waves"] >= 1 and result["counts"]["planned_applications"] == 3
    assert result["counts"]["retire"] == 1 and result["counts"]["rehost"] == 1
    with schema_context(estate.schema):
        assessment = Assessment.objects.get(flow_id=result["flow_id"])
        assert assessment.approved_by_id == estate.team.manager.pk  # --user, "from the command line"


def test_run_assessment_on_chosen_applications(estate: Estate) -> None:
    outcome = run("run_assessment", *where(estate), "--applications", "web shop", "Billing", "--sync", "--json")

    assert outcome.code == 3
    assert outcome.result["counts"]["decisions"] == 2
    with schema_context(estate.schema):
        chosen = Assessment.objects.get(flow_id=outcome.result["flow_id"]).application_ids
        assert sorted(chosen or []) == sorted([estate.apps["Web Shop"].pk, estate.apps["Billing"].pk])


def test_run_assessment_refuses_bad_arguments_with_exit_2(estate: Estate) -> None:
    unknown_app = run("run_assessment", *where(estate), "--applications", "Payroll", "--sync", "--json")
    assert unknown_app.code == 2 and "--applications" in unknown_app.err and "Payroll" in unknown_app.err
    assert unknown_app.out == ""

    unknown_tenant = run("run_assessment", "--tenant", "nosuchclient", "--engagement", "x", "--sync")
    assert unknown_tenant.code == 2 and "--tenant" in unknown_tenant.err

    unknown_engagement = run("run_assessment", "--tenant", estate.schema, "--engagement", "Nope", "--sync")
    assert unknown_engagement.code == 2 and "Nope" in unknown_engagement.err

    both = run("run_assessment", *where(estate), "--sync", "--no-wait")
    assert both.code == 2
    with schema_context(estate.schema):
        assert not Assessment.objects.filter(engagement=estate.engagement).exists()


def test_plan_waves_saves_its_settings_and_plans_again(estate: Estate) -> None:
    run("run_assessment", *where(estate), "--sync", "--approve")

    outcome = run(
        "plan_waves",
        *where(estate),
        "--max-servers-per-wave",
        "1",
        "--wave-weeks",
        "2",
        "--start",
        "2027-01-04",
        "--json",
    )

    assert outcome.code == 0, outcome.err
    result = outcome.result
    assert RESULT_KEYS <= set(result) and result["status"] == "completed"
    assert result["counts"]["waves"] >= 2  # one server per wave: Billing with Sales CRM, then Web Shop
    with schema_context(estate.schema):
        settings = WavePlanSettings.objects.get(engagement=estate.engagement)
        assert (settings.max_servers_per_wave, settings.wave_weeks, str(settings.start_date)) == (1, 2, "2027-01-04")
    exported = json.loads(run("export_assessment", *where(estate), "--format", "json").out)
    assert exported["waves"][0]["start"] == "2027-01-04"
    assert exported["waves"][0]["end"] == "2027-01-17"  # two weeks


def test_plan_waves_without_decisions_fails_with_exit_1(empty_engagement: Any, assess_tenant: Any) -> None:
    outcome = run(
        "plan_waves", "--tenant", assess_tenant.client.schema_name, "--engagement", empty_engagement.name, "--json"
    )

    assert outcome.code == 1
    assert outcome.result["status"] == "failed"
    assert "No 6R decisions yet" in outcome.result["errors"][0]["message"]


def test_plan_waves_refuses_bad_arguments_with_exit_2(estate: Estate) -> None:
    assert run("plan_waves", *where(estate), "--start", "next monday").code == 2
    zero = run("plan_waves", *where(estate), "--max-servers-per-wave", "0")
    assert zero.code == 2 and "--max-servers-per-wave" in zero.err
    assert run("plan_waves", *where(estate), "--wave-weeks", "four").code == 2


def test_export_assessment_writes_the_json_of_the_contract_and_the_workbook(estate: Estate, tmp_path: Path) -> None:
    run("run_assessment", *where(estate), "--sync", "--approve")

    outcome = run("export_assessment", *where(estate), "--format", "json")

    assert outcome.code == 0, outcome.err
    data = outcome.result
    assert set(data) == {"applications", "waves"}
    assert [a["name"] for a in data["applications"]] == ["Billing", "Fax Gateway", "Sales CRM", "Web Shop"]
    workbook_path = tmp_path / "assessment.xlsx"
    written = run("export_assessment", *where(estate), "--format", "xlsx", "--output", str(workbook_path))
    assert written.code == 0 and written.out == ""
    assert load_workbook(workbook_path, read_only=True).sheetnames == ["applications", "decisions", "servers", "waves"]
    missing_folder = run("export_assessment", *where(estate), "--format", "json", "--output", "/no/such/dir/x.json")
    assert missing_folder.code == 2 and "--output" in missing_folder.err

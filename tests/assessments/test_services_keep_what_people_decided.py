"""What people decide is stored apart from what the engine produces: 6R overrides survive a re-run of the
assessment, and wave moves survive re-planning as pins, with the dependencies they break reported. The
phases run in this process (flows' inline mode) under their leases, as `--sync` runs them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from assessments import selectors, services
from assessments.exporters import assessment_export_data
from assessments.models import (
    Assessment,
    AssignmentSource,
    ChangeAction,
    ChangeRecord,
    DecisionReview,
    SixRDecision,
    WaveAssignment,
    WaveMove,
)
from flows.models import FlowStatus
from flows.services import flow_cancel, flow_run_inline, running_inline
from tests.assessments.backend_data import Estate, assess


def waves_of(estate: Estate) -> dict[str, int]:
    return dict(
        WaveAssignment.objects.filter(engagement=estate.engagement).values_list("application__name", "wave__number")
    )


def test_an_override_is_kept_through_a_re_run(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        billing = estate.apps["Billing"]
        engine_strategy = SixRDecision.objects.get(application=billing).strategy
        services.decision_review(
            application=billing,
            user=estate.team.analyst,
            status="overridden",
            strategy="refactor" if engine_strategy != "refactor" else "replatform",
            comment="The client wants microservices",
        )
        services.decision_review(application=estate.apps["Web Shop"], user=estate.team.analyst, status="accepted")
        overridden_to = DecisionReview.objects.get(application=billing).strategy

        second = assess(estate)

        decision = SixRDecision.objects.get(application=billing)
        assert decision.assessment.flow_id == second.pk  # the engine's decision was replaced ...
        assert decision.strategy == engine_strategy
        review = DecisionReview.objects.get(application=billing)  # ... the person's override was not
        assert (review.status, review.strategy, review.reviewed_by_id) == (
            "overridden",
            overridden_to,
            estate.team.analyst.pk,
        )
        row = selectors.decision_for_application(application=billing)
        assert row is not None and row.effective_strategy == overridden_to  # type: ignore[attr-defined]
        exported = {a["name"]: a for a in assessment_export_data(engagement=estate.engagement)["applications"]}
        assert exported["Billing"]["strategy"] == overridden_to and exported["Billing"]["source"] == "override"
        assert exported["Web Shop"]["source"] == "engine"
        actions = list(
            ChangeRecord.objects.filter(engagement=estate.engagement, object_id=billing.pk).values_list(
                "action", "user_id"
            )
        )
        assert (ChangeAction.DECISION_OVERRIDDEN, estate.team.analyst.pk) in actions


def test_an_override_needs_a_known_strategy_and_a_reason(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate, approve=False)
        billing = estate.apps["Billing"]
        with pytest.raises(ValidationError) as no_reason:
            services.decision_review(
                application=billing, user=estate.team.analyst, status="overridden", strategy="retain"
            )
        assert "comment" in no_reason.value.message_dict
        with pytest.raises(ValidationError) as unknown:
            services.decision_review(
                application=billing, user=estate.team.analyst, status="overridden", strategy="rewrite", comment="x"
            )
        assert "strategy" in unknown.value.message_dict
        assert not DecisionReview.objects.filter(application=billing).exists()


def test_an_overridden_retirement_is_planned_into_a_wave(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        assert "Fax Gateway" not in waves_of(estate)  # retired: it does not move
        services.decision_review(
            application=estate.apps["Fax Gateway"],
            user=estate.team.analyst,
            status="overridden",
            strategy="rehost",
            comment="Legal needs it for two more years",
        )

        services.waves_plan(engagement=estate.engagement, user=estate.team.analyst)

        assert "Fax Gateway" in waves_of(estate)


def test_a_wave_move_is_kept_as_a_pin_and_the_broken_dependency_is_reported(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        services.wave_settings_update(engagement=estate.engagement, user=estate.team.analyst, max_servers_per_wave=1)
        services.waves_plan(engagement=estate.engagement, user=estate.team.analyst)
        before = waves_of(estate)
        # Billing and Sales CRM depend on each other (one move group); Web Shop depends on Billing.
        assert before["Billing"] == before["Sales CRM"] < before["Web Shop"]
        later = before["Web Shop"]

        warnings = services.wave_move(
            application=estate.apps["Billing"], wave_number=later, user=estate.team.manager, comment="DBA on leave"
        )

        assert warnings == [
            f"Sales CRM (wave {before['Sales CRM']}) depends on Billing (wave {later}), which moves later"
        ]
        services.waves_plan(engagement=estate.engagement, user=estate.team.analyst)
        after = waves_of(estate)
        assert after["Billing"] == later
        assignment = WaveAssignment.objects.get(application=estate.apps["Billing"])
        assert assignment.source == AssignmentSource.MANUAL
        move = WaveMove.objects.get(application=estate.apps["Billing"])
        assert (move.wave_number, move.moved_by_id, move.comment) == (later, estate.team.manager.pk, "DBA on leave")
        broken = services.wave_dependency_warnings(engagement=estate.engagement)
        if after["Sales CRM"] < later:
            assert any(w.startswith("Sales CRM") and "Billing" in w for w in broken)
        else:
            assert not any(w.startswith("Sales CRM") for w in broken)


def test_moving_to_a_wave_that_does_not_exist_names_the_waves(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        numbers = sorted(set(waves_of(estate).values()))
        with pytest.raises(ValidationError) as refused:
            services.wave_move(application=estate.apps["Billing"], wave_number=99, user=estate.team.analyst)
        assert "There is no wave 99" in str(refused.value) and str(numbers) in str(refused.value)


def test_standards_are_the_defaults_until_edited_and_an_edit_changes_the_debt(estate: Estate) -> None:
    with schema_context(estate.schema):
        standards = {s.component: s for s in services.standards_ensure(engagement=estate.engagement)}
        assert {"java", "rhel", "windows_server", "postgresql"} <= set(standards)
        with pytest.raises(ValidationError) as upside_down:
            services.standard_update(
                standard=standards["java"], user=estate.team.analyst, minimum_version="21", recommended_version="17"
            )
        assert "above the recommended" in str(upside_down.value)

        services.standard_update(
            standard=standards["postgresql"], user=estate.team.analyst, minimum_version="17", recommended_version="17"
        )
        assess(estate, approve=False)

        debt = selectors.tech_debt_list(engagement=estate.engagement, application=estate.apps["Web Shop"])
        assert [(d.component, d.status) for d in debt if d.component == "postgresql"] == [
            ("postgresql", "below_minimum")
        ]
        assert ChangeRecord.objects.filter(
            engagement=estate.engagement, action=ChangeAction.STANDARD_UPDATED, user_id=estate.team.analyst.pk
        ).exists()


def test_assessing_chosen_applications_leaves_the_others_alone(estate: Estate) -> None:
    with schema_context(estate.schema):
        waiting = assess(estate, approve=False)
        flow_cancel(flow=waiting, user=estate.team.analyst)  # a new assessment starts once the last one ended
        first = dict(
            SixRDecision.objects.filter(engagement=estate.engagement).values_list("application_id", "assessment_id")
        )

        with running_inline():
            flow = services.assessment_start(
                engagement=estate.engagement, user=estate.team.analyst, application_ids=[estate.apps["Web Shop"].pk]
            )
            flow_run_inline(flow=flow)

        now = dict(
            SixRDecision.objects.filter(engagement=estate.engagement).values_list("application_id", "assessment_id")
        )
        assert set(now) == set(first)
        changed = {app_id for app_id in now if now[app_id] != first[app_id]}
        assert changed == {estate.apps["Web Shop"].pk}


def test_applications_of_another_engagement_cannot_be_chosen(estate: Estate) -> None:
    with schema_context(estate.schema):
        from engagements.models import Engagement

        other = Engagement.objects.create(name=f"Other {estate.engagement.pk}")
        with pytest.raises(ValidationError) as refused:
            services.assessment_start(
                engagement=other, user=estate.team.analyst, application_ids=[estate.apps["Billing"].pk]
            )
        assert str(estate.apps["Billing"].pk) in str(refused.value)
        assert not Assessment.objects.filter(engagement=other).exists()


def test_an_assessment_flow_started_from_the_generic_form_assesses_every_application(estate: Estate) -> None:
    from flows.services import flow_start

    with schema_context(estate.schema), running_inline():
        flow = flow_start(engagement=estate.engagement, flow_type="assessment", user=estate.team.analyst)
        flow_run_inline(flow=flow)
        flow.refresh_from_db()

        assert flow.status == FlowStatus.WAITING_FOR_INPUT, flow.message
        assessment = Assessment.objects.get(flow=flow)
        assert assessment.application_ids is None and assessment.created_by_id == estate.team.analyst.pk
        assert flow.input["assessment_id"] == assessment.pk
        assert SixRDecision.objects.filter(assessment=assessment).count() == 4

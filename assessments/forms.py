"""Forms of the assessment pages: filters of the portfolio, a review, the start form, standards, waves."""

from __future__ import annotations

from typing import Any

from django import forms

from inventory.models import Criticality
from migration_platform.pagination import PAGE_SIZES

from .models import Effort, Readiness, ReviewStatus, Strategy
from .selectors import PORTFOLIO_SORTS, PortfolioFilters


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *choices.choices]


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    strategy = forms.ChoiceField(required=False, choices=_choices(Strategy, "Any strategy"))
    effort = forms.ChoiceField(required=False, choices=_choices(Effort, "Any effort"))
    criticality = forms.ChoiceField(required=False, choices=_choices(Criticality, "Any criticality"))
    readiness = forms.ChoiceField(required=False, choices=_choices(Readiness, "Any readiness"))
    review = forms.ChoiceField(
        required=False,
        choices=[("", "Any review"), ("pending", "Not reviewed"), *ReviewStatus.choices],
    )
    confidence_max = forms.IntegerField(required=False, min_value=0, max_value=100)
    sort = forms.CharField(required=False, max_length=40)
    per_page = forms.TypedChoiceField(required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES])

    def selector_filters(self) -> tuple[PortfolioFilters, str]:
        """The filters and the sort for selectors.decision_list (an unknown sort falls back to the name)."""
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "name"
        if sort.lstrip("-") not in PORTFOLIO_SORTS:
            sort = "name"
        confidence_max = data.get("confidence_max")
        filters = PortfolioFilters(
            q=data.get("q") or "",
            strategy=data.get("strategy") or "",
            effort=data.get("effort") or "",
            criticality=data.get("criticality") or "",
            readiness=data.get("readiness") or "",
            review=data.get("review") or "",
            max_confidence=None if confidence_max is None else confidence_max / 100,
        )
        return filters, sort


class ReviewForm(forms.Form):
    """Accept the recommendation, or override it with another strategy; a comment is required to override."""

    status = forms.ChoiceField(choices=ReviewStatus.choices)
    strategy = forms.ChoiceField(required=False, choices=_choices(Strategy, "Choose a strategy"))
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ReviewStatus.OVERRIDDEN:
            if not data.get("strategy"):
                self.add_error("strategy", "Choose the strategy that replaces the recommendation.")
            if not (data.get("comment") or "").strip():
                self.add_error("comment", "Say why the recommendation is overridden.")
        else:
            data["strategy"] = ""
        return data


class ApproveForm(forms.Form):
    comment = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class StartForm(forms.Form):
    """Assess every application, or the chosen ones (ids of the engagement's applications)."""

    scope = forms.ChoiceField(choices=[("all", "All applications"), ("chosen", "Chosen applications")])
    applications = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=[])

    def __init__(self, *args: Any, application_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        applications = self.fields["applications"]
        assert isinstance(applications, forms.TypedMultipleChoiceField)
        applications.choices = application_choices
        applications.widget.attrs["size"] = 8

    def application_ids(self) -> list[int] | None:
        if self.cleaned_data["scope"] == "all":
            return None
        return list(self.cleaned_data["applications"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "chosen" and not data.get("applications"):
            self.add_error("applications", "Choose at least one application, or assess them all.")
        return data


class StandardForm(forms.Form):
    """One row of the standards table: the minimum and recommended versions of a component."""

    minimum_version = forms.CharField(max_length=40, label="Minimum")
    recommended_version = forms.CharField(max_length=40, label="Recommended")


class WaveMoveForm(forms.Form):
    application = forms.IntegerField(min_value=1)
    wave_number = forms.IntegerField(min_value=1, max_value=500, label="Wave")
    comment = forms.CharField(required=False, max_length=1000)


class WavePlanForm(forms.Form):
    max_servers_per_wave = forms.IntegerField(min_value=1, max_value=100_000, label="Servers per wave at most")
    wave_weeks = forms.IntegerField(min_value=1, max_value=52, label="Weeks per wave")
    start_date = forms.DateField(
        required=False, label="First wave starts", widget=forms.DateInput(attrs={"type": "date"})
    )
    pilot_max_apps = forms.IntegerField(min_value=0, max_value=100, label="Applications in the pilot wave at most")

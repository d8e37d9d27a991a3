from __future__ import annotations

from django import forms

from .models import FlowStatus, FlowType


class FlowStartForm(forms.Form):
    type = forms.ChoiceField(choices=FlowType.choices)


class FlowFilterForm(forms.Form):
    type = forms.ChoiceField(
        required=False,
        choices=[("", "Any type"), *FlowType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *FlowStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


class GateDecisionForm(forms.Form):
    comment = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RetryForm(forms.Form):
    phase = forms.CharField(required=False, max_length=64)

from __future__ import annotations

from django import forms

from .models import Outcome


class UsageFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

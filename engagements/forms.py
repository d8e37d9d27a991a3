from __future__ import annotations

from django import forms

from .models import EDITABLE_FIELDS, GOAL_FIELDS, Engagement
from .selectors import engagement_name_taken, name_taken_message


class EngagementForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Engagement
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
            **{name: forms.NumberInput(attrs={"type": "range", "min": 1, "max": 5}) for name in GOAL_FIELDS},
        }
        help_texts = {"region": "Leave empty for the cloud's default region."}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if engagement_name_taken(name=name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(name_taken_message(name))
        return name

    def validate_unique(self) -> None:
        """Uniqueness is checked in clean_name (case-insensitive, with a message naming the clash)."""


class EngagementFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status")])
    archived = forms.BooleanField(required=False, label="Archived")
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from .models import EngagementStatus

        self.fields["status"].choices = [("", "Any status"), *EngagementStatus.choices]  # type: ignore[attr-defined]

from __future__ import annotations

from typing import Any

from django import forms

from migration_platform.pagination import PAGE_SIZES

from .models import AppType, AssetType, Criticality, Environment, Lifecycle, OsFamily


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *choices.choices]


class AssetFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    asset_type = forms.ChoiceField(required=False, choices=_choices(AssetType, "Any type"))
    environment = forms.ChoiceField(required=False, choices=_choices(Environment, "Any environment"))
    os_family = forms.ChoiceField(required=False, choices=_choices(OsFamily, "Any OS"))
    # An id of the engagement's applications (the page lists them; any other id simply matches nothing).
    application = forms.IntegerField(required=False, min_value=1)
    quality_min = forms.IntegerField(required=False, min_value=0, max_value=100)
    quality_max = forms.IntegerField(required=False, min_value=0, max_value=100)
    deleted = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=40)
    per_page = forms.TypedChoiceField(required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES])

    def selector_filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q") or "",
            "asset_type": data.get("asset_type") or "",
            "environment": data.get("environment") or "",
            "os_family": data.get("os_family") or "",
            "application_id": data.get("application"),
            "quality_min": data.get("quality_min"),
            "quality_max": data.get("quality_max"),
            "include_deleted": bool(data.get("deleted")),
            "sort": data.get("sort") or "name",
        }


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    app_type = forms.ChoiceField(required=False, choices=_choices(AppType, "Any type"))
    business_criticality = forms.ChoiceField(required=False, choices=_choices(Criticality, "Any criticality"))
    lifecycle = forms.ChoiceField(required=False, choices=_choices(Lifecycle, "Any lifecycle"))
    deleted = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=40)

    def selector_filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q") or "",
            "app_type": data.get("app_type") or "",
            "business_criticality": data.get("business_criticality") or "",
            "lifecycle": data.get("lifecycle") or "",
            "include_deleted": bool(data.get("deleted")),
            "sort": data.get("sort") or "name",
        }


BOOLEAN_CHOICES = [("", "Unknown"), ("true", "Yes"), ("false", "No")]


class FieldEditForm(forms.Form):
    """One field of an asset or application, as text: the service reads and checks it (values.clean_value)."""

    value = forms.CharField(required=False, max_length=10000)

    def __init__(self, *args: Any, model_field: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(model_field, "choices", None):
            self.fields["value"] = forms.ChoiceField(required=False, choices=[("", "Unknown"), *model_field.choices])
        elif kind == "boolean":
            self.fields["value"] = forms.ChoiceField(required=False, choices=BOOLEAN_CHOICES)
        elif model_field.name == "description":
            self.fields["value"].widget = forms.Textarea(attrs={"rows": 3})
        if kind == "list":
            self.fields["value"].help_text = "Separate items with commas or semicolons."
        self.fields["value"].label = model_field.name

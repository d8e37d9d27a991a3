from __future__ import annotations

from typing import Any

from django import forms

from imports.engine.readers import MAX_BYTES, MAX_ROWS

from .models import ImportKind, OnDuplicate


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"CSV (any encoding and delimiter), XLSX or JSON; up to {MAX_BYTES // (1024 * 1024)} MB and "
        f"{MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.xlsm,.json", "data-drop-input": "1"}),
    )
    kind = forms.ChoiceField(
        choices=[("", "Detect from the headers"), *ImportKind.choices], required=False, label="What the file holds"
    )
    sheet = forms.CharField(
        required=False,
        max_length=255,
        label="Sheet",
        help_text="For a workbook: the tab to read (default: vInfo or the first).",
    )
    on_duplicate = forms.ChoiceField(
        choices=OnDuplicate.choices,
        initial=OnDuplicate.UPDATE,
        label="A row matching an existing asset",
        help_text="Matched on external id, BIOS UUID, serial, FQDN, host name, then IP address.",
    )
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows and skip the rows with errors (otherwise nothing is written)"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB, over the limit of {MAX_BYTES // (1024 * 1024)} MB: "
                "split it and import the parts."
            )
        return upload


class IssueFilterForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", "Errors and warnings"), ("errors", "Errors"), ("warnings", "Warnings")], required=False
    )
    q = forms.CharField(required=False, max_length=200)

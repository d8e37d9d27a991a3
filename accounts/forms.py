from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="What the token is for, e.g. “CMDB sync”.")

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .throttle import (
    client_address,
    sign_in_failure_record,
    sign_in_success_record,
    sign_in_wait_message,
    sign_in_wait_seconds,
)


class ThrottledSignIn(AuthenticationForm):
    """Refuses sign-in for a while after too many failures for the email or the address (accounts/throttle.py)."""

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request)
        wait = sign_in_wait_seconds(email=email, address=address)
        if wait:
            raise forms.ValidationError(sign_in_wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            sign_in_failure_record(email=email, address=address)
            wait = sign_in_wait_seconds(email=email, address=address)
            if wait:  # this failure used the last attempt: say so now rather than on the next try
                raise forms.ValidationError(sign_in_wait_message(wait), code="throttled") from None
            raise
        if self.get_user() is not None:
            sign_in_success_record(email=email)
        return cleaned


class SignInForm(ThrottledSignIn):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in, throttled like the site's (otherwise /admin/login/ would allow unlimited guesses)."""


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="What the token is for, e.g. “CMDB sync”.")

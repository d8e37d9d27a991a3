from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from .roles import Role


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANALYST)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptNewUserForm(forms.Form):
    """For an invited person with no account yet."""

    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password")
    password2 = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                validate_password(str(data["password1"]))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

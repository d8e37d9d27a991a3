from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from . import services
from .models import SLUG_PATTERN, Client, Domain, Invitation, Membership


class ClientAddForm(forms.ModelForm):  # type: ignore[type-arg]
    slug = forms.RegexField(regex=SLUG_PATTERN, help_text="Schema name and sub-domain: lower-case letters and digits.")
    admin_email = forms.EmailField(help_text="The client's first client admin (created if new, with no password).")

    class Meta:
        model = Client
        fields = ["name"]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).strip().lower()
        problem = services.slug_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "schema_name", "is_template", "created_at"]
    search_fields = ["name", "schema_name"]
    readonly_fields = ["schema_name", "is_template", "created_at"]
    inlines = [MembershipInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ClientAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "slug", "admin_email"]
        return ["name", "schema_name", "is_template", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        admin_user, _ = services.user_get_or_create(email=form.cleaned_data["admin_email"])
        created = services.client_create(name=obj.name, slug=form.cleaned_data["slug"], admin=admin_user)
        obj.pk = created.pk
        obj.schema_name = created.schema_name

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["domain", "tenant", "is_primary"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "client", "role", "created_at"]
    list_filter = ["role", "client"]
    search_fields = ["user__email", "client__name"]
    autocomplete_fields = ["user", "client"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["email", "client", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["client", "role"]
    readonly_fields = ["token"]

"""Template helpers for tables: links that keep the current filters while changing one parameter."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.http import QueryDict
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def query_with(query: QueryDict, **changes: object) -> str:
    params = query.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    return params.urlencode()


@register.simple_tag
def sort_header(query: QueryDict, field: str, label: str, current: str) -> str:
    """A column header that sorts by `field`, reversing when it already does, with an arrow."""
    descending = current == f"-{field}"
    active = current in {field, f"-{field}"}
    target = field if descending or not active else f"-{field}"
    params = query.copy()
    params.pop("page", None)
    params["sort"] = target
    icon = "" if not active else ("bi-sort-down" if descending else "bi-sort-up")
    return format_html(
        '<a class="sort-link text-reset text-decoration-none" href="?{}" hx-get="?{}" hx-target="closest .htmx-table"'
        ' hx-push-url="true" data-sort="{}">{} <i class="bi {}"></i></a>',
        params.urlencode(),
        params.urlencode(),
        field,
        label,
        icon,
    )


WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select", "range": "form-range"}


@register.filter
def bootstrap(field: BoundField) -> str:
    """Render a form field's widget with Bootstrap's class for its kind, marked invalid when it has errors."""
    kind = field.widget_type
    if kind == "number" and getattr(field.field.widget, "input_type", "") == "range":
        kind = "range"
    css = WIDGET_CLASSES.get(kind, "form-control") + (" is-invalid" if field.errors else "")
    attrs: dict[str, str | bool] = {"class": css}
    return field.as_widget(attrs=attrs)

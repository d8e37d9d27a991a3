"""Template helpers for list pages: links that keep the current filters while changing one parameter, sortable
headers, the filter form and the card that holds the table."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.http import QueryDict
from django.template.base import FilterExpression, Parser, Token, token_kwargs
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
        ' hx-swap="outerHTML" hx-push-url="true" data-sort="{}">{} <i class="bi {}"></i></a>',
        params.urlencode(),
        params.urlencode(),
        field,
        label,
        icon,
    )


@register.simple_tag
def filter_field(field: BoundField, label: str, column: str) -> str:
    """One field of a filter bar: its label over its widget (styled by `bootstrap`), in the grid column `column`."""
    return format_html(
        '<div class="{}"><label class="form-label small mb-0" for="{}">{}</label>{}</div>',
        column,
        field.id_for_label,
        label,
        bootstrap(field),
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


@register.tag
def table_card(parser: Parser, token: Token) -> TableCardNode:
    """A list page's table card, drawn by includes/table_card.html: the table with its header cells and rows,
    then the pagination; or, when there is nothing to list, the empty state. The card is what the filter form and
    the sortable headers fetch again and replace (its `id`, its class htmx-table).

        {% table_card id="asset-table" icon="hdd-stack" no_match="No asset matches." title="No assets yet" %}
          <th>…</th>…            the header cells
        {% rows %}
          {% for … %}<tr>…</tr>{% endfor %}
        {% empty %}
          <p>…</p>               what the empty state says under its title when no filter is set
        {% endtable_card %}

    Options: `items` (what is listed; the page's rows by default), `filtered` (a filter is set: the empty state
    says that nothing matches; the context's `filtered` by default), `poll` (the rows are still changing: the
    card fetches itself again every 2 s), `testid` (the card's), `table_class` and `table_testid`.
    """
    options = token_kwargs(token.split_contents()[1:], parser)
    head = parser.parse(("rows",))
    parser.delete_first_token()
    rows = parser.parse(("empty",))
    parser.delete_first_token()
    empty = parser.parse(("endtable_card",))
    parser.delete_first_token()
    return TableCardNode(options, head=head, rows=rows, empty=empty)


class TableCardNode(template.Node):
    def __init__(
        self,
        options: dict[str, FilterExpression],
        *,
        head: template.NodeList,
        rows: template.NodeList,
        empty: template.NodeList,
    ) -> None:
        self.options, self.head, self.rows, self.empty = options, head, rows, empty

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        if "items" not in values:
            page = context.get("page")
            values["items"] = page.object_list if page is not None else []
        values.setdefault("filtered", context.get("filtered", False))
        # Only the slots the card shows are rendered: the rows when there are some, else the empty state.
        if values["items"]:
            values["head"], values["rows"] = self.head.render(context), self.rows.render(context)
        else:
            values["empty"] = self.empty.render(context)
        return _render_include("includes/table_card.html", context, values)


@register.tag
def filter_bar(parser: Parser, token: Token) -> FilterBarNode:
    """A list page's filter form, drawn by includes/filter_bar.html: a change (or typing in the search box, after
    a pause) fetches the page's table again with the filters and puts it in place of `table` (its id). The form
    keeps the current sort.

        {% filter_bar table="#asset-table" search="Name, host, IP" button="col-md-2" %}
          <div class="col-md-2">…a filter field…</div>
        {% endfilter_bar %}

    Options: `search` (the search box's placeholder; no search box without it), `search_col` (its column,
    col-md-4 by default), `button` (the Filter button's column; no button without it).
    """
    options = token_kwargs(token.split_contents()[1:], parser)
    fields = parser.parse(("endfilter_bar",))
    parser.delete_first_token()
    return FilterBarNode(options, fields=fields)


class FilterBarNode(template.Node):
    def __init__(self, options: dict[str, FilterExpression], *, fields: template.NodeList) -> None:
        self.options, self.fields = options, fields

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        values["fields"] = self.fields.render(context)
        return _render_include("includes/filter_bar.html", context, values)


def _render_include(name: str, context: template.Context, values: dict[str, Any]) -> str:
    """Render the template `name` as {% include %} would, with `values` added to the context."""
    included = context.template.engine.get_template(name)  # type: ignore[union-attr]
    with context.push(**values):
        return included.render(context)

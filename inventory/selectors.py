"""Reads of the inventory: the table pages' filtered and sorted lists, details, the graph, counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Func, OrderBy, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.urls import reverse

from engagements.models import Engagement

from .models import Application, ApplicationAsset, ApplicationDependency, Asset, AssetConnection, Environment

# Sort keys the asset table offers (a leading "-" reverses); unknowns sort by name. Text sorts ignore case.
ASSET_SORTS: dict[str, Any] = {
    "name": Lower("name"),
    "hostname": Lower("hostname"),
    "asset_type": F("asset_type"),
    "environment": F("environment"),
    "os_family": F("os_family"),
    "os_name": Lower("os_name"),
    "ip_address": F("ip_address__0"),
    "cpu_cores": F("cpu_cores"),
    "memory_mb": F("memory_mb"),
    "storage_gb": F("storage_gb"),
    "criticality": F("criticality"),
    "quality_score": F("quality_score"),
    "updated_at": F("updated_at"),
}
APPLICATION_SORTS: dict[str, Any] = {
    "name": Lower("name"),
    "app_type": F("app_type"),
    "business_criticality": F("business_criticality"),
    "lifecycle": F("lifecycle"),
    "server_count": F("server_count"),
    "users": F("users"),
}
# The table shows these; the rest (custom attributes, descriptions) stays in the database until a detail page.
ASSET_LIST_COLUMNS = (
    "id",
    "engagement_id",
    "name",
    "hostname",
    "asset_type",
    "environment",
    "os_family",
    "os_name",
    "os_version",
    "ip_address",
    "cpu_cores",
    "memory_mb",
    "storage_gb",
    "criticality",
    "quality_score",
    "deleted_at",
    "updated_at",
)


# A text search expected to match at most this many assets is sorted after the trigram index found them, never by
# walking the name index: matches that sort late by name (an IP range whose hosts are named in order) made that
# walk read 66,000 of 100,000 assets (135 ms) for 25 rows. Above it, matches are dense enough for the walk.
SEARCH_SORTED_AFTER = 5_000

# Sorts an index serves as it is stored: biggest first with unknowns last; ascending reads it backwards
# (unknowns first). Names are never empty, so their index serves both ways.
BIGGEST_FIRST_INDEXED = {"memory_mb", "cpu_cores", "storage_gb", "quality_score"}


def _ordering(sorts: dict[str, Any], sort: str, default: str = "name") -> tuple[str, list[OrderBy]]:
    key = sort.lstrip("-")
    if key not in sorts:
        sort, key = default, default
    expression = sorts[key]
    descending = sort.startswith("-")
    if key in BIGGEST_FIRST_INDEXED:
        order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)
    elif key == "name":
        order = expression.desc() if descending else expression.asc()
    else:
        order = expression.desc(nulls_last=True) if descending else expression.asc()
    return sort, [order, F("pk").desc() if descending else F("pk").asc()]


def search_term(text: str) -> str:
    """The lower-cased term matched against `search_text`; LIKE's wildcards are taken literally."""
    return text.strip().lower()


# pg_trgm splits words at every character that is not a letter or digit, so "10.1.2" gave the trigram index only the
# trigrams of "10", "1" and "2": 22,000 of 100,000 assets to read again for 2,800 matches. The index reads
# `search_text` with these separators written as SEARCH_STAND_IN (migration 0006), so that an address, a MAC or a
# host name is one word with selective trigrams: 3,750 candidates. Nested replace() because translate() costs
# 8 us a row, four times as much, in a UTF-8 database.
SEARCH_SEPARATORS = ".-:"
SEARCH_STAND_IN = "x"


def search_words_sql(column: str) -> str:
    """The index's expression over `column` (migration 0006 writes it with this function's output of the time)."""
    sql = column
    for separator in SEARCH_SEPARATORS:
        sql = f"replace({sql}, '{separator}', '{SEARCH_STAND_IN}')"
    return sql


class SearchWords(Func):
    """`search_text` as the trigram index holds it."""

    template = search_words_sql("%(expressions)s")
    output_field = TextField()


def search_words(term: str) -> str:
    """The term as `SearchWords` writes it: text that contains the term contains it written so."""
    return term.translate(str.maketrans(SEARCH_SEPARATORS, SEARCH_STAND_IN * len(SEARCH_SEPARATORS)))


def asset_list(
    *,
    engagement: Engagement,
    search: str = "",
    asset_type: str = "",
    environment: str = "",
    os_family: str = "",
    application_id: int | None = None,
    quality_min: int | None = None,
    quality_max: int | None = None,
    include_deleted: bool = False,
    sort: str = "name",
) -> QuerySet[Asset]:
    """The engagement's assets for the table and the API, filtered and sorted, with their applications."""
    qs = Asset.objects.filter(engagement=engagement)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    term = search_term(search)
    if term:
        # `contains` on the lower-cased text is a LIKE the trigram index serves (icontains would wrap UPPER()); one
        # expression only: an OR with other indexes makes the planner walk the whole name index instead.
        qs = qs.alias(search_words=SearchWords("search_text")).filter(search_words__contains=search_words(term))
    if asset_type:
        qs = qs.filter(asset_type=asset_type)
    if environment:
        qs = qs.filter(environment=environment)
    if os_family:
        qs = qs.filter(os_family=os_family)
    if application_id is not None:
        qs = qs.filter(pk__in=ApplicationAsset.objects.filter(application_id=application_id).values("asset_id"))
    if quality_min is not None:
        qs = qs.filter(quality_score__gte=quality_min)
    if quality_max is not None:
        qs = qs.filter(quality_score__lte=quality_max)
    sort, ordering = _ordering(ASSET_SORTS, sort)
    if term and sort.lstrip("-") == "name" and planned_rows(qs) <= SEARCH_SORTED_AFTER:
        # The same order through an expression no index serves: the planner reads the matches, then sorts them.
        by_name = Lower(Concat("name", Value("")))
        descending = sort.startswith("-")
        ordering = [by_name.desc() if descending else by_name.asc(), F("pk").desc() if descending else F("pk").asc()]
    if term and (term != search_words(term) or SEARCH_STAND_IN in term):
        # The index's words also match where the text had a stand-in in place of a separator ("10x1x2"): the exact
        # term then checks the rows it found. Added after the estimate above, which two correlated conditions
        # would divide by the second one's selectivity.
        qs = qs.filter(search_text__contains=term)
    applications = Prefetch("applications", queryset=Application.objects.only("id", "name", "engagement_id"))
    return qs.order_by(*ordering).prefetch_related(applications)


def planned_rows(queryset: QuerySet[Any]) -> int:
    """The planner's estimate of the rows a queryset returns (an EXPLAIN: planning only, about a millisecond)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def asset_table(**filters: Any) -> QuerySet[Asset]:
    """`asset_list` with only the columns the table shows."""
    return asset_list(**filters).only(*ASSET_LIST_COLUMNS)


def asset_get(*, engagement: Engagement, pk: int) -> Asset | None:
    return (
        Asset.objects.filter(engagement=engagement, pk=pk)
        .select_related("updated_by")
        .prefetch_related(Prefetch("applications", queryset=Application.objects.order_by(Lower("name"))))
        .first()
    )


def asset_connections(*, asset: Asset) -> list[AssetConnection]:
    return list(
        AssetConnection.objects.filter(Q(source=asset) | Q(target=asset))
        .select_related("source", "target")
        .only("id", "port", "protocol", "connection_count", "source__id", "source__name", "target__id", "target__name")
        .order_by("port", "pk")[:500]
    )


def application_list(
    *,
    engagement: Engagement,
    search: str = "",
    app_type: str = "",
    business_criticality: str = "",
    lifecycle: str = "",
    include_deleted: bool = False,
    sort: str = "name",
) -> QuerySet[Application]:
    qs = Application.objects.filter(engagement=engagement)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    if search.strip():
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term) | Q(business_service__icontains=term))
    if app_type:
        qs = qs.filter(app_type=app_type)
    if business_criticality:
        qs = qs.filter(business_criticality=business_criticality)
    if lifecycle:
        qs = qs.filter(lifecycle=lifecycle)
    # A correlated count, evaluated only for the rows of the page when the table is not sorted by it (a GROUP BY
    # over every link of the engagement took 200-400 ms at 100,000 links, and the page's COUNT(*) repeated it).
    # Live links are the links less those to a deleted asset: the engagement's deleted assets are found once (a
    # hashed subplan over the `asset_deleted` index) and each application's links are read from the link index
    # alone. Joining every link to its asset to read `deleted_at` cost 1.2 ms an application (250 links each),
    # 120 ms for the API's page of 100.
    deleted_assets = Asset.objects.filter(engagement=engagement, deleted_at__isnull=False).values("pk")
    live_links = (
        ApplicationAsset.objects.filter(application=OuterRef("pk"))
        .exclude(asset_id__in=deleted_assets)
        .order_by()
        .values("application")
        .annotate(live=Count("*"))
        .values("live")
    )
    qs = qs.annotate(server_count=Coalesce(Subquery(live_links), 0))
    _, ordering = _ordering(APPLICATION_SORTS, sort)
    return qs.order_by(*ordering)


def application_choices(*, engagement: Engagement, limit: int = 2000) -> list[tuple[int, str]]:
    """(id, name) of the live applications, for the asset table's application filter."""
    applications = Application.objects.filter(engagement=engagement, deleted_at__isnull=True).order_by(Lower("name"))
    return list(applications.values_list("pk", "name")[:limit])


def application_get(*, engagement: Engagement, pk: int) -> Application | None:
    return Application.objects.filter(engagement=engagement, pk=pk).select_related("updated_by").first()


def application_servers(*, application: Application) -> QuerySet[Asset]:
    return application.assets.filter(deleted_at__isnull=True).only(*ASSET_LIST_COLUMNS).order_by(Lower("name"))


@dataclass(frozen=True)
class ServerRow:
    """A live server of an application as its page and its graph show it."""

    id: int
    name: str
    environment: str  # the label
    os_name: str
    url: str


def application_server_rows(*, application: Application, limit: int) -> list[ServerRow]:
    """The application's live servers by name (at most `limit`), without a model instance or a URL resolution per
    server: for 250 servers those cost about 15 ms of the application page."""
    url = asset_url_maker(application.engagement_id)
    labels = dict(Environment.choices)
    rows = application_servers(application=application).values_list("id", "name", "environment", "os_name")
    return [
        ServerRow(pk, name, labels.get(environment or "", environment or ""), os_name or "", url(pk))
        for pk, name, environment, os_name in rows[:limit]
    ]


def asset_url_maker(engagement_id: int) -> Callable[[int], str]:
    """`Asset.get_absolute_url` for many assets of one engagement: one URL resolution, then text."""
    marker = "987654321"
    head, tail = reverse("inventory:asset", kwargs={"engagement_pk": engagement_id, "pk": marker}).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def application_dependencies(*, application: Application) -> QuerySet[ApplicationDependency]:
    return (
        ApplicationDependency.objects.filter(Q(source=application) | Q(target=application))
        .select_related("source", "target")
        .order_by(Lower("source__name"), Lower("target__name"))
    )


def dependency_list(
    *, engagement: Engagement | None = None, application_id: int | None = None
) -> QuerySet[ApplicationDependency]:
    qs = ApplicationDependency.objects.select_related("source", "target")
    if engagement is not None:
        qs = qs.filter(engagement=engagement)
    if application_id is not None:
        qs = qs.filter(Q(source_id=application_id) | Q(target_id=application_id))
    return qs.order_by("pk")


def connection_list(*, engagement: Engagement | None = None, asset_id: int | None = None) -> QuerySet[AssetConnection]:
    qs = AssetConnection.objects.select_related("source", "target")
    if engagement is not None:
        qs = qs.filter(engagement=engagement)
    if asset_id is not None:
        qs = qs.filter(Q(source_id=asset_id) | Q(target_id=asset_id))
    return qs.order_by("pk")


def application_graph(*, application: Application) -> dict[str, list[dict[str, Any]]]:
    """An application, the applications it depends on or that depend on it (declared, or seen through connections
    between their servers), and its servers: nodes and edges as the graph page draws them."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}

    def app_node(app: Application, focus: bool = False) -> str:
        key = f"app-{app.pk}"
        nodes.setdefault(
            key,
            {
                "id": key,
                "label": app.name,
                "type": "application",
                "focus": focus,
                "url": app.get_absolute_url(),
                "deleted": app.deleted_at is not None,
            },
        )
        return key

    focus = app_node(application, focus=True)
    for dependency in application_dependencies(application=application):
        source, target = app_node(dependency.source), app_node(dependency.target)
        edges[f"dep-{dependency.pk}"] = {
            "id": f"dep-{dependency.pk}",
            "source": source,
            "target": target,
            "type": "dependency",
            "label": dependency.kind or dependency.get_direction_display(),
            "bidirectional": dependency.direction == "bidirectional",
        }
    servers = application_server_rows(application=application, limit=200)
    server_ids = [server.id for server in servers]
    for server in servers:
        key = f"asset-{server.id}"
        nodes[key] = {"id": key, "label": server.name, "type": "asset", "focus": False, "url": server.url}
        edges[f"runs-{server.id}"] = {"id": f"runs-{server.id}", "source": focus, "target": key, "type": "runs_on"}
    # Applications whose servers talk to this application's servers, either way.
    links = (
        AssetConnection.objects.filter(Q(source_id__in=server_ids) | Q(target_id__in=server_ids))
        .values_list("source_id", "target_id", "port")
        .order_by()[:2000]
    )
    other_assets = {s for s, t, _ in links} | {t for s, t, _ in links}
    owners: dict[int, list[Application]] = {}
    for link in ApplicationAsset.objects.filter(asset_id__in=other_assets - set(server_ids)).select_related(
        "application"
    ):
        if link.application_id != application.pk:
            owners.setdefault(link.asset_id, []).append(link.application)
    for source_id, target_id, port in links:
        outward = source_id in server_ids
        other = target_id if outward else source_id
        for app in owners.get(other, []):
            key = app_node(app)
            source, target = (focus, key) if outward else (key, focus)
            edge_id = f"net-{source}-{target}"
            edge = edges.setdefault(
                edge_id, {"id": edge_id, "source": source, "target": target, "type": "network", "ports": []}
            )
            if port is not None and port not in edge["ports"] and len(edge["ports"]) < 10:
                edge["ports"].append(port)
    for edge in edges.values():
        if edge["type"] == "network":
            edge["label"] = ", ".join(str(p) for p in sorted(edge["ports"])) or "network"
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


# From this row on, a page's rows are found by their ids first (see `page_rows`); the first pages, which people
# read most, keep one query.
DEEP_PAGE_FROM = 500


def page_rows(queryset: QuerySet[Any], bottom: int, top: int) -> QuerySet[Any]:
    """Rows bottom..top of a sorted queryset. Deep in a long list, OFFSET reads every row it skips: the page's ids
    come first from the sort's index alone (an index-only scan of `asset_list_name` skips 90,000 assets in about
    20 ms where reading their rows took 85), then the page's rows by id in the same order."""
    if bottom < DEEP_PAGE_FROM:
        return queryset[bottom:top]
    ids = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
    return queryset.filter(pk__in=ids)


@dataclass(frozen=True)
class Counted:
    count: int
    estimated: bool


def count_at_most(queryset: QuerySet[Any], cap: int) -> Counted:
    """The exact count up to `cap` rows; above it, the planner's estimate, unless the planner expects fewer rows than
    were counted (correlated conditions, such as a search's index words and its exact term, multiply into too low an
    estimate): then the exact count up to ten times the cap, and above that the larger of the two."""
    exact = queryset.order_by()[: cap + 1].count()
    if exact <= cap:
        return Counted(exact, False)
    planned = planned_rows(queryset)
    if planned > exact:
        return Counted(planned, True)
    exact = queryset.order_by()[: cap * 10 + 1].count()
    if exact <= cap * 10:
        return Counted(exact, False)
    return Counted(max(planned, exact), True)


def import_quality(*, source_import_id: int) -> float | None:
    """The mean quality score of the assets an import wrote (issue 4: a quality score per import)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(quality_score) FROM inventory_asset WHERE source_import_id = %s AND deleted_at IS NULL",
            [source_import_id],
        )
        value = cursor.fetchone()[0]
    return None if value is None else round(float(value), 1)

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Engagement

SORTS = {
    "name",
    "-name",
    "target_cloud",
    "-target_cloud",
    "status",
    "-status",
    "target_date",
    "-target_date",
    "created_at",
    "-created_at",
}


def engagement_list(
    *, archived: bool = False, search: str = "", status: str = "", sort: str = "name"
) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(archived_at__isnull=not archived)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(sort if sort in SORTS else "name", "pk")


def engagement_get_by_name(*, name: str) -> Engagement | None:
    return Engagement.objects.filter(name__iexact=name.strip()).first()


def engagement_name_taken(*, name: str, exclude_pk: int | None = None) -> bool:
    clashes = Engagement.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.exists()


def name_taken_message(name: str) -> str:
    return f"An engagement named '{name.strip()}' already exists in this client."

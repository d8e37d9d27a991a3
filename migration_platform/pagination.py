from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZES = (25, 50, 100)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,  # type: ignore[type-arg]
    default_size: int = 25,
    *,
    paginator: type[Paginator] = Paginator,
) -> Page:  # type: ignore[type-arg]
    """The page that `?page=` asks for, of `?per_page=` rows when that is one of PAGE_SIZES."""
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    return paginator(queryset, size).get_page(request.GET.get("page"))

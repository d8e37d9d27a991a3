"""The asset API's pages: the same capped count as the asset table (COUNT(*) over 100,000 rows on every
request cost about 90 ms); `count_estimated` says when `count` is the planner's estimate."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from inventory.pagination import CappedCountPaginator


class CappedPageNumberPagination(PageNumberPagination):
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator = self.page.paginator if self.page is not None else None
        response.data["count_estimated"] = bool(getattr(paginator, "estimated", False))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "true when count is the database's estimate (above the counting cap)",
        }
        return response_schema

"""Reads of the base that every app's selectors use."""

from django.db.models import Count, QuerySet


def count_per(queryset: QuerySet, path: str, ids: list[int]) -> dict[int, int]:
    """How many rows of `queryset` fall under each of `ids` along `path` (e.g.
    "meeting__committee__province_id"), in one GROUP BY query."""
    rows = (
        queryset.filter(**{f"{path}__in": ids})
        .order_by()
        .values(path)
        .annotate(n=Count("id"))
        .values_list(path, "n")
    )
    return dict(rows)

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


def whole_percentages(counts: list[int], total: int) -> list[int]:
    """`counts` as whole percents of `total` that add up to what they should: 100 when the
    counts cover the total (each person counted once), never 99 or 101.

    The largest remainder method (Hamilton's): every share is rounded down, then the points
    still missing go, one each, to the shares that lost the most in rounding (the first
    of equal ones). The target is the rounded percent of all the counts together, so
    counts that cover only part of the total keep their honest sum.
    """
    if total <= 0:
        return [0] * len(counts)
    exact = [100 * c / total for c in counts]
    floors = [int(x) for x in exact]
    target = int(100 * sum(counts) / total + 0.5)
    missing = max(target - sum(floors), 0)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


def rounded_percent(count: int, total: int) -> int:
    """One share as a whole percent, half up (for shares that need not add up to 100)."""
    return int(100 * count / total + 0.5) if total > 0 else 0

"""Reads that gather figures from several apps, for the pages of the shell (home)."""

from dataclasses import dataclass

from django.db.models import Count

from cpde.models import Recommendation
from provinces.models import Activity, FollowUpAction


@dataclass
class ProvinceAlerts:
    late_activities: int = 0
    overdue_actions: int = 0
    late_recommendations: int = 0

    @property
    def any(self) -> bool:
        return bool(self.late_activities or self.overdue_actions or self.late_recommendations)


def province_alerts(province_ids: list[int]) -> dict[int, ProvinceAlerts]:
    """What is late in each province, three GROUP BY queries whatever the number of provinces.

    The rules are the apps' own: `Activity.objects.late()`, `FollowUpAction.objects.overdue()`,
    `Recommendation.objects.overdue()`.
    """
    alerts = {pk: ProvinceAlerts() for pk in province_ids}
    counts = [
        (Activity.objects.late(), "province_id", "late_activities"),
        (FollowUpAction.objects.overdue(), "visit__province_id", "overdue_actions"),
        (
            Recommendation.objects.overdue(),
            "meeting__committee__province_id",
            "late_recommendations",
        ),
    ]
    for queryset, path, attr in counts:
        rows = (
            queryset.filter(**{f"{path}__in": province_ids})
            .values(path)
            .annotate(n=Count("id"))
            .values_list(path, "n")
        )
        for province_id, n in rows:
            setattr(alerts[province_id], attr, n)
    return alerts

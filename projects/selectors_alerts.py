"""What the home page flags for the project holders: the created projects whose post-creation
follow-up is overdue, counted per province in one query (the registry's HomeAlert)."""

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from projects.models import Project, ProjectStep, Stage, Visit
from targa.core.selectors import count_per

FOLLOWED_STAGES = (Stage.CREATED, Stage.FOLLOW_UP)  # graduated projects are no longer visited
VISIT_EVERY_DAYS = 90  # when no next visit was planned: at least once a quarter


def overdue_follow_ups(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects of `projects` at the stage created or post-creation follow-up whose next
    visit is overdue, that is, before today:

    - the next visit that their latest visit planned (`next_visit_on`);
    - if that visit planned none, 90 days after it;
    - if they have had no visit yet, 90 days after they were created (their first step to
      "created", the date visits are checked against).

    The latest visit is the last by date (then by record), so a later visit clears the
    alert even if it planned nothing yet. One query: the dates are subqueries on the rows.
    """
    today = timezone.localdate()
    cutoff = today - datetime.timedelta(days=VISIT_EVERY_DAYS)
    latest = Visit.objects.filter(project=OuterRef("pk")).order_by("-on", "-id")
    created = ProjectStep.objects.filter(project=OuterRef("pk"), to_stage=Stage.CREATED)
    return (
        projects.filter(stage__in=FOLLOWED_STAGES)
        .alias(
            last_visit_on=Subquery(latest.values("on")[:1]),
            last_next_visit_on=Subquery(latest.values("next_visit_on")[:1]),
            created_on=Subquery(created.order_by("on", "id").values("on")[:1]),
        )
        .filter(
            Q(last_next_visit_on__lt=today)
            | Q(last_visit_on__lt=cutoff, last_next_visit_on__isnull=True)
            | Q(last_visit_on__isnull=True, created_on__lt=cutoff)
        )
    )


def overdue_follow_ups_per_province(province_ids: list[int]) -> dict[int, int]:
    """Projects whose post-creation follow-up is overdue (`overdue_follow_ups`), per
    province, in one aggregate query."""
    return count_per(overdue_follow_ups(Project.objects.all()), "province_id", province_ids)

"""What is late comes first: the chronogram (list and Gantt), recommendations and the roadmap
open on what is overdue, then what is open by due date, then what is done, the latest first;
the home page's late counts are badges a person sees and reaches the late list from."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cpde.models import Recommendation, RoadmapItem
from provinces.models import Activity, Objective
from tests.conftest import client_for
from tests.factories import (
    ActivityFactory,
    MeetingFactory,
    RecommendationFactory,
    RoadmapItemFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def chronogram(province, objective=Objective.SYNERGY, prefix=""):
    """A mix of late, open, done and cancelled activities, made in a shuffled order:
    (title, planned start, planned end, actual start, actual end, status)."""
    y2021 = datetime.date(2021, 3, 1)
    made = [
        ("done 2021", y2021, y2021, y2021, datetime.date(2021, 3, 9), "done"),
        ("open, ends in 40 days", days(10), days(40), None, None, "planned"),
        ("late by 30 days", days(-60), days(-30), days(-60), None, "in_progress"),
        ("cancelled", days(-90), days(-80), None, None, "cancelled"),
        ("not started, due to start 5 days ago", days(-5), days(20), None, None, "planned"),
        ("done last month", days(-50), days(-40), days(-50), days(-35), "done"),
        ("late by 400 days", days(-420), days(-400), None, None, "planned"),
        ("open, ends in 5 days", days(-3), days(5), days(-3), None, "in_progress"),
    ]
    for title, start, end, actual_start, actual_end, status in made:
        ActivityFactory(
            province=province,
            objective=objective,
            title=prefix + title,
            planned_start=start,
            planned_end=end,
            actual_start=actual_start,
            actual_end=actual_end,
            status=status,
        )


URGENT_FIRST = [
    "late by 400 days",
    "late by 30 days",
    "not started, due to start 5 days ago",
    "open, ends in 5 days",
    "open, ends in 40 days",
    "done last month",
    "done 2021",
    "cancelled",
]


def test_activities_by_urgency_put_the_most_overdue_first_and_done_ones_after(province_a):
    chronogram(province_a)
    ordered = Activity.objects.filter(province=province_a).with_lateness().by_urgency(TODAY)
    assert [a.title for a in ordered] == URGENT_FIRST
    late = [a.is_late for a in ordered]
    assert late == [True, True, True, False, False, False, False, False]


def test_activity_list_opens_on_the_late_ones_and_keeps_its_filters(users, province_a):
    chronogram(province_a)
    client = client_for(users["agent_a"])
    url = reverse("provinces:activity_list", args=[province_a.code])
    rows = list(client.get(url).context["page_obj"])
    assert [a.title for a in rows] == URGENT_FIRST
    rows = client.get(url, {"status": "done"}).context["page_obj"]
    assert [a.title for a in rows] == ["done last month", "done 2021"]


def test_gantt_rows_are_late_first_within_each_objective(users, province_a):
    chronogram(province_a, Objective.VALUE_CHAINS, prefix="SO2 ")
    chronogram(province_a, Objective.SYNERGY, prefix="SO1 ")
    client = client_for(users["agent_a"])
    chart = client.get(reverse("provinces:activity_gantt", args=[province_a.code])).context["chart"]
    assert [g.objective for g in chart.groups] == [Objective.SYNERGY, Objective.VALUE_CHAINS]
    assert [r.activity.title for r in chart.groups[0].rows] == [f"SO1 {t}" for t in URGENT_FIRST]
    assert [r.activity.title for r in chart.groups[1].rows] == [f"SO2 {t}" for t in URGENT_FIRST]
    assert [r.late for r in chart.groups[0].rows][:4] == [True, True, True, False]


def test_recommendations_list_late_first_then_open_then_done(users, province_a):
    old = MeetingFactory(province=province_a, by=users["coord_a"], date=days(-400))
    made = [
        ("done long ago", dict(status="done", done_on=days(-300), due_date=days(-350))),
        ("open, due in 10 days", dict(due_date=days(10))),
        ("late by 3 days", dict(due_date=days(-3), status="in_progress")),
        ("dropped", dict(status="dropped", dropped_reason="Hors mandat")),
        ("open, no due date", dict()),
        ("late by 200 days", dict(due_date=days(-200))),
        ("done yesterday", dict(status="done", done_on=days(-1), due_date=days(-20))),
    ]
    for text, fields in made:
        RecommendationFactory(meeting=old, by=users["coord_a"], text=text, **fields)
    expected = [
        "late by 200 days",
        "late by 3 days",
        "open, due in 10 days",
        "open, no due date",
        "done yesterday",
        "done long ago",
        "dropped",
    ]
    assert [r.text for r in Recommendation.objects.by_urgency()] == expected
    client = client_for(users["agent_a"])
    url = reverse("cpde:recommendation_list", args=[province_a.code])
    assert [r.text for r in client.get(url).context["page_obj"]] == expected
    late_url = reverse("cpde:recommendation_overdue", args=[province_a.code])
    assert [r.text for r in client.get(late_url).context["page_obj"]] == expected[:2]


def test_roadmap_lists_open_items_by_target_date_before_closed_ones(users, province_a):
    for need, fields in [
        ("done", dict(status="done")),
        ("due later", dict(target_date=days(60))),
        ("dropped", dict(status="dropped")),
        ("due last month", dict(target_date=days(-30), status="in_progress")),
        ("no target date", dict()),
    ]:
        RoadmapItemFactory(province=province_a, by=users["coord_a"], need=need, **fields)
    expected = ["due last month", "due later", "no target date", "done", "dropped"]
    assert [i.need for i in RoadmapItem.objects.by_urgency()] == expected
    client = client_for(users["agent_a"])
    url = reverse("cpde:roadmap_item_list", args=[province_a.code])
    assert [i.need for i in client.get(url).context["page_obj"]] == expected


def test_home_late_counts_are_labelled_badges_with_an_icon_linking_to_the_late_list(
    users, province_a
):
    ActivityFactory(province=province_a, planned_start=days(-20), planned_end=days(-10))
    old = MeetingFactory(province=province_a, by=users["coord_a"], date=days(-40))
    RecommendationFactory(meeting=old, by=users["coord_a"], due_date=days(-2))
    page = client_for(users["agent_a"]).get(reverse("home")).content.decode()
    alerts = page[page.index('data-testid="province-alerts"') :]
    activity_url = reverse("provinces:activity_list", args=[province_a.code]) + "?late=yes"
    late_url = reverse("cpde:recommendation_overdue", args=[province_a.code])
    for url, words in [(activity_url, "1 activité en retard"), (late_url, "1 recommandation")]:
        pattern = rf'<a class="([^"]*)" href="{re.escape(url)}"[^>]*>(.*?)</a>'
        link = re.search(pattern, alerts, re.S)
        assert link, url
        assert "late-badge" in link.group(1).split()
        assert 'class="bi bi-exclamation-triangle-fill"' in link.group(2)
        assert words in re.sub(r"<[^>]+>|\s+", " ", link.group(2)).replace("  ", " ")

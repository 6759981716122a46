"""The home page's alert on post-creation follow-ups: a created project whose next visit has
passed (the one its latest visit planned, or 90 days after that visit or after its creation
when none was planned) is counted for its province, in one query, and the alert leads to the
project list filtered on exactly those projects."""

import pytest
from django.urls import reverse

from projects.models import Stage
from projects.selectors_alerts import overdue_follow_ups_per_province
from tests.conftest import client_for
from tests.factories import CreatedProjectFactory, VisitFactory, days

pytestmark = pytest.mark.django_db


def followed_up(province, title, *, since=-200, reached=Stage.FOLLOW_UP):
    return CreatedProjectFactory(province=province, title=title, since=days(since), reached=reached)


def visit(project, by, on, next_on=None):
    return VisitFactory(
        project=project, on=days(on), next_visit_on=next_on and days(next_on), by=by
    )


@pytest.fixture
def projects(province_a, province_b, users):
    """In A: one project overdue (its last visit planned the next one ten days ago), one
    visited ten days ago (after a visit that, alone, would be overdue), one created a month
    ago and not visited yet; in B, one overdue."""
    agent_a, agent_b = users["agent_a"], users["agent_b"]
    overdue = followed_up(province_a, "Miel de thym en pots")
    visit(overdue, agent_a, -100, -10)
    recent = followed_up(province_a, "Tissage de tapis zayanes")
    visit(recent, agent_a, -150, -100)
    visit(recent, agent_a, -10, 30)
    fresh = followed_up(province_a, "Gîte d'étape", since=-30, reached=Stage.CREATED)
    elsewhere = followed_up(province_b, "Dattes Aziza conditionnées")
    visit(elsewhere, agent_b, -100, -1)
    return {"overdue": overdue, "recent": recent, "fresh": fresh, "elsewhere": elsewhere}


def test_a_project_whose_planned_visit_has_passed_is_overdue_and_the_others_are_not(
    projects, province_a, province_b
):
    assert overdue_follow_ups_per_province([province_a.pk]) == {province_a.pk: 1}
    assert overdue_follow_ups_per_province([province_a.pk, province_b.pk]) == {
        province_a.pk: 1,
        province_b.pk: 1,
    }


def test_without_a_planned_date_a_project_is_overdue_90_days_after_its_last_contact(
    province_a, users
):
    agent = users["agent_a"]
    followed_up(province_a, "Jamais visité", since=-120, reached=Stage.CREATED)
    visit(followed_up(province_a, "Visité sans date"), agent, -91)
    visit(followed_up(province_a, "Visité récemment sans date"), agent, -60)
    followed_up(province_a, "Créé il y a 80 jours", since=-80, reached=Stage.CREATED)
    assert overdue_follow_ups_per_province([province_a.pk]) == {province_a.pk: 2}


def test_a_graduated_project_is_no_longer_followed_up(province_a, users):
    graduated = followed_up(province_a, "Sorti du dispositif", reached=Stage.GRADUATED)
    visit(graduated, users["agent_a"], -100, -10)
    assert overdue_follow_ups_per_province([province_a.pk]) == {}


def test_the_overdue_follow_ups_of_every_province_take_one_query(
    projects, province_a, province_b, django_assert_num_queries
):
    with django_assert_num_queries(1):
        overdue_follow_ups_per_province([province_a.pk, province_b.pk])


def test_the_home_page_alerts_the_coordinator_and_leads_to_the_overdue_projects(
    projects, province_a, province_b, users
):
    client = client_for(users["coord_a"], "en")
    html = client.get(reverse("home")).content.decode()
    url = reverse("projects:project_list", args=[province_a.code]) + "?follow_up=overdue"
    assert f'href="{url}"' in html
    assert "1 overdue post-creation visit" in html
    assert reverse("projects:project_list", args=[province_b.code]) not in html
    listed = client.get(url).context["page_obj"].object_list
    assert [p.pk for p in listed] == [projects["overdue"].pk]


def test_the_project_list_without_the_filter_lists_them_all(projects, province_a, users):
    client = client_for(users["coord_a"])
    url = reverse("projects:project_list", args=[province_a.code])
    listed = client.get(url).context["page_obj"].object_list
    assert {p.pk for p in listed} == {projects[k].pk for k in ("overdue", "recent", "fresh")}

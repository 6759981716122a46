"""Bounded input: a date outside the programme's plausible span is refused by the model (so
by every caller), charts stay small whatever the stored dates, and query parameters that
cannot be read fall back with a message instead of a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpde.models import Meeting
from provinces.gantt import build_gantt
from provinces.models import Activity
from targa.core.records import record_update
from tests.conftest import client_for
from tests.factories import ActivityFactory, CommitteeFactory
from tests.test_programme import activity_create_url, activity_data, text

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("typed", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_the_programme_span_is_refused_with_a_message(users, province_a, typed):
    response = client_for(users["agent_a"]).post(
        activity_create_url(province_a), activity_data(planned_start=typed)
    )
    assert response.status_code == 200
    assert "Saisissez une date entre le 01/01/2000 et le 31/12/2100." in text(response)
    assert not Activity.objects.exists()


def test_every_caller_meets_the_bound_the_service_included(users, province_a):
    activity = ActivityFactory(province=province_a, by=users["agent_a"])
    activity.actual_start, activity.actual_end = D(2022, 1, 10), D(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        record_update(instance=activity, expected_version=activity.version, by=users["agent_a"])
    assert set(refused.value.error_dict) == {"actual_end"}
    meeting = Meeting(committee=CommitteeFactory(province=province_a), date=D(1, 1, 1))
    with pytest.raises(ValidationError):
        meeting.full_clean()


def test_the_date_pickers_say_the_span(users, province_a):
    page = client_for(users["agent_a"]).get(activity_create_url(province_a)).content.decode()
    assert 'type="date"' in page and 'min="2000-01-01"' in page and 'max="2100-12-31"' in page


def test_the_gantt_stays_small_whatever_dates_were_stored_before_the_bound(users, province_a):
    # Rows saved before the bound existed (written here past the services on purpose).
    ActivityFactory(province=province_a, title="Ancienne saisie")
    Activity.objects.update(
        planned_start=D(1, 1, 1), planned_end=D(9999, 12, 31), actual_start=D(1, 1, 1)
    )
    ActivityFactory(province=province_a, title="Finie", status=Activity.Status.PLANNED)
    Activity.objects.filter(title="Finie").update(
        actual_start=D(2022, 1, 1), actual_end=D(9999, 12, 31)
    )
    today = D(2026, 12, 2)
    chart = build_gantt(Activity.objects.with_lateness(today), today=today)
    assert len(chart.months) <= 21 * 12
    assert chart.months[0].first_day == D(2016, 1, 1)
    assert chart.months[-1].first_day == D(2036, 12, 1)
    response = client_for(users["viewer"]).get(
        reverse("provinces:activity_gantt", args=[province_a.code])
    )
    assert response.status_code == 200
    assert len(response.context["chart"].months) <= 21 * 12


@pytest.mark.parametrize("year", ["0", "-5", "10000", "1026", "abc", "2022x", "1e9"])
def test_a_year_the_filter_does_not_offer_falls_back_with_a_message(users, province_a, year):
    ActivityFactory(province=province_a)
    url = reverse("provinces:activity_gantt", args=[province_a.code])
    unfiltered = client_for(users["viewer"]).get(url).context["chart"]
    response = client_for(users["viewer"]).get(url, {"year": year})
    assert response.status_code == 200
    chart = response.context["chart"]
    assert [row.activity.title for row in chart.rows] == ["Formation des membres du CPDE"]
    assert chart.months == unfiltered.months  # the activities' own span, not year 10000's
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Ces filtres n'ont pas été compris et ne sont pas appliqués : Année."]


def test_a_year_it_offers_draws_that_year(users, province_a):
    ActivityFactory(province=province_a)
    response = client_for(users["viewer"]).get(
        reverse("provinces:activity_gantt", args=[province_a.code]), {"year": "2022"}
    )
    chart = response.context["chart"]
    assert len(chart.months) == 12 and chart.months[0].first_day == D(2022, 1, 1)
    assert not list(response.context["messages"])

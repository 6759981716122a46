"""The record kit nests records more than one level deep: each record of the URL is loaded
through the access layer inside the one above it."""

import pytest
from django.urls import reverse

from cpde.services import recommendation_add_follow_up
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import MeetingFactory, RecommendationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.nested_urls")]


def url(name, province, meeting, rec, follow_up):
    return reverse(
        f"nested:followup_{name}",
        kwargs={
            "code": province.code,
            "meeting_pk": meeting.pk,
            "parent_pk": rec.pk,
            "pk": follow_up.pk,
        },
    )


@pytest.fixture
def chain(users, province_a):
    by = users["coord_a"]
    meeting = MeetingFactory(province=province_a, by=by, date=cs.days(-20))
    other_meeting = MeetingFactory(province=province_a, by=by, date=cs.days(-10))
    rec = RecommendationFactory(meeting=meeting, by=by)
    follow_up = recommendation_add_follow_up(
        recommendation=rec, by=by, date=cs.days(-5), note="Courrier envoyé à la DPA"
    )
    return meeting, other_meeting, rec, follow_up


def test_a_record_three_levels_down_opens_with_its_whole_chain(users, province_a, chain):
    meeting, _other, rec, follow_up = chain
    page = client_for(users["viewer"]).get(url("detail", province_a, meeting, rec, follow_up))
    assert page.status_code == 200
    assert "Courrier envoyé à la DPA" in page.content.decode()
    # The page's own links carry the whole chain.
    assert page.context["edit_url"] == url("edit", province_a, meeting, rec, follow_up)
    assert page.context["history_url"] == url("history", province_a, meeting, rec, follow_up)


def test_a_chain_that_mixes_two_branches_is_not_found(users, province_a, chain):
    _meeting, other_meeting, rec, follow_up = chain
    wrong = url("detail", province_a, other_meeting, rec, follow_up)
    assert client_for(users["coord_a"]).get(wrong).status_code == 404


def test_another_provinces_agent_gets_404_at_every_level(users, province_a, chain):
    meeting, _other, rec, follow_up = chain
    for name in ("detail", "edit", "history"):
        response = client_for(users["agent_b"]).get(url(name, province_a, meeting, rec, follow_up))
        assert response.status_code == 404


def test_an_edit_three_levels_down_saves_through_the_services(users, province_a, chain):
    meeting, _other, rec, follow_up = chain
    edit = url("edit", province_a, meeting, rec, follow_up)
    response = client_for(users["agent_a"]).post(edit, {"note": "Relance faite", "version": 1})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.note, follow_up.version) == ("Relance faite", 2)
    assert follow_up.history.first().history_user == users["agent_a"]

"""The factories set up data the way the app writes it: through the services, validated, with
history naming who wrote it."""

import pytest
from django.core.exceptions import ValidationError

from cpde.models import Committee, Question
from provinces.access import Perm, has_perm
from provinces.models import ExecutionContract, Role
from tests.factories import (
    PASSWORD,
    ExecutionContractFactory,
    FrameworkConventionFactory,
    MeetingFactory,
    QuestionFactory,
    RecommendationFactory,
    StakeholderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_record_and_its_parents_are_written_by_the_same_person(users, province_a):
    agent = users["agent_a"]
    recommendation = RecommendationFactory(province=province_a, by=agent)
    meeting = recommendation.meeting
    assert meeting.committee == Committee.objects.get(province=province_a)
    for record in (recommendation, meeting, meeting.committee):
        last = record.history.first()
        assert (last.history_type, last.history_user) == ("+", agent)


def test_by_defaults_to_a_national_administrator(users, province_a):
    stakeholder = StakeholderFactory(province=province_a)
    assert stakeholder.history.first().history_user == users["admin"]


def test_the_models_rules_hold_for_factories_too(users, province_a, province_b):
    elsewhere = FrameworkConventionFactory(provinces=[province_b])
    with pytest.raises(ValidationError) as refused:
        ExecutionContractFactory(province=province_a, convention=elsewhere)
    assert "convention" in refused.value.message_dict
    assert not ExecutionContract.objects.exists()
    with pytest.raises(ValidationError) as refused:  # question_create: two choices at least
        QuestionFactory(kind=Question.Kind.SINGLE, choices=["Atelier"])
    assert "choices" in refused.value.message_dict


def test_a_user_gets_a_role_in_each_province_given(province_a, province_b):
    coordinator = UserFactory(role=Role.COORDINATOR, provinces=[province_a, province_b])
    assert coordinator.check_password(PASSWORD)
    assert has_perm(coordinator, Perm.VALIDATE, province_a)
    assert has_perm(coordinator, Perm.VALIDATE, province_b)
    assert coordinator.memberships.count() == 2


def test_a_meeting_gets_its_agenda_through_the_service(province_a):
    meeting = MeetingFactory(province=province_a, agenda=["Ouverture", "Recommandations"])
    assert list(meeting.agenda_items.values_list("order", "title")) == [
        (1, "Ouverture"),
        (2, "Recommandations"),
    ]


def test_build_saves_nothing(province_a):
    stakeholder = StakeholderFactory.build(province=province_a, communes=[])
    assert stakeholder.pk is None and not type(stakeholder).objects.exists()

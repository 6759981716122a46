"""Trainings of the committee's members, their participants and scores, and the roadmap."""

import uuid

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from cpde import models as cpde
from cpde.models import RoadmapItem, Training, TrainingParticipant
from cpde.selectors import training_average_score, with_training_stats
from cpde.services import Participation, training_record_participants
from provinces.demo import PROGRAMME_PROVINCES
from provinces.models import Province
from targa.core.records import LineErrors
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import CommitteeMemberFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(users, province_a):
    by = users["coord_a"]
    return [
        CommitteeMemberFactory(province=province_a, by=by, name=name)
        for name in ("Amina", "Brahim", "Chaima", "Driss", "Ezzahra")
    ]


def participants_url(training):
    return reverse(
        "cpde:training_participants", args=[training.committee.province.code, training.pk]
    )


def test_training_average_score(users, province_a, members):
    training = TrainingFactory(province=province_a, by=users["agent_a"])
    amina, brahim, chaima, driss, ezzahra = members
    training_record_participants(
        training=training,
        rows={
            amina.pk: Participation(attended=True, score=3),
            brahim.pk: Participation(attended=True, score=4),
            chaima.pk: Participation(attended=True, score=5),
            driss.pk: Participation(attended=True),  # attended, gave no score
            ezzahra.pk: Participation(attended=False),  # absent: no score
        },
        by=users["agent_a"],
    )
    assert training_average_score(training) == 4.0
    stats = with_training_stats(Training.objects.filter(pk=training.pk)).get()
    assert (stats.n_participants, stats.n_attended, stats.avg_score) == (5, 4, 4.0)
    page = client_for(users["viewer"]).get(training.get_absolute_url())
    assert page.context["object"].avg_score == 4.0
    assert "4,0" in page.content.decode()  # French decimal comma


def test_the_service_refuses_a_score_from_someone_absent_and_writes_no_line(
    users, province_a, members
):
    # The rule is the model's constraint, written once: the service, the sheet and the admin
    # all meet it there.
    training = TrainingFactory(province=province_a, by=users["agent_a"])
    amina, brahim = members[:2]
    with pytest.raises(LineErrors) as refused:
        training_record_participants(
            training=training,
            rows={
                amina.pk: Participation(attended=True, score=5),
                brahim.pk: Participation(attended=False, score=2),
            },
            by=users["agent_a"],
        )
    assert list(refused.value.lines) == [brahim.pk]
    assert refused.value.messages == ["Seul un participant présent peut donner une note."]
    assert not TrainingParticipant.objects.exists()


def test_participants_are_saved_in_one_go_and_scores_only_for_attendees(users, province_a, members):
    training = TrainingFactory(province=province_a, by=users["agent_a"])
    amina, brahim, chaima, driss, ezzahra = members
    client = client_for(users["agent_a"])
    data = {f"p{amina.pk}": "yes", f"s{amina.pk}": "5", f"p{brahim.pk}": "no", f"s{brahim.pk}": "4"}

    refused = client.post(participants_url(training), data)
    assert refused.status_code == 200
    assert refused.context["form"].errors[f"s{brahim.pk}"] == [
        "Seul un participant présent peut donner une note."
    ]
    assert not TrainingParticipant.objects.exists()

    data[f"s{brahim.pk}"] = ""
    assert client.post(participants_url(training), data).status_code == 302
    lines = dict(training.participants.values_list("member__name", "attended"))
    assert lines == {"Amina": True, "Brahim": False}

    # Unticking someone (on the sheet as it is now) removes their line; history keeps it.
    sheet = client.get(participants_url(training)).context["form"]
    data[f"p{brahim.pk}"] = ""
    data["opened_versions"] = sheet["opened_versions"].value()
    assert client.post(participants_url(training), data).status_code == 302
    assert list(training.participants.values_list("member__name", flat=True)) == ["Amina"]
    assert TrainingParticipant.history.filter(history_type="-").count() == 1


def test_stale_participants_sheet_is_refused(users, province_a, members):
    training = TrainingFactory(province=province_a, by=users["agent_a"])
    amina = members[0]
    agent, coord = client_for(users["agent_a"]), client_for(users["coord_a"])
    opened = agent.get(participants_url(training)).context["form"]["opened_versions"].value()
    assert coord.post(participants_url(training), {f"p{amina.pk}": "yes"}).status_code == 302

    stale = agent.post(
        participants_url(training), {f"p{amina.pk}": "no", "opened_versions": opened}
    )

    assert stale.status_code == 409
    assert f"modifié par {users['coord_a']}" in stale.content.decode()
    assert training.participants.get().attended is True


def test_a_stale_sheet_names_who_removed_a_line_and_when(users, province_a, members):
    training = TrainingFactory(province=province_a, by=users["agent_a"])
    amina = members[0]
    agent, coord = client_for(users["agent_a"]), client_for(users["coord_a"])
    assert agent.post(participants_url(training), {f"p{amina.pk}": "yes"}).status_code == 302
    opened = agent.get(participants_url(training)).context["form"]["opened_versions"].value()
    now = coord.get(participants_url(training)).context["form"]["opened_versions"].value()
    # The coordinator takes Amina off the list; the agent then saves the older sheet.
    coord.post(participants_url(training), {f"p{amina.pk}": "", "opened_versions": now})

    stale = agent.post(
        participants_url(training), {f"p{amina.pk}": "no", "opened_versions": opened}
    )

    assert stale.status_code == 409
    assert f"modifié par {users['coord_a']} le" in stale.content.decode()
    assert not training.participants.exists()


def test_roadmap_item_links_a_need_of_the_assessment_and_planned_trainings(users, province_a):
    national = cpde.Questionnaire.objects.get(
        province__isnull=True, title__startswith="Besoins en outils"
    )
    need = national.questions.get(text__icontains="ValueLinks")
    training = TrainingFactory(province=province_a, by=users["agent_a"], theme="ValueLinks")
    url = reverse("cpde:roadmap_item_create", args=[province_a.code])
    data = {
        "need": "Maîtriser l'approche chaînes de valeur",
        "question": need.pk,
        "priority": "high",
        "trainings": [training.pk],
        "target_date": cs.days(60).isoformat(),
        "status": "planned",
        "submission_id": str(uuid.uuid4()),
    }
    assert client_for(users["agent_a"]).post(url, data).status_code == 302
    item = RoadmapItem.objects.get()
    assert item.question == need and list(item.trainings.all()) == [training]
    assert item.history.first().history_user == users["agent_a"]
    page = client_for(users["viewer"]).get(
        reverse("cpde:roadmap_item_list", args=[province_a.code])
    )
    assert "ValueLinks" in page.content.decode()


def test_training_of_another_province_cannot_be_planned_in_the_roadmap(
    users, province_a, province_b
):
    elsewhere = TrainingFactory(province=province_b, by=users["agent_b"], theme="Figuig")
    response = client_for(users["agent_a"]).post(
        reverse("cpde:roadmap_item_create", args=[province_a.code]),
        {
            "need": "x",
            "priority": "low",
            "status": "planned",
            "trainings": [elsewhere.pk],
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["trainings"]


def test_demo_seed_is_realistic_and_idempotent(users):
    call_command("seed_demo")
    tracked = [
        cpde.Committee,
        cpde.CommitteeMember,
        cpde.Meeting,
        cpde.Attendance,
        cpde.Recommendation,
        cpde.RecommendationFollowUp,
        cpde.QuestionnaireResponse,
        cpde.Answer,
        cpde.Training,
        cpde.TrainingParticipant,
        cpde.RoadmapItem,
    ]
    counts = [m.objects.count() for m in tracked]
    call_command("seed_demo")
    assert [m.objects.count() for m in tracked] == counts

    for code in PROGRAMME_PROVINCES:
        province = Province.objects.get(code=code)
        committee = cpde.Committee.objects.get(province=province)
        members = committee.members.current()
        assert 14 <= members.count() <= 16
        assert set(members.values_list("sex", flat=True)) == {"F", "M"}
        recs = cpde.Recommendation.objects.filter(meeting__committee=committee)
        assert recs.overdue().exists()
        assert recs.filter(status="done").exists() and recs.filter(status="dropped").count() == 1
        assert committee.meetings.filter(date__gt=cs.TODAY).exists()  # the next meeting
        kinds = set(committee.meetings.values_list("kind", flat=True))
        assert {"launch", "ordinary", "follow_up", "workshop"} <= kinds
        assert committee.trainings.annotate(n=Count("participants")).filter(n__gt=0).count() == 2
        assert committee.questionnaire_responses.count() >= 10
        assert committee.roadmap_items.exists()

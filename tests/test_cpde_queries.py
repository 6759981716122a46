"""Query counts of the CPDE pages are pinned, at sizes that would expose N+1 queries:
25 members, 30 meetings, 40 recommendations with their follow-ups, 30 trainings…"""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cpde import models as cpde
from cpde.services import committee_ensure
from targa.core import registry
from targa.core.records import record_update
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(users, province_a):
    """A busy committee, built in bulk: bulk_create skips validation and history, which the
    other tests exercise through the factories; some 2,000 rows through the services would
    add seconds to each of the tests here."""
    committee = committee_ensure(province=province_a, by=users["coord_a"])
    stakeholders = [
        StakeholderFactory(
            province=province_a,
            name=f"Service {i}",
            acronym=f"S{i}",
            kind="agency",
            by=users["coord_a"],
        )
        for i in range(5)
    ]
    members = cpde.CommitteeMember.objects.bulk_create(
        cpde.CommitteeMember(
            committee=committee,
            name=f"Membre {i:02d}",
            sex="FM"[i % 2],
            institution=stakeholders[i % 5],
            role="member",
        )
        for i in range(25)
    )
    meetings = cpde.Meeting.objects.bulk_create(
        cpde.Meeting(committee=committee, kind="ordinary", date=cs.days(-300 + 10 * i), place="DAS")
        for i in range(30)
    )
    last = meetings[-1]  # ten days ago
    for i in range(25):
        last.decisions = f"Décision {i}"
        last = record_update(instance=last, expected_version=last.version, by=users["agent_a"])
    cpde.Attendance.objects.bulk_create(
        cpde.Attendance(meeting=m, member=member, status="present")
        for m in meetings
        for member in members
    )
    cpde.AgendaItem.objects.bulk_create(
        cpde.AgendaItem(meeting=last, order=i, title=f"Point {i}") for i in range(1, 6)
    )
    cpde.Guest.objects.bulk_create(
        cpde.Guest(meeting=last, name=f"Invité {i}", sex="F") for i in range(3)
    )
    # 20 issued at the last meeting, 20 at earlier ones; all with two follow-ups.
    recs = cpde.Recommendation.objects.bulk_create(
        cpde.Recommendation(
            meeting=last if i < 20 else meetings[i - 20],
            text=f"Recommandation {i}",
            owner=stakeholders[i % 5],
            due_date=cs.days(-5 if i % 2 else 30),
        )
        for i in range(40)
    )
    cpde.RecommendationFollowUp.objects.bulk_create(
        cpde.RecommendationFollowUp(
            recommendation=rec, date=cs.TODAY, note=f"Suivi {j}", meeting=meetings[-1 - j]
        )
        for rec in recs
        for j in range(2)
    )
    trainings = cpde.Training.objects.bulk_create(
        cpde.Training(committee=committee, theme=f"Formation {i}", start_date=cs.days(-i))
        for i in range(30)
    )
    cpde.TrainingParticipant.objects.bulk_create(
        cpde.TrainingParticipant(training=t, member=m, attended=True, score=4)
        for t in trainings
        for m in members
    )
    national = cpde.Questionnaire.objects.get(
        province__isnull=True, title__startswith="Besoins en outils"
    )
    questions = list(national.questions.all())
    responses = cpde.QuestionnaireResponse.objects.bulk_create(
        cpde.QuestionnaireResponse(
            questionnaire=national, committee=committee, member=m, responded_on=cs.TODAY
        )
        for m in members
    )
    answers = cpde.Answer.objects.bulk_create(
        cpde.Answer(
            response=r,
            question=q,
            value=3 if q.kind == "scale" else None,
            text="ok" if q.kind == "text" else "",
        )
        for r in responses
        for q in questions
    )
    first_choice = {q.pk: q.choices.first() for q in questions if q.has_choices}
    cpde.Answer.choices.through.objects.bulk_create(
        cpde.Answer.choices.through(
            answer_id=a.pk, questionchoice_id=first_choice[a.question_id].pk
        )
        for a in answers
        if a.question_id in first_choice
    )
    items = cpde.RoadmapItem.objects.bulk_create(
        cpde.RoadmapItem(
            committee=committee, need=f"Besoin {i}", question=questions[i % len(questions)]
        )
        for i in range(30)
    )
    for item in items:
        item.trainings.set(trainings[:2])
    return {
        "members": members,
        "meeting": last,
        "recommendation": recs[0],
        "training": trainings[0],
        "questionnaire": national,
        "response": responses[0],
        "roadmap_item": items[0],
    }


def page(name, code, *args):
    return reverse(f"cpde:{name}", args=[code, *args])


PAGES = [
    # (URL name, its arguments from the data, the number of queries it may make)
    ("committee", lambda d: [], 13),
    ("member_list", lambda d: [], 10),
    ("member_detail", lambda d: [d["members"][0].pk], 11),
    ("meeting_list", lambda d: [], 9),
    ("meeting_detail", lambda d: [d["meeting"].pk], 19),
    ("meeting_attendance", lambda d: [d["meeting"].pk], 9),
    ("meeting_history", lambda d: [d["meeting"].pk], 13),
    ("recommendation_list", lambda d: [], 11),
    ("recommendation_overdue", lambda d: [], 11),
    ("recommendation_detail", lambda d: [d["recommendation"].pk], 10),
    ("questionnaire_list", lambda d: [], 9),
    ("questionnaire_detail", lambda d: [d["questionnaire"].pk], 11),
    ("questionnaire_results", lambda d: [d["questionnaire"].pk], 15),
    ("response_list", lambda d: [d["questionnaire"].pk], 11),
    ("response_detail", lambda d: [d["questionnaire"].pk, d["response"].pk], 13),
    ("training_list", lambda d: [], 9),
    ("training_detail", lambda d: [d["training"].pk], 13),
    ("training_participants", lambda d: [d["training"].pk], 10),
    ("roadmap_item_list", lambda d: [], 10),
    ("roadmap_item_detail", lambda d: [d["roadmap_item"].pk], 9),
]


@pytest.mark.parametrize(("name", "args", "most"), PAGES, ids=[p[0] for p in PAGES])
def test_cpde_page_queries(name, args, most, users, province_a, big, django_assert_max_num_queries):
    client = client_for(users["coord_a"])
    url = page(name, province_a.code, *args(big))
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200
    if "page_obj" in response.context:
        assert len(response.context["page_obj"].object_list) > 0


def test_meeting_page_shows_everything_at_size(users, province_a, big):
    response = client_for(users["coord_a"]).get(big["meeting"].get_absolute_url())
    assert len(response.context["sheet"]) == 25
    assert len(response.context["issued"]) == 20
    assert len(response.context["to_review"]) == 20
    assert response.content.decode().count("Suivi 1") == 40


def test_pv_pdf_queries(users, province_a, big, django_assert_max_num_queries):
    client = client_for(users["coord_a"])
    with django_assert_max_num_queries(14):
        response = client.get(
            page("meeting_pv", province_a.code, big["meeting"].pk), {"lang": "fr"}
        )
    assert response["Content-Type"] == "application/pdf"


# Each includes the one COUNT that decides between answering the file now and a job.
EXPORTS = [
    ("member_list", lambda d: [], 8),
    ("meeting_list", lambda d: [], 8),
    ("recommendation_list", lambda d: [], 9),
    ("training_list", lambda d: [], 8),
    ("roadmap_item_list", lambda d: [], 9),
    ("response_list", lambda d: [d["questionnaire"].pk], 13),
]


@pytest.mark.parametrize(("name", "args", "most"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_export_queries(name, args, most, users, province_a, big, django_assert_max_num_queries):
    client = client_for(users["coord_a"])
    with django_assert_max_num_queries(most):
        response = client.get(page(name, province_a.code, *args(big)), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_cpde_card_of_the_province_page_is_one_query(
    users, province_a, big, django_assert_num_queries
):
    (card,) = [c for c in registry.province_cards() if c.template.startswith("cpde/")]
    with django_assert_num_queries(1):
        data = card.context(province_a, frozenset())
    html = render_to_string(card.template, data)
    assert 'data-testid="cpde-card"' in html
    assert "20" in html and "25" in html  # late recommendations, current members
    page = client_for(users["coord_a"]).get(reverse("provinces:detail", args=[province_a.code]))
    assert 'data-testid="cpde-card"' in page.content.decode()


def test_late_recommendations_at_size(users, province_a, big):
    response = client_for(users["coord_a"]).get(page("recommendation_overdue", province_a.code))
    # Half of the 40 were due five days ago: those are late.
    assert response.context["page_obj"].paginator.count == 20

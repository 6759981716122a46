"""Query counts of the CPDE pages are pinned, at sizes that would expose N+1 queries:
25 members, 30 meetings, 40 recommendations with their follow-ups, 30 trainings…"""

import re

import pytest
from django.db import connection
from django.db.models import F
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
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
    to_review = response.context["to_review"]
    assert (len(to_review), to_review.total) == (10, 20)
    # The latest follow-up of each recommendation shown (20 issued, 10 to review), no other.
    html = response.content.decode()
    assert html.count("Suivi 1") == 30
    assert "Suivi 0" not in html


def more_open_recommendations(big, n: int, follow_ups: int = 3) -> None:
    """`n` more open recommendations of earlier meetings, each with `follow_ups` notes."""
    earlier = cpde.Meeting.objects.filter(
        committee=big["meeting"].committee, date__lt=big["meeting"].date
    ).order_by("date")
    recs = cpde.Recommendation.objects.bulk_create(
        cpde.Recommendation(meeting=earlier[i % 10], text=f"Ajout {i}", due_date=cs.days(i))
        for i in range(n)
    )
    cpde.RecommendationFollowUp.objects.bulk_create(
        cpde.RecommendationFollowUp(recommendation=r, date=cs.days(-j), note=f"Note {j}")
        for r in recs
        for j in range(follow_ups)
    )


def test_meeting_page_queries_do_not_grow_with_recommendations_and_follow_ups(
    users, province_a, big, django_assert_num_queries
):
    client = client_for(users["coord_a"])
    url = big["meeting"].get_absolute_url()
    client.get(url)  # the first page of a session also reads what later ones have cached
    with CaptureQueriesContext(connection) as before:
        first = client.get(url)
    more_open_recommendations(big, 200)

    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)

    assert response.context["to_review"].total == 220
    assert len(response.context["to_review"]) == 10
    # Nor does the page: ten shown either way (the texts differ by a few characters).
    assert abs(len(response.content) - len(first.content)) < 1000


def test_meeting_page_never_loads_meeting_minutes_to_draw_follow_up_lines(users, province_a, big):
    big["meeting"].minutes = "Longue discussion. " * 500
    cpde.Meeting.objects.filter(pk=big["meeting"].pk).update(minutes=big["meeting"].minutes)
    with CaptureQueriesContext(connection) as page_queries:
        client_for(users["coord_a"]).get(big["meeting"].get_absolute_url())
    lines = [
        q["sql"]
        for q in page_queries.captured_queries
        if 'FROM "cpde_recommendationfollowup"' in q["sql"]
        or 'FROM "cpde_recommendation"' in q["sql"]
    ]
    assert len(lines) >= 4  # issued and to review: the rows and their follow-ups
    assert not [sql for sql in lines if '"cpde_meeting"."minutes"' in sql]


def test_meeting_page_lists_the_oldest_due_first_and_links_to_all_of_them(users, province_a, big):
    meeting = big["meeting"]
    # Three of the earlier ones without a due date: they come after the 16 dated ones.
    undated = cpde.Recommendation.objects.filter(meeting__date__lt=meeting.date).order_by("id")
    cpde.Recommendation.objects.filter(
        pk__in=list(undated.values_list("pk", flat=True)[:3])
    ).update(due_date=None)
    closed = cpde.Recommendation.objects.filter(meeting__date__lt=meeting.date).first()
    cpde.Recommendation.objects.filter(pk=closed.pk).update(status="done", done_on=cs.TODAY)
    client = client_for(users["coord_a"])

    page = client.get(meeting.get_absolute_url())

    to_review = page.context["to_review"]
    expected = list(
        cpde.Recommendation.objects.filter(
            meeting__committee=meeting.committee, meeting__date__lt=meeting.date
        )
        .exclude(status__in=["done", "dropped"])
        .order_by(F("due_date").asc(nulls_last=True), "meeting__date", "id")
        .values_list("pk", flat=True)
    )
    assert to_review.total == len(expected) == 19
    assert [r.pk for r in to_review] == expected[:10]
    assert to_review.rows[-1].due_date is not None  # the undated ones come last
    link = re.search(r'href="([^"]+)" data-testid="to-review-all"', page.content.decode())
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert listed.context["page_obj"].paginator.count == 19
    assert {r.pk for r in listed.context["page_obj"]} <= set(expected)


def test_recommendation_list_filters_open_ones_issued_before_a_date(users, province_a, big):
    meeting = big["meeting"]
    done = cpde.Recommendation.objects.filter(meeting__date__lt=meeting.date).first()
    cpde.Recommendation.objects.filter(pk=done.pk).update(status="done", done_on=cs.TODAY)
    client = client_for(users["coord_a"])
    url = page("recommendation_list", province_a.code)

    def listed(**params):
        return client.get(url, params).context["page_obj"].paginator.count

    assert listed() == 40
    assert listed(status="not_closed") == 39
    assert listed(issued_before=meeting.date.isoformat()) == 20
    assert listed(status="not_closed", issued_before=meeting.date.isoformat()) == 19
    assert listed(status="done") == 1


def test_meeting_page_bounds_the_recommendations_it_issued_with_a_link_to_all(
    users, province_a, big
):
    meeting = big["meeting"]
    cpde.Recommendation.objects.bulk_create(
        cpde.Recommendation(meeting=meeting, text=f"Encore {i}") for i in range(40)
    )
    page = client_for(users["coord_a"]).get(meeting.get_absolute_url())
    issued = page.context["issued"]
    assert (len(issued), issued.total) == (30, 60)
    assert f"?meeting={meeting.pk}" in page.content.decode()


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

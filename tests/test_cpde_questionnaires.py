"""Capacity-needs questionnaires: national and provincial, responses, results by the database."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpde.models import KIND_LOCKED, Answer, Question, Questionnaire, QuestionnaireResponse
from cpde.selectors import questionnaire_results
from cpde.services import ChoiceLine, committee_ensure, question_set_choices
from targa.core.records import record_update
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import (
    CommitteeMemberFactory,
    QuestionFactory,
    QuestionnaireFactory,
    QuestionnaireResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(users):
    """A national questionnaire with one question of each kind."""
    by = users["admin"]
    q = QuestionnaireFactory(by=by, title="Besoins (test)")
    scale = QuestionFactory(
        questionnaire=q,
        by=by,
        text="Maîtrise du suivi-évaluation",
        kind=Question.Kind.SCALE,
        order=1,
    )
    single = QuestionFactory(
        questionnaire=q,
        by=by,
        text="Format préféré",
        kind=Question.Kind.SINGLE,
        order=2,
        choices=["Atelier", "À distance"],
    )
    multiple = QuestionFactory(
        questionnaire=q,
        by=by,
        text="Thèmes",
        kind=Question.Kind.MULTIPLE,
        order=3,
        choices=["ESS", "Genre", "ValueLinks"],
    )
    text = QuestionFactory(
        questionnaire=q, by=by, text="Remarques", kind=Question.Kind.TEXT, order=4
    )
    return q, scale, single, multiple, text


def answer_all(form, province, by, n, *, offset=0):
    """n responses of n members; scores cycle 1..5, formats alternate, themes grow."""
    q, scale, single, multiple, text = form
    committee = committee_ensure(province=province, by=by)
    single_choices = list(single.choices.all())
    themes = list(multiple.choices.all())
    for i in range(n):
        QuestionnaireResponseFactory(
            questionnaire=q,
            committee=committee,
            member__name=f"Membre {offset + i:02d}",
            by=by,
            answers={
                scale.pk: i % 5 + 1,
                single.pk: single_choices[i % 2].pk,
                multiple.pk: [c.pk for c in themes[: i % 3 + 1]],
                text.pk: f"Remarque {i}" if i % 4 == 0 else "",
            },
        )


def test_questionnaire_results_are_aggregated_in_the_database(
    users, province_a, province_b, form, django_assert_max_num_queries
):
    answer_all(form, province_a, users["agent_a"], 30)
    answer_all(form, province_b, users["agent_b"], 7, offset=50)  # not counted in A
    q, scale, single, multiple, text = form
    url = reverse("cpde:questionnaire_results", args=[province_a.code, q.pk])
    client = client_for(users["viewer"])

    # Session, user, grants, province, questionnaire, 7 for the results, nav, savepoints.
    with django_assert_max_num_queries(15):
        page = client.get(url)

    assert page.context["n_responses"] == 30
    results = {r.question.pk: r for r in page.context["results"]}
    # Scores 1..5 six times each: average 3, six of each.
    assert results[scale.pk].answered == 30
    assert results[scale.pk].average == 3.0
    assert [(b.label, b.count, b.share) for b in results[scale.pk].bars] == [
        (str(s), 6, 20.0) for s in range(1, 6)
    ]
    assert [(b.label, b.count) for b in results[single.pk].bars] == [
        ("Atelier", 15),
        ("À distance", 15),
    ]
    # Themes: 1, 2 or 3 of them in turn: ESS 30 times, Genre 20, ValueLinks 10.
    assert [(b.label, b.count, b.share) for b in results[multiple.pk].bars] == [
        ("ESS", 30, 100.0),
        ("Genre", 20, 66.7),
        ("ValueLinks", 10, 33.3),
    ]
    assert results[text.pk].answered == 8 and len(results[text.pk].texts) == 8
    html = page.content.decode()
    assert "<svg" in html and 'width="20.0%"' in html


def test_results_queries_do_not_grow_with_responses(users, province_a, form):
    answer_all(form, province_a, users["agent_a"], 3)
    with CaptureQueriesContext(connection) as few:
        questionnaire_results(form[0], province_a)
    answer_all(form, province_a, users["agent_a"], 20, offset=10)
    with CaptureQueriesContext(connection) as many:
        n, _results = questionnaire_results(form[0], province_a)
    assert n == 23
    assert len(many) == len(few)
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 3  # per question, per score, per choice


def test_answers_are_numbers_stored_as_integers(users, province_a, form):
    answer_all(form, province_a, users["agent_a"], 2)
    field = Answer._meta.get_field("value")
    assert field.get_internal_type() == "PositiveSmallIntegerField"
    # What the database itself stores, not what Django converts on the way out.
    type_of, expected = {"sqlite": ("typeof", "integer"), "postgresql": ("pg_typeof", "smallint")}[
        connection.vendor
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {type_of}(value) FROM {Answer._meta.db_table} WHERE value IS NOT NULL"
        )
        types = {str(row[0]) for row in cursor.fetchall()}
    assert types == {expected}
    with pytest.raises(ValidationError):
        answer = Answer.objects.filter(value__isnull=False).first()
        answer.value = 6
        answer.full_clean()


def test_a_member_answers_on_the_phone_form(users, province_a, form):
    q, scale, single, multiple, text = form
    naima = CommitteeMemberFactory(province=province_a, by=users["agent_a"], name="Naima Ouchen")
    data = {
        "member": naima.pk,
        "responded_on": cs.TODAY.isoformat(),
        f"q{scale.pk}": "4",
        f"q{single.pk}": str(single.choices.get(label_fr="Atelier").pk),
        f"q{multiple.pk}": [
            str(c.pk) for c in multiple.choices.filter(label_fr__in=["ESS", "Genre"])
        ],
        f"q{text.pk}": "Former aussi les suppléants.",
        "submission_id": str(uuid.uuid4()),
    }
    url = reverse("cpde:response_create", args=[province_a.code, q.pk])
    client = client_for(users["agent_a"])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice, saved once
    response = QuestionnaireResponse.objects.get()
    assert response.member == naima and response.committee.province == province_a
    answers = {a.question_id: a for a in response.answers.all()}
    assert answers[scale.pk].value == 4
    assert {c.label_fr for c in answers[multiple.pk].choices.all()} == {"ESS", "Genre"}
    assert answers[text.pk].text == "Former aussi les suppléants."

    # The same member cannot answer the same questionnaire twice.
    again = client.post(url, {**data, "submission_id": str(uuid.uuid4())})
    assert again.status_code == 200
    assert QuestionnaireResponse.objects.count() == 1

    # Editing the response changes its answers.
    edit = reverse("cpde:response_edit", args=[province_a.code, q.pk, response.pk])
    changed = {**data, f"q{scale.pk}": "2", f"q{text.pk}": "", "version": response.version}
    del changed["submission_id"]
    assert client.post(edit, changed).status_code == 302
    answers = {a.question_id: a for a in response.answers.all()}
    assert answers[scale.pk].value == 2 and text.pk not in answers


def test_a_response_names_a_member_or_an_institution(users, province_a, form):
    q = form[0]
    response = client_for(users["agent_a"]).post(
        reverse("cpde:response_create", args=[province_a.code, q.pk]),
        {"responded_on": cs.TODAY.isoformat(), "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200 and response.context["form"].errors["member"]


def test_a_member_of_province_b_cannot_be_chosen_in_a(users, province_a, province_b, form):
    q = form[0]
    stranger = CommitteeMemberFactory(
        province=province_b, by=users["agent_b"], name="Karim Benali", sex="M"
    )
    response = client_for(users["agent_a"]).post(
        reverse("cpde:response_create", args=[province_a.code, q.pk]),
        {
            "member": stranger.pk,
            "responded_on": cs.TODAY.isoformat(),
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["member"]
    assert not QuestionnaireResponse.objects.exists()


def test_the_national_questionnaire_is_seeded_in_french_and_arabic():
    national = Questionnaire.objects.get(
        province__isnull=True, title__startswith="Besoins en outils"
    )
    questions = list(national.questions.all())
    assert len(questions) >= 12
    assert all(q.text and q.text_ar for q in questions)
    kinds = {q.kind for q in questions}
    assert kinds == {"scale", "single", "multiple", "text"}
    texts = " ".join(q.text for q in questions)
    for topic in (
        "ordinateur",
        "Internet",
        "INDH",
        "ValueLinks",
        "suivi-évaluation",
        "genre",
        "format",
    ):
        assert topic.lower() in texts.lower()
    for q in questions:
        if q.has_choices:
            assert q.choices.count() >= 2 and all(c.label_ar for c in q.choices.all())


def test_provincial_questionnaire_is_not_seen_in_another_province(users, province_a):
    own = QuestionnaireFactory(
        by=users["coord_a"], province=province_a, title="Questionnaire Khénifra"
    )
    client = client_for(users["agent_b"])
    assert (
        client.get(reverse("cpde:questionnaire_detail", args=["02.251", own.pk])).status_code == 404
    )
    listed = client_for(users["admin"]).get(reverse("cpde:questionnaire_list", args=["02.251"]))
    assert own not in list(listed.context["page_obj"])


def test_coordinator_creates_a_provincial_questionnaire_admin_a_national_one(users, province_a):
    url = reverse("cpde:questionnaire_create", args=[province_a.code])
    data = {
        "title": "Besoins Khénifra",
        "is_open": "on",
        "national": "on",
        "submission_id": str(uuid.uuid4()),
    }
    assert client_for(users["coord_a"]).post(url, data).status_code == 302
    assert Questionnaire.objects.get(title="Besoins Khénifra").province == province_a
    data = {**data, "title": "Besoins national 2027", "submission_id": str(uuid.uuid4())}
    assert client_for(users["admin"]).post(url, data).status_code == 302
    assert Questionnaire.objects.get(title="Besoins national 2027").province is None


def test_questions_with_choices_keep_their_answers(users, province_a, form):
    q, scale, single, multiple, text = form
    answer_all(form, province_a, users["agent_a"], 2)
    with pytest.raises(ValidationError):
        question_set_choices(
            question=single, lines=[ChoiceLine("Atelier"), ChoiceLine("Mixte")], by=users["admin"]
        )
    question_set_choices(
        question=single,
        lines=[
            ChoiceLine("À distance", "عن بعد"),
            ChoiceLine("Atelier", "ورشة"),
            ChoiceLine("Mixte"),
        ],
        by=users["admin"],
    )
    assert list(single.choices.values_list("label_fr", "order")) == [
        ("À distance", 1),
        ("Atelier", 2),
        ("Mixte", 3),
    ]
    assert single.choices.get(label_fr="Atelier").answers.count() == 1

    # The question form: the type of answer is fixed once there are answers.
    url = reverse("cpde:question_edit", args=[province_a.code, q.pk, single.pk])
    page = client_for(users["admin"]).get(url)
    assert page.context["form"].fields["kind"].disabled


def test_admin_cannot_change_the_type_of_a_question_that_has_answers(users, province_a, form):
    answer_all(form, province_a, users["agent_a"], 1)
    _q, _scale, single, _multiple, _text = form
    url = reverse("admin:cpde_question_change", args=[single.pk])
    data = {
        "questionnaire": single.questionnaire_id,
        "order": single.order,
        "text": single.text,
        "text_ar": single.text_ar,
        "kind": Question.Kind.TEXT,
        "opened_version": single.version,
    }
    refused = client_for(users["admin"]).post(url, data)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["kind"] == [str(KIND_LOCKED)]
    assert "son type de réponse ne peut plus" in refused.content.decode()
    single.refresh_from_db()
    assert single.kind == Question.Kind.SINGLE
    # The same rule for every caller of the service.
    single.kind = Question.Kind.TEXT
    with pytest.raises(ValidationError) as refused_by_service:
        record_update(instance=single, expected_version=single.version, by=users["admin"])
    assert "kind" in refused_by_service.value.message_dict

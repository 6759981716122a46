"""Content, not only the interface, reads right in both languages: questionnaire sections
in Arabic, names in dictionary order ("Délégation" before "Division"), written shares that
add up to 100 %."""

import itertools
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from cpde.models import CommitteeMember, Questionnaire
from cpde.selectors import committee_overview, questionnaire_results
from provinces.models import Commune, Stakeholder
from targa.core.ordering import NaturalName, natural_key
from targa.core.selectors import rounded_percent, whole_percentages
from tests.conftest import client_for
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    QuestionFactory,
    QuestionnaireFactory,
    QuestionnaireResponseFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db

NATIONAL_TITLE = import_module("cpde.migrations.0002_national_questionnaire").TITLE


# Shares -----------------------------------------------------------------------------------


def test_thirds_are_written_34_33_33_not_33_33_33():
    assert whole_percentages([1, 1, 1], 3) == [34, 33, 33]
    assert whole_percentages([1, 1, 1, 1, 1, 1], 6) == [17, 17, 17, 17, 16, 16]
    # 7 answers 2/2/3: 28.6, 28.6, 42.9 rounded one by one give 29 + 29 + 43 = 101.
    assert [rounded_percent(n, 7) for n in (2, 2, 3)] == [29, 29, 43]
    assert whole_percentages([2, 2, 3], 7) == [29, 28, 43]  # the first of equals


def test_whole_percentages_always_add_up_and_stay_within_one_point():
    """Every way of splitting 1 to 13 answers over up to 5 scores."""
    for total in range(1, 14):
        for parts in range(1, 6):
            for counts in itertools.product(range(total + 1), repeat=parts):
                if sum(counts) != total:
                    continue
                percents = whole_percentages(list(counts), total)
                assert sum(percents) == 100, counts
                for n, p in zip(counts, percents, strict=True):
                    assert abs(p - 100 * n / total) < 1, counts


def test_whole_percentages_of_a_partial_count_keep_their_honest_sum():
    assert whole_percentages([1, 1], 3) == [34, 33]  # 67 %: one person gave no score
    assert whole_percentages([0, 0], 0) == [0, 0]


def test_results_write_shares_that_add_up_to_100(users, province_a):
    questionnaire = QuestionnaireFactory(province=province_a, by=users["coord_a"])
    scale = QuestionFactory(questionnaire=questionnaire, by=users["coord_a"])
    single = QuestionFactory(
        questionnaire=questionnaire, kind="single", choices=["A", "B", "C"], by=users["coord_a"]
    )
    multiple = QuestionFactory(
        questionnaire=questionnaire, kind="multiple", choices=["X", "Y"], by=users["coord_a"]
    )
    a, b, c = single.choices.all()
    x, y = multiple.choices.all()
    for score, choice, picks in [(1, a, [x.pk, y.pk]), (2, b, [x.pk]), (3, c, [x.pk, y.pk])]:
        QuestionnaireResponseFactory(
            questionnaire=questionnaire,
            province=province_a,
            answers={scale.pk: score, single.pk: choice.pk, multiple.pk: picks},
            by=users["agent_a"],
        )
    _n, results = questionnaire_results(questionnaire, province_a)
    by_question = {r.question.pk: r for r in results}
    assert [b.percent for b in by_question[scale.pk].bars] == [34, 33, 33, 0, 0]
    assert [b.percent for b in by_question[single.pk].bars] == [34, 33, 33]
    # Several choices each: shares of the people who answered, not forced to 100.
    assert [b.percent for b in by_question[multiple.pk].bars] == [100, 67]
    page = client_for(users["agent_a"]).get(
        reverse("cpde:questionnaire_results", args=[province_a.code, questionnaire.pk])
    )
    html = page.content.decode()
    written = re.findall(r"\((\d+) %\)</span>", html)
    assert written == ["34", "33", "33", "0", "0", "34", "33", "33", "100", "67"]


# Arabic sections --------------------------------------------------------------------------


def national_questionnaire() -> Questionnaire:
    """The questionnaire the migrations seed (seeded again if a browser test flushed it)."""
    found = Questionnaire.objects.filter(province__isnull=True, title=NATIONAL_TITLE).first()
    if found is None:
        import_module("cpde.migrations.0002_national_questionnaire").create(apps, None)
        import_module("cpde.migrations.0004_question_section_ar").fill(apps, None)
        found = Questionnaire.objects.get(province__isnull=True, title=NATIONAL_TITLE)
    return found


def test_every_question_of_the_national_questionnaire_has_its_section_in_arabic():
    questions = national_questionnaire().questions.all()
    assert questions.count() == 15
    assert not questions.filter(section_ar="").exists()
    assert not questions.filter(text_ar="").exists()
    assert set(questions.values_list("section_ar", flat=True)) == {
        "أدوات العمل",
        "المعارف والكفاءات (1 = ضعيفة جدا، 5 = جيدة جدا)",
        "الحاجيات في مجال التكوين",
    }


@pytest.mark.parametrize(
    ("language", "first_section"),
    [("ar", "أدوات العمل"), ("fr", "Outils de travail")],
)
def test_results_and_questions_are_headed_in_the_pages_language(
    users, province_a, language, first_section
):
    questionnaire = national_questionnaire()
    client = client_for(users["agent_a"], language)
    for name in ("questionnaire_results", "questionnaire_detail", "response_create"):
        page = client.get(reverse(f"cpde:{name}", args=[province_a.code, questionnaire.pk]))
        assert page.status_code == 200, name
        assert first_section in page.content.decode(), name
    results = client.get(
        reverse("cpde:questionnaire_results", args=[province_a.code, questionnaire.pk])
    ).content.decode()
    other = "Outils de travail" if language == "ar" else "أدوات العمل"
    assert other not in results
    assert results.count('data-testid="section"') == 3


def test_a_question_without_arabic_section_falls_back_to_french(users, province_a):
    question = QuestionFactory(section="Outils", by=users["coord_a"])
    with translation.override("ar"):
        assert question.section_label == "Outils"
    question.section_ar = "أدوات"
    with translation.override("ar"):
        assert question.section_label == "أدوات"
    with translation.override("fr"):
        assert question.section_label == "Outils"


# Dictionary order -------------------------------------------------------------------------

NAMES = [
    "Division de l'Action Sociale de la Province",
    "Délégation provinciale du Tourisme",
    "direction régionale de l'Agriculture",
    "École de la deuxième chance",
    "Ecole nationale",
    "Association Al Amal",
]
IN_ORDER = [
    "Association Al Amal",
    "Délégation provinciale du Tourisme",
    "direction régionale de l'Agriculture",
    "Division de l'Action Sociale de la Province",
    "École de la deuxième chance",  # "ecole de…" before "ecole na…"
    "Ecole nationale",
]


def test_natural_key_ignores_case_and_accents():
    assert sorted(NAMES, key=natural_key) == IN_ORDER
    assert natural_key("Délégation") < natural_key("Division") < natural_key("école normale")


def test_stakeholders_are_in_dictionary_order_in_lists_and_choices(users, province_a):
    for name in NAMES:
        StakeholderFactory(province=province_a, name=name, by=users["agent_a"])
    names = list(Stakeholder.objects.filter(province=province_a).values_list("name", flat=True))
    assert names == IN_ORDER
    client = client_for(users["agent_a"])
    page = client.get(reverse("provinces:stakeholder_list", args=[province_a.code]))
    assert [s.name for s in page.context["page_obj"]] == names
    # The member form's institution choices follow the model's order.
    form = client.get(reverse("cpde:member_create", args=[province_a.code])).content.decode()
    positions = [form.index(name.replace("'", "&#x27;")) for name in names]
    assert positions == sorted(positions)


def test_members_are_in_dictionary_order_on_the_committee_page(users, province_a):
    committee = CommitteeFactory(province=province_a, by=users["coord_a"])
    for name in ["Zineb Alaoui", "Éric Benali", "Driss Amrani", "edouard Naciri"]:
        CommitteeMemberFactory(committee=committee, name=name, by=users["coord_a"])
    expected = ["Driss Amrani", "edouard Naciri", "Éric Benali", "Zineb Alaoui"]
    assert [m.name for m in committee_overview(committee)["members"]] == expected
    assert [m.name for m in CommitteeMember.objects.filter(committee=committee)] == expected


def test_communes_are_ordered_by_the_name_the_page_shows(province_a):
    communes = Commune.objects.filter(province=province_a)
    with translation.override("fr"):
        french = [c.name_fr for c in communes.order_by(NaturalName())]
    with translation.override("ar"):
        arabic = [c.name_ar for c in communes.order_by(NaturalName())]
    assert len(french) > 20
    assert french == sorted(french, key=natural_key)
    # Arabic letters in alphabetical order (hamza and other marks aside).
    first_letters = [natural_key(name)[0] for name in arabic]
    assert first_letters == sorted(first_letters)
    assert [c.name_ar for c in communes.order_by("name_fr")] != arabic

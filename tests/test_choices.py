"""Choices that grow with the data are typed, with suggestions (targa.core.choices): the
suggestions of one province only, the filters and forms that take a name or a number and
refuse another province's record with a message, and list pages whose queries and HTML no
longer grow with the number of meetings and stakeholders."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpde.models import Recommendation
from provinces.models import Stakeholder
from targa.core import choices
from tests.conftest import client_for
from tests.factories import (
    ActivityFactory,
    CommitteeMemberFactory,
    ExecutionContractFactory,
    HolderFactory,
    MeetingFactory,
    RecommendationFactory,
    StakeholderFactory,
    StructureFactory,
    days,
)

pytestmark = pytest.mark.django_db

# One record per source in a province, named with `word` (each source's own field).
MAKERS = {
    "stakeholders": lambda p, word: StakeholderFactory(province=p, name=f"Coopérative {word}"),
    "associations": lambda p, word: StakeholderFactory(province=p, name=f"Association {word}"),
    "activities": lambda p, word: ActivityFactory(province=p, title=f"Atelier {word}"),
    "contracts": lambda p, word: ExecutionContractFactory(province=p, reference=f"CSE-{word}"),
    "meetings": lambda p, word: MeetingFactory(province=p, subject=f"Séance {word}"),
    "members": lambda p, word: CommitteeMemberFactory(province=p, name=f"Membre {word}"),
    "holders": lambda p, word: HolderFactory(province=p, last_name=f"Aït {word}"),
    "structures": lambda p, word: StructureFactory(province=p, name=f"Coopérative {word}"),
    "cooperatives": lambda p, word: StructureFactory(province=p, name=f"Coopérative {word}"),
}


def suggest_url(province, source: str) -> str:
    return reverse("choices:suggest", kwargs={"code": province.code, "source": source})


def test_every_declared_source_is_tested():
    assert set(choices.sources()) == set(MAKERS)


@pytest.mark.parametrize("source", sorted(MAKERS))
def test_suggestions_never_offer_another_provinces_records(source, users, province_a, province_b):
    mine = MAKERS[source](province_a, "Tafilalt")
    theirs = MAKERS[source](province_b, "Tafilalt")
    response = client_for(users["agent_a"]).get(
        suggest_url(province_a, source), {"q": "tafilalt", "format": "json"}
    )
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert mine.pk in ids
    assert theirs.pk not in ids
    # The same from the HTML the field's datalist receives.
    html = client_for(users["agent_a"]).get(suggest_url(province_a, source), {"q": "Tafilalt"})
    assert f'<option value="{choices.label(mine)}">' in html.content.decode()


def test_another_provinces_agent_gets_no_suggestions_of_it(users, province_a):
    StakeholderFactory(province=province_a, name="Coopérative Tafilalt")
    response = client_for(users["agent_b"]).get(suggest_url(province_a, "stakeholders"))
    assert response.status_code == 404


def test_an_undeclared_source_is_not_found(users, province_a):
    response = client_for(users["admin"]).get(suggest_url(province_a, "users"))
    assert response.status_code == 404


def test_associations_suggest_associations_only(users, province_a):
    association = StakeholderFactory(province=province_a, name="Association Amal")
    bank = StakeholderFactory(province=province_a, name="Banque Amal", kind=Stakeholder.Kind.BANK)
    rows = client_for(users["agent_a"]).get(
        suggest_url(province_a, "associations"), {"q": "amal", "format": "json"}
    )
    assert [r["id"] for r in rows.json()["results"]] == [association.pk]
    rows = client_for(users["agent_a"]).get(
        suggest_url(province_a, "stakeholders"), {"q": "amal", "format": "json"}
    )
    assert {r["id"] for r in rows.json()["results"]} == {association.pk, bank.pk}


def test_suggestions_come_twenty_at_a_time(users, province_a):
    for i in range(25):
        StakeholderFactory(province=province_a, name=f"Coopérative {i:02d}")
    client = client_for(users["viewer"])
    first = client.get(suggest_url(province_a, "stakeholders"), {"q": "coop", "format": "json"})
    assert len(first.json()["results"]) == 20 and first.json()["more"] is True
    second = client.get(
        suggest_url(province_a, "stakeholders"), {"q": "coop", "page": 2, "format": "json"}
    )
    assert len(second.json()["results"]) == 5 and second.json()["more"] is False
    assert not {r["id"] for r in first.json()["results"]} & {
        r["id"] for r in second.json()["results"]
    }


def test_suggestions_read_what_htmx_sends_from_the_field(users, province_a):
    """htmx sends the field's own value under the field's name; `field` names it."""
    StakeholderFactory(province=province_a, name="Coopérative Tighanimine")
    StakeholderFactory(province=province_a, name="Association Tiwizi")
    response = client_for(users["agent_a"]).get(
        suggest_url(province_a, "stakeholders"), {"field": "owner", "owner": "tigha"}
    )
    options = re.findall(r'<option value="([^"]*)">', response.content.decode())
    assert options == ["Coopérative Tighanimine"]


def test_a_meeting_is_found_by_its_name_date_month_or_year(province_a):
    source = choices.sources()["meetings"]
    march = MeetingFactory(province=province_a, date=datetime.date(2024, 3, 12))
    MeetingFactory(province=province_a, date=datetime.date(2024, 4, 2))
    MeetingFactory(province=province_a, date=datetime.date(2023, 3, 12), kind="workshop")
    qs = source.queryset(province_a)
    assert source.resolve(qs, str(march)) == march  # "Réunion ordinaire du 12/03/2024"
    assert source.resolve(qs, "12/03/2024") == march
    assert source.resolve(qs, "03/2024") == march
    assert list(source.matching(qs, "2024").order_by("date")) != [march]  # two that year
    assert source.resolve(qs, "ordinaire 2024-03") == march
    with pytest.raises(choices.ValidationError) as several:
        source.resolve(qs, "2024")
    assert several.value.code == "several"
    with pytest.raises(choices.ValidationError) as none:
        source.resolve(qs, "31/02/2024")
    assert none.value.code == "invalid_choice"


def recommendations_url(province) -> str:
    return reverse("cpde:recommendation_list", args=[province.code])


def test_the_filter_takes_the_name_the_field_suggested(users, province_a):
    anapec = StakeholderFactory(province=province_a, name="ANAPEC Khénifra", acronym="ANAPEC")
    other = StakeholderFactory(province=province_a, name="Direction de l'Agriculture")
    meeting = MeetingFactory(province=province_a)
    RecommendationFactory(meeting=meeting, owner=anapec)
    RecommendationFactory(meeting=meeting, owner=other)
    client = client_for(users["agent_a"])
    for typed in (choices.label(anapec), "anapec", str(anapec.pk)):
        response = client.get(recommendations_url(province_a), {"owner": typed})
        assert [r.owner for r in response.context["page_obj"]] == [anapec], typed
        assert not list(response.context["messages"])
        # The field shows the name, whatever was typed.
        field = re.search(r'<input type="text" name="owner"[^>]*>', response.content.decode())
        assert f'value="{choices.label(anapec)}"' in field.group(0), field.group(0)
    by_meeting = client.get(recommendations_url(province_a), {"meeting": str(meeting)})
    assert by_meeting.context["page_obj"].paginator.count == 2


def test_the_filter_refuses_another_provinces_record_with_a_message(users, province_a, province_b):
    mine = StakeholderFactory(province=province_a, name="Coopérative Atlas")
    foreign = StakeholderFactory(province=province_b, name="Coopérative Oasis")
    RecommendationFactory(province=province_a, owner=mine)
    RecommendationFactory(province=province_a)
    client = client_for(users["agent_a"])
    for typed in (str(foreign.pk), "Coopérative Oasis"):
        response = client.get(recommendations_url(province_a), {"owner": typed})
        # Not applied (every recommendation of A is listed), and said so.
        assert response.context["page_obj"].paginator.count == 2
        [message] = [str(m) for m in response.context["messages"]]
        assert message == (
            f"Institution responsable : Rien ici ne correspond à « {typed} ». Tapez une "
            "partie du nom, ou choisissez une des suggestions."
        )
        # The text stays in the field, to be corrected.
        assert f'value="{typed}"' in response.content.decode()


def test_the_filter_says_when_several_records_match(users, province_a):
    StakeholderFactory(province=province_a, name="Coopérative Atlas")
    StakeholderFactory(province=province_a, name="Coopérative Oasis")
    response = client_for(users["agent_a"]).get(
        recommendations_url(province_a), {"owner": "coopérative"}
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert "Plusieurs choix correspondent à « coopérative »" in message


def test_the_filter_form_lists_no_meeting_or_stakeholder(users, province_a):
    meetings = [MeetingFactory(province=province_a, date=days(-i)) for i in range(1, 4)]
    StakeholderFactory(province=province_a, name="Coopérative Atlas")
    response = client_for(users["agent_a"]).get(recommendations_url(province_a))
    html = response.content.decode()
    form = re.search(r'<form[^>]*data-testid="filters".*?</form>', html, re.S).group(0)
    assert "Coopérative Atlas" not in form
    assert not any(str(m) in form for m in meetings)
    for name, source in (("owner", "stakeholders"), ("meeting", "meetings")):
        url = f"{suggest_url(province_a, source)}?field={name}"
        assert f'list="id_{name}_choices" data-hx-get="{url}"' in form
        assert f'<datalist id="id_{name}_choices"></datalist>' in form
    assert '<select name="status"' in form  # a small fixed set stays a select


def _grow(province, start: int, n: int) -> None:
    for i in range(start, start + n):
        institution = StakeholderFactory(province=province, name=f"Institution {i:03d}")
        meeting = MeetingFactory(province=province, date=days(-100 - i))
        CommitteeMemberFactory(province=province, institution=institution)
        RecommendationFactory(
            meeting=meeting, owner=institution, due_date=days(-5 if i % 2 else 30)
        )


# The selects these lists had cost a query each (owner and meeting; institution) and grew
# with every record; the search fields ask nothing until something is typed.
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("cpde:recommendation_list", 9),
        ("cpde:recommendation_overdue", 9),
        ("cpde:member_list", 9),
    ],
)
def test_list_queries_do_not_grow_with_meetings_and_stakeholders(
    name, queries, users, province_a, django_assert_num_queries
):
    client = client_for(users["coord_a"])
    url = reverse(name, args=[province_a.code])
    _grow(province_a, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    _grow(province_a, 3, 40)
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert len(few) == queries
    form = re.compile(rb'<form[^>]*data-testid="filters".*?</form>', re.S)
    assert len(form.search(large.content).group(0)) == len(form.search(small.content).group(0))


def recommendation_form_url(meeting) -> str:
    return reverse(
        "cpde:recommendation_create",
        kwargs={"code": meeting.committee.province.code, "parent_pk": meeting.pk},
    )


def test_the_edit_form_takes_the_responsible_institution_by_name(users, province_a):
    meeting = MeetingFactory(province=province_a)
    anapec = StakeholderFactory(province=province_a, name="ANAPEC Khénifra")
    client = client_for(users["agent_a"])
    page = client.get(recommendation_form_url(meeting)).content.decode()
    assert 'list="id_owner_choices"' in page
    assert "ANAPEC Khénifra" not in page  # not listed: suggested as one types
    response = client.post(
        recommendation_form_url(meeting),
        {"text": "Former les jeunes.", "owner": "ANAPEC Khénifra", "submission_id": uuid.uuid4()},
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(text="Former les jeunes.").owner == anapec


def test_the_edit_form_refuses_another_provinces_institution(users, province_a, province_b):
    meeting = MeetingFactory(province=province_a)
    foreign = StakeholderFactory(province=province_b, name="Coopérative Oasis")
    response = client_for(users["agent_a"]).post(
        recommendation_form_url(meeting),
        {"text": "Former les jeunes.", "owner": str(foreign.pk), "submission_id": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == [
        f"Rien ici ne correspond à « {foreign.pk} ». Tapez une partie du nom, ou choisissez "
        "une des suggestions."
    ]
    assert not Recommendation.objects.filter(text="Former les jeunes.").exists()


def test_editing_shows_the_chosen_institution_by_name(users, province_a):
    anapec = StakeholderFactory(province=province_a, name="ANAPEC Khénifra")
    rec = RecommendationFactory(province=province_a, owner=anapec)
    url = reverse("cpde:recommendation_edit", args=[province_a.code, rec.pk])
    page = client_for(users["agent_a"]).get(url).content.decode()
    assert 'name="owner" value="ANAPEC Khénifra"' in page


def test_a_youth_platform_takes_an_association_only(users, province_a):
    StakeholderFactory(province=province_a, name="Banque Amal", kind=Stakeholder.Kind.BANK)
    url = reverse("provinces:stakeholder_create", args=[province_a.code])
    page = client_for(users["agent_a"]).get(url).content.decode()
    assert f"{suggest_url(province_a, 'associations')}?field=managing_association" in page
    response = client_for(users["agent_a"]).post(
        url,
        {
            "name": "Plateforme des jeunes",
            "kind": Stakeholder.Kind.YOUTH_PLATFORM,
            "managing_association": "Banque Amal",
            "submission_id": uuid.uuid4(),
        },
    )
    assert response.status_code == 200
    assert "managing_association" in response.context["form"].errors


def test_a_follow_up_suggests_the_recommending_meeting_and_later_ones_only(users, province_a):
    earlier = MeetingFactory(province=province_a, date=days(-60))
    meeting = MeetingFactory(province=province_a, date=days(-30))
    later = MeetingFactory(province=province_a, date=days(-5))
    rec = RecommendationFactory(meeting=meeting)
    client = client_for(users["agent_a"])
    page = client.get(rec.get_absolute_url()).content.decode()
    url = re.search(r'name="meeting"[^>]*hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"date__gte={meeting.date.isoformat()}" in url
    rows = client.get(f"{url}&meeting=&format=json").json()["results"]
    assert {r["id"] for r in rows} == {meeting.pk, later.pk}
    assert earlier.pk not in {r["id"] for r in rows}
    # A value that is not a date narrows nothing (and breaks nothing).
    rows = client.get(suggest_url(province_a, "meetings"), {"date__gte": "x", "format": "json"})
    assert {r["id"] for r in rows.json()["results"]} == {earlier.pk, meeting.pk, later.pk}


def test_holders_are_suggested_whatever_the_accents_and_script(users, province_a):
    holder = HolderFactory(province=province_a, last_name="Aït Bénali", last_name_ar="بنعلي")
    client = client_for(users["agent_a"])
    for typed in ("ait ben", "BENALI", "بنعلي"):
        response = client.get(suggest_url(province_a, "holders"), {"q": typed, "format": "json"})
        assert [row["id"] for row in response.json()["results"]] == [holder.pk], typed

"""Project holders' screens: registering a holder (consent first), searching by name whatever
the accents and script, personal data only to those who record it, a project's page with its
path, its eligibility and the move form, and the move's refusals."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Holder, Project, Stage
from provinces.models import Commune
from tests.conftest import client_for
from tests.factories import CallFactory, HolderFactory, ProjectFactory, SectorFactory, days

pytestmark = pytest.mark.django_db


def url(name, province, *args, **query):
    from urllib.parse import urlencode

    base = reverse(f"projects:{name}", args=[province.code, *args])
    return f"{base}?{urlencode(query)}" if query else base


def text(response) -> str:
    return html.unescape(response.content.decode())


def holder_data(province, **changes) -> dict:
    commune = Commune.objects.filter(province=province).first()
    return {
        "first_name": "Ayoub",
        "last_name": "Ait Lahcen",
        "first_name_ar": "أيوب",
        "last_name_ar": "آيت لحسن",
        "sex": "M",
        "birth_date": days(-24 * 365).isoformat(),
        "cin": "q 456 789",
        "phone": "0661 23 45 67",
        "commune": commune.pk,
        "channel": "youth_platform",
        "consent": "on",
        "consent_on": days(0).isoformat(),
        "submission_id": "6f1c2a1e-0d55-4a55-9f6b-3c1a2b3c4d5e",
    } | changes


def test_a_field_agent_registers_a_holder_with_their_consent(users, province_a):
    agent = client_for(users["agent_a"])
    response = agent.post(url("holder_create", province_a), holder_data(province_a))
    holder = Holder.objects.get()
    assert response.status_code == 302 and response["Location"] == holder.get_absolute_url()
    assert holder.cin == "Q456789" and holder.age() == 23
    # the same form sent again (a dropped connection) adds no one
    agent.post(url("holder_create", province_a), holder_data(province_a))
    assert Holder.objects.count() == 1
    assert holder.history.first().history_user == users["agent_a"]


def test_without_consent_nothing_is_recorded(users, province_a):
    data = holder_data(province_a)
    del data["consent"]
    response = client_for(users["agent_a"]).post(url("holder_create", province_a), data)
    assert response.status_code == 200
    assert "Demandez le consentement du porteur" in text(response)
    assert not Holder.objects.exists()


def test_a_cin_of_another_holder_is_refused_in_french(users, province_a):
    HolderFactory(cin="Q456789", by=users["agent_a"])
    response = client_for(users["agent_a"]).post(
        url("holder_create", province_a), holder_data(province_a)
    )
    assert response.status_code == 200
    assert "Cette CIN est déjà celle d'un autre porteur." in text(response)
    assert Holder.objects.count() == 1


def test_names_are_found_without_accents_and_in_arabic(users, province_a):
    HolderFactory(
        first_name="Hafsa", last_name="Aït Bénali", last_name_ar="بنعلي", by=users["admin"]
    )
    HolderFactory(first_name="Omar", last_name="Zaki", by=users["admin"])
    agent = client_for(users["agent_a"])
    for q in ("ait benali", "AÏT", "بنعلي"):
        page = text(agent.get(url("holder_list", province_a, q=q)))
        assert "Hafsa" in page and "Omar" not in page, q


def test_a_viewer_sees_the_cin_masked_and_no_phone(users, province_a):
    holder = HolderFactory(cin="AB123456", phone="0661234567", by=users["agent_a"])
    viewer = text(client_for(users["viewer"]).get(holder.get_absolute_url()))
    assert "AB123456" not in viewer and "A•••••56" in viewer and "0661234567" not in viewer
    agent = text(client_for(users["agent_a"]).get(holder.get_absolute_url()))
    assert "AB123456" in agent and "0661234567" in agent


def test_the_project_page_shows_its_path_eligibility_and_moves(users, province_a):
    call = CallFactory(age_min=18, age_max=35, subsidy_cap=Decimal(60000), by=users["coord_a"])
    project = ProjectFactory(call=call, by=users["agent_a"])
    coord = client_for(users["coord_a"])
    page = text(coord.get(project.get_absolute_url()))
    assert 'data-rule="age" data-passed="yes"' in page
    assert 'data-rule="subsidy_cap" data-passed="no"' in page and "90 000 MAD" in page
    assert 'data-testid="move-form"' in page and "Accueil et orientation" in page
    move = url("project_move", province_a, project.pk)
    response = coord.post(
        move, {"to": "eligibility", "version": project.version, "decision": "favourable"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.ELIGIBILITY
    # a jump: refused, with where it may go, and nothing moved
    response = coord.post(move, {"to": "financing", "version": project.version}, follow=True)
    page = text(response)
    assert "Un projet avance d'un stade à la fois" in page and "Maturation de l'idée" in page
    project.refresh_from_db()
    assert project.stage == Stage.ELIGIBILITY
    page = text(coord.get(project.get_absolute_url()))
    assert page.count('data-testid="step"') == 2 and "favorable" in page


def test_a_viewer_gets_no_move_form(users):
    project = ProjectFactory(by=users["agent_a"])
    page = text(client_for(users["viewer"]).get(project.get_absolute_url()))
    assert 'data-testid="move-form"' not in page


def test_a_project_is_created_from_its_holder_page(users, province_a):
    holder = HolderFactory(by=users["agent_a"])
    agent = client_for(users["agent_a"])
    page = text(agent.get(url("project_create", province_a, holder=holder.pk)))
    # the holder is filled in (a typed field with suggestions: thousands of holders a province)
    assert f'name="holder" value="{holder.full_name}"' in page
    sector = SectorFactory()
    response = agent.post(
        url("project_create", province_a),
        {
            "holder": holder.pk,
            "title": "Atelier de couture",
            "sector": sector.pk,
            "commune": holder.commune_id,
            "total_cost": "80000",
            "subsidy_requested": "60000",
            "own_contribution": "20000",
            "jobs_women": "3",
            "jobs_men": "0",
            "submission_id": "0e1c2a1e-0d55-4a55-9f6b-3c1a2b3c4d5e",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and project.stage == Stage.RECEPTION
    assert list(project.steps.values_list("to_stage", flat=True)) == ["reception"]


@pytest.mark.parametrize("n", [1, 20])
def test_the_holder_list_takes_the_same_queries_whatever_its_size(
    n, users, province_a, django_assert_num_queries
):
    for _i in range(n):
        ProjectFactory(by=users["admin"])
    client = client_for(users["agent_a"])
    client.get(url("holder_list", province_a))
    with django_assert_num_queries(HOLDER_LIST_QUERIES):
        assert client.get(url("holder_list", province_a)).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_project_page_takes_the_same_queries_whatever_its_path(
    n, users, province_a, django_assert_num_queries
):
    from projects import services

    project = ProjectFactory(call=CallFactory(age_min=18, by=users["admin"]), by=users["admin"])
    for to in ["eligibility", "maturation", "training", "business_plan", "technical_committee"][
        : n - 1
    ]:
        project = services.project_move(
            project=project, to=to, by=users["admin"], expected_version=project.version
        )
    client = client_for(users["coord_a"])
    client.get(project.get_absolute_url())
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        assert client.get(project.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_the_project_list_takes_the_same_queries_whatever_its_size(
    n, users, province_a, django_assert_num_queries
):
    for _i in range(n):
        ProjectFactory(by=users["admin"])
    client = client_for(users["agent_a"])
    client.get(url("project_list", province_a))
    with django_assert_num_queries(PROJECT_LIST_QUERIES):
        assert client.get(url("project_list", province_a)).status_code == 200


def test_projects_are_filtered_by_stage_sex_and_age_band(users, province_a):
    from projects import services

    young = HolderFactory(
        first_name="Nadia", sex="F", birth_date=days(-25 * 365), by=users["admin"]
    )
    older = HolderFactory(
        first_name="Driss", sex="M", birth_date=days(-50 * 365), by=users["admin"]
    )
    moved = ProjectFactory(holder=young, title="Miellerie", by=users["admin"])
    ProjectFactory(holder=older, title="Menuiserie", by=users["admin"])
    services.project_move(
        project=moved, to="eligibility", by=users["admin"], expected_version=moved.version
    )
    agent = client_for(users["agent_a"])
    for query, shown in (
        ({"age": "18_35"}, "Miellerie"),
        ({"age": "46"}, "Menuiserie"),
        ({"sex": "M"}, "Menuiserie"),
        ({"stage": "eligibility"}, "Miellerie"),
    ):
        page = text(agent.get(url("project_list", province_a, **query)))
        hidden = {"Miellerie", "Menuiserie"} - {shown}
        assert shown in page and not any(h in page for h in hidden), query


HOLDER_LIST_QUERIES = 10
PROJECT_LIST_QUERIES = 13  # with the filter choices (sectors, calls, communes) and the stage names
PROJECT_PAGE_QUERIES = 13  # the project with its holder, call…; its path; the stage names


def test_the_name_in_the_other_script_is_shown_under_the_name(users):
    holder = HolderFactory(
        first_name="Youssef",
        last_name="Benali",
        first_name_ar="يوسف",
        last_name_ar="بنعلي",
        by=users["agent_a"],
    )
    french = text(client_for(users["agent_a"], "fr").get(holder.get_absolute_url()))
    arabic = text(client_for(users["agent_a"], "ar").get(holder.get_absolute_url()))

    def title(page):
        return page[page.index('data-testid="record-title"') :].split("</h1>")[0]

    def subtitle(page):
        return page[page.index("</h1>") :].split("</p>")[0]

    assert "Youssef Benali" in title(french) and "يوسف بنعلي" in subtitle(french)
    assert "يوسف بنعلي" in title(arabic) and "Youssef Benali" in subtitle(arabic)
    assert "يوسف بنعلي" not in subtitle(arabic)


def test_the_holders_export_has_cin_and_phone_only_for_those_who_record_them(users, province_a):
    from targa.core.models import PersonalDataExport

    made = [
        HolderFactory(cin=f"V{500000 + i}", phone="0661234567", by=users["admin"]) for i in range(3)
    ]
    viewer = client_for(users["viewer"]).get(url("holder_list", province_a, export="csv"))
    assert viewer.status_code == 200
    text_viewer = viewer.content.decode("utf-8-sig")
    assert "V500000" not in text_viewer and "0661234567" not in text_viewer
    assert "Salma" in text_viewer and not PersonalDataExport.objects.exists()
    agent = client_for(users["agent_a"]).get(url("holder_list", province_a, export="xlsx", sex="F"))
    assert agent.status_code == 200
    log = PersonalDataExport.objects.get()
    assert log.user == users["agent_a"] and log.n_rows == 3 and log.file_format == "xlsx"
    assert sorted(log.row_ids) == sorted(h.pk for h in made) and "sex=F" in log.query
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(agent.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "CIN" in values and "V500001" in values

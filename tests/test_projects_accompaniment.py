"""Accompaniment: sessions with the holders and structures present (of the session's province
only, typed by name), and post-creation visits to projects that are created, followed up or
graduated, with the project's figures over time; province scoping, pinned query counts, and
pages the W3C checker finds valid."""

import html
import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Session, SessionKind, Stage, Visit, stage_label
from projects.selectors_accompaniment import project_visits
from provinces.models import Commune
from targa.core.records import EditConflict
from tests.conftest import client_for
from tests.factories import (
    CreatedProjectFactory,
    HolderFactory,
    ProjectFactory,
    SessionFactory,
    StakeholderFactory,
    StructureFactory,
    VisitFactory,
    days,
)

pytestmark = pytest.mark.django_db

# The session list: the same whatever the number of sessions and of those present.
SESSION_LIST_QUERIES = 10
# A visit's page, with the project's figures over time: the same whatever the visits.
VISIT_PAGE_QUERIES = 10


def errors_of(call) -> dict:
    """The messages of the refusal, in English (their source)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            call()
        return {k: [str(m) for m in v] for k, v in refused.value.message_dict.items()}


def text(response) -> str:
    return html.unescape(response.content.decode())


def sessions_url(province, *args, name="session_list", **query) -> str:
    from urllib.parse import urlencode

    base = reverse(f"projects:{name}", args=[province.code, *args])
    return f"{base}?{urlencode(query)}" if query else base


def visit_url(name, project, *args) -> str:
    return reverse(
        f"projects:visit_{name}",
        kwargs={"code": project.province.code, "parent_pk": project.pk}
        | ({"pk": args[0]} if args else {}),
    )


def session_data(province, **changes) -> dict:
    return {
        "on": days(-2).isoformat(),
        "kind": SessionKind.TRAINING,
        "topic": "Tenue de la comptabilité",
        "trainer": "Hicham Bennani",
        "commune": Commune.objects.filter(province=province).first().pk,
        "hours": "3.5",
        "submission_id": str(uuid.uuid4()),
    } | changes


def visit_data(**changes) -> dict:
    return {
        "on": days(-1).isoformat(),
        "observations": "Production régulière, vente au souk hebdomadaire.",
        "turnover": "24000",
        "jobs_created_women": "2",
        "jobs_created_men": "1",
        "jobs_kept_women": "1",
        "jobs_kept_men": "0",
        "income_change": "increased",
        "monthly_income": "2500",
        "next_visit_on": days(60).isoformat(),
        "submission_id": str(uuid.uuid4()),
    } | changes


# Sessions: the rules -------------------------------------------------------------------------


def test_a_session_with_a_holder_of_another_province_is_refused_and_nothing_written(
    users, province_a, province_b
):
    mine = HolderFactory(province=province_a)
    theirs = HolderFactory(province=province_b, first_name="Nadia", last_name="Tazi")
    session = Session(
        province=province_a, on=days(-1), kind=SessionKind.COACHING, topic="Plan", trainer="Ali"
    )
    errors = errors_of(
        lambda: services.session_create(
            session=session, holders=[mine, theirs], by=users["agent_a"]
        )
    )
    assert errors == {"holders": ["These holders are of another province: Nadia Tazi."]}
    assert not Session.objects.exists()


def test_a_structure_of_another_province_is_refused_when_the_session_is_edited(
    users, province_a, province_b
):
    structure = StructureFactory(province=province_a)
    session = SessionFactory(province=province_a, structures=[structure], by=users["agent_a"])
    foreign = StructureFactory(province=province_b, name="Coopérative Oasis")
    session = Session.objects.get(pk=session.pk)
    errors = errors_of(
        lambda: services.session_update(
            session=session,
            holders=[],
            structures=[structure, foreign],
            by=users["agent_a"],
            expected_version=session.version,
        )
    )
    assert errors == {
        "structures": ["These structures are of another province: Coopérative Oasis."]
    }
    fresh = Session.objects.get(pk=session.pk)
    assert list(fresh.structures.all()) == [structure] and fresh.version == session.version


def test_a_session_is_recorded_by_the_province_s_team_only(users, province_a):
    session = Session(
        province=province_a, on=days(-1), kind=SessionKind.WORKSHOP, topic="Vente", trainer="Ali"
    )
    for role in ("agent_b", "viewer"):
        with pytest.raises(PermissionDenied):
            services.session_create(session=session, by=users[role])
    assert not Session.objects.exists()


def test_a_session_is_dated_within_the_programme_and_not_after_today(users):
    for day, message in (
        (days(1), "A session is recorded once held: its date cannot be after today."),
        (days(-20 * 365), "Enter a date between "),
    ):
        [refused] = errors_of(lambda day=day: SessionFactory(on=day, by=users["agent_a"]))["on"]
        assert refused.startswith(message)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0.1", "A session lasts at least a quarter of an hour."),
        ("101", "A session lasts at most 100 hours: record a longer one as several."),
    ],
)
def test_a_session_s_duration_is_bounded(users, hours, message):
    assert errors_of(lambda: SessionFactory(hours=Decimal(hours), by=users["agent_a"])) == {
        "hours": [message]
    }
    assert SessionFactory(hours=Decimal("0.25"), by=users["agent_a"]).hours == Decimal("0.25")


def test_a_session_s_commune_and_organisation_are_of_its_province(users, province_b):
    errors = errors_of(
        lambda: SessionFactory(
            commune=Commune.objects.filter(province=province_b).first(),
            provider=StakeholderFactory(province=province_b),
            by=users["agent_a"],
        )
    )
    assert errors == {
        "commune": ["Choose a commune of the province."],
        "provider": ["Choose one of the province's."],
    }


# Visits: the rules ---------------------------------------------------------------------------


def test_a_project_at_reception_gets_no_visit_and_is_told_why(users, province_a):
    project = ProjectFactory(province=province_a, by=users["agent_a"])
    assert project.stage == Stage.RECEPTION
    errors = errors_of(lambda: VisitFactory(project=project, by=users["agent_a"]))
    with translation.override("en"):
        stage = stage_label(Stage.RECEPTION)
    assert errors == {
        "__all__": [
            "Only a project that is created, followed up after creation or graduated gets "
            f"visits: this one is at the stage “{stage}”."
        ]
    }
    assert not Visit.objects.exists()


@pytest.mark.parametrize("reached", [Stage.CREATED, Stage.FOLLOW_UP, Stage.GRADUATED])
def test_a_created_followed_up_or_graduated_project_gets_visits(users, province_a, reached):
    project = CreatedProjectFactory(province=province_a, reached=reached)
    visit = VisitFactory(project=project, by=users["agent_a"])
    assert visit.project == project and visit.history.first().history_user == users["agent_a"]


def test_a_visit_stays_editable_when_its_project_moves_on(users, province_a):
    """The stage is asked when a visit is added, not when a past one is corrected."""
    visit = VisitFactory(province=province_a)
    services.project_move(
        project=visit.project,
        to=Stage.DROPPED,
        by=users["coord_a"],
        expected_version=visit.project.version,
        reason="closed",
    )
    visit = Visit.objects.get(pk=visit.pk)
    visit.observations = "Activité arrêtée."
    visit.full_clean()


@pytest.mark.parametrize("next_in", [0, -3])
def test_the_next_visit_comes_after_the_visit(users, next_in):
    errors = errors_of(
        lambda: VisitFactory(on=days(-5), next_visit_on=days(-5 + next_in), by=users["agent_a"])
    )
    assert errors == {"next_visit_on": ["The next visit comes after this one."]}
    assert not Visit.objects.exists()


def test_a_visit_is_not_before_the_project_s_creation_nor_after_today(users, province_a):
    project = CreatedProjectFactory(province=province_a, since=days(-30))
    assert errors_of(lambda: VisitFactory(project=project, on=days(-31)))["on"][0].startswith(
        "The project was created on "
    )
    assert errors_of(lambda: VisitFactory(project=project, on=days(1))) == {
        "on": ["A visit is recorded once made: its date cannot be after today."]
    }


def test_a_visit_s_counts_and_amounts_are_not_negative(users):
    errors = errors_of(
        lambda: VisitFactory(jobs_kept_men=-1, turnover=Decimal("-5"), by=users["agent_a"])
    )
    assert errors == {
        "jobs_kept_men": ["A count cannot be below zero."],
        "turnover": ["An amount cannot be below zero."],
    }


def test_a_project_s_figures_over_time_come_in_one_query(
    users, province_a, django_assert_num_queries
):
    project = CreatedProjectFactory(province=province_a)
    for i, turnover in enumerate((10000, None, 15000)):
        VisitFactory(project=project, on=days(-300 + 100 * i), turnover=turnover)
    with django_assert_num_queries(1):
        figures = project_visits(project)
        assert [v.on for v in figures] == [days(-300), days(-200), days(-100)]
    assert figures.turnover_total == Decimal(25000) and figures.latest.on == days(-100)
    assert figures.accepts_new and len(figures) == 3


# Sessions: the pages -------------------------------------------------------------------------


def test_a_field_agent_records_a_session_with_two_holders(users, province_a):
    first = HolderFactory(province=province_a, first_name="Imane", last_name="Ouali")
    second = HolderFactory(province=province_a, first_name="Youssef", last_name="Amrani")
    structure = StructureFactory(province=province_a, name="Coopérative Tighanimine")
    agent = client_for(users["agent_a"])
    data = session_data(
        province_a,
        holders=["Imane Ouali", str(second.pk), ""],  # by name, by number; an empty box
        structures=["tighanimine"],
    )
    response = agent.post(sessions_url(province_a, name="session_create"), data)
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert set(session.holders.all()) == {first, second}
    assert list(session.structures.all()) == [structure]
    assert session.history.first().history_user == users["agent_a"]
    # The same form sent again (a dropped connection) records nothing twice.
    agent.post(sessions_url(province_a, name="session_create"), data)
    assert Session.objects.count() == 1
    page = text(agent.get(session.get_absolute_url()))
    assert "2 porteurs présents" in page or "2 holders present" in page
    assert "Imane Ouali" in page and "Youssef Amrani" in page


def test_the_session_form_types_those_present_with_suggestions(users, province_a):
    HolderFactory(province=province_a, first_name="Imane", last_name="Ouali")
    page = client_for(users["agent_a"]).get(sessions_url(province_a, name="session_create"))
    body = page.content.decode()
    assert "Imane Ouali" not in body  # not listed: suggested as one types
    suggest = reverse("choices:suggest", kwargs={"code": province_a.code, "source": "holders"})
    boxes = re.findall(r'<input type="text" name="holders" id="(id_holders_\d+)"[^>]*>', body)
    assert len(boxes) == 6
    assert f'data-hx-get="{suggest}?field=holders"' in body
    assert "data-add-box hidden" in body  # "Add a name", shown by targa.js
    assert '<datalist id="id_holders_0_choices"></datalist>' in body


def test_a_holder_of_another_province_typed_in_the_form_is_refused(users, province_a, province_b):
    mine = HolderFactory(province=province_a, first_name="Imane", last_name="Ouali")
    theirs = HolderFactory(province=province_b)
    response = client_for(users["agent_a"], "en").post(
        sessions_url(province_a, name="session_create"),
        session_data(province_a, holders=[str(mine.pk), str(theirs.pk)]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["holders"] == [
        f"Nothing here matches “{theirs.pk}”. Type part of the name, or choose one of the "
        "suggestions."
    ]
    assert not Session.objects.exists()
    # The box that named nobody is marked, with the message; the others are not.
    boxes = re.findall(r'<input type="text" name="holders"[^>]*>', response.content.decode())
    invalid = [box for box in boxes if 'aria-invalid="true"' in box]
    assert len(invalid) == 1 and f'value="{theirs.pk}"' in invalid[0]
    assert 'aria-describedby="id_holders_error"' in invalid[0] and "is-invalid" in invalid[0]
    assert 'value="Imane Ouali"' in boxes[0] and "is-invalid" not in boxes[0]


def test_editing_a_session_shows_those_present_by_name_and_changes_them(users, province_a):
    kept = HolderFactory(province=province_a, first_name="Imane", last_name="Ouali")
    gone = HolderFactory(province=province_a, first_name="Karim", last_name="Saidi")
    added = HolderFactory(province=province_a, first_name="Sara", last_name="Idrissi")
    session = SessionFactory(province=province_a, holders=[kept, gone], by=users["agent_a"])
    agent = client_for(users["agent_a"])
    edit = sessions_url(province_a, session.pk, name="session_edit")
    body = agent.get(edit).content.decode()
    assert 'value="Imane Ouali"' in body and 'value="Karim Saidi"' in body
    data = session_data(province_a, holders=["Imane Ouali", "Sara Idrissi"], version=1)
    del data["submission_id"]
    assert agent.post(edit, data).status_code == 302
    session.refresh_from_db()
    assert set(session.holders.all()) == {kept, added} and session.version == 2
    # A stale copy of the form is a conflict, not a silent overwrite.
    response = agent.post(edit, data | {"holders": ["Karim Saidi"]})
    assert response.status_code == 409
    assert set(session.holders.all()) == {kept, added}


def test_a_stale_session_save_is_an_edit_conflict_for_the_service(users, province_a):
    session = SessionFactory(province=province_a, by=users["agent_a"])
    with pytest.raises(EditConflict):
        services.session_update(
            session=session, holders=[], structures=[], by=users["coord_a"], expected_version=9
        )


def test_sessions_are_filtered_by_type_and_holder_and_searched_by_topic(users, province_a):
    imane = HolderFactory(province=province_a, first_name="Imane", last_name="Ouali")
    training = SessionFactory(province=province_a, topic="Comptabilité simple", holders=[imane])
    coaching = SessionFactory(province=province_a, kind=SessionKind.COACHING, topic="Étude")
    phone = SessionFactory(province=province_a, kind=SessionKind.PHONE, topic="Suivi des ventes")
    SessionFactory(province=province_a, topic="Autre")
    client = client_for(users["viewer"])

    def listed(**query):
        response = client.get(sessions_url(province_a, **query))
        assert response.status_code == 200
        return {s.pk for s in response.context["page_obj"]}

    assert listed(kind="coaching") == {coaching.pk}
    assert listed(holder="Imane Ouali") == {training.pk}
    assert listed(holder=str(imane.pk), kind="training") == {training.pk}
    assert listed(q="ventes") == {phone.pk}
    assert listed(q="COMPTA") == {training.pk}
    assert len(listed()) == 4
    response = client.get(sessions_url(province_a))
    row = text(response).split('data-testid="session-row"')[1]
    assert "Comptabilité simple" in text(response) and 'data-testid="present"' in row


def test_another_province_s_team_cannot_open_or_add_a_session(users, province_a, province_b):
    session = SessionFactory(province=province_a)
    agent_b = client_for(users["agent_b"])
    assert agent_b.get(session.get_absolute_url()).status_code == 404
    assert agent_b.get(sessions_url(province_a)).status_code == 404
    response = agent_b.post(
        sessions_url(province_a, name="session_create"), session_data(province_a)
    )
    assert response.status_code == 404
    # Their own province's address with A's session: no such session there.
    url = sessions_url(province_b, session.pk, name="session_detail")
    assert agent_b.get(url).status_code == 404
    viewer = client_for(users["viewer"])
    response = viewer.post(
        sessions_url(province_a, name="session_create"), session_data(province_a)
    )
    assert response.status_code == 403
    assert Session.objects.count() == 1


def _grow_sessions(province, n: int) -> None:
    for i in range(n):
        SessionFactory(
            province=province,
            holders=[HolderFactory(province=province), HolderFactory(province=province)],
            structures=[StructureFactory(province=province)],
            commune=Commune.objects.filter(province=province).order_by("pk")[i % 3],
        )


@pytest.mark.parametrize("n", [1, 15])
def test_the_session_list_takes_the_same_queries_whatever_its_size(
    n, users, province_a, django_assert_num_queries
):
    _grow_sessions(province_a, n)
    client = client_for(users["agent_a"])
    client.get(sessions_url(province_a))
    with django_assert_num_queries(SESSION_LIST_QUERIES):
        response = client.get(sessions_url(province_a))
    assert len(response.context["page_obj"]) == n


def test_the_filtered_session_list_takes_the_same_queries_too(
    users, province_a, django_assert_num_queries
):
    _grow_sessions(province_a, 4)
    holder = Session.objects.first().holders.first()
    client = client_for(users["agent_a"])
    url = sessions_url(province_a, holder=str(holder.pk), kind="training", q="Gestion")
    client.get(url)
    with django_assert_num_queries(SESSION_LIST_QUERIES + 1):  # the holder typed, resolved
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1


# Visits: the pages ---------------------------------------------------------------------------


def test_a_field_agent_records_a_visit_under_a_created_project(users, province_a):
    project = CreatedProjectFactory(province=province_a)
    agent = client_for(users["agent_a"])
    response = agent.post(visit_url("create", project), visit_data())
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert visit.get_absolute_url() == (
        f"/provinces/{province_a.code}/projects/{project.pk}/visits/{visit.pk}/"
    )
    assert (visit.project, visit.turnover, visit.jobs_created) == (project, Decimal(24000), 3)
    page = agent.get(visit.get_absolute_url())
    figures = text(page).split('data-testid="visit-figures"', 1)[1]
    assert figures.count('data-testid="visit-row"') == 1 and "2 / 1" in figures
    # Deleted by a coordinator: back to the project's page.
    coordinator = client_for(users["coord_a"])
    response = coordinator.post(visit_url("delete", project, visit.pk))
    assert response["Location"] == project.get_absolute_url() and not Visit.objects.exists()


def test_a_visit_under_a_project_at_reception_is_refused_on_the_form(users, province_a):
    project = ProjectFactory(province=province_a)
    response = client_for(users["agent_a"], "en").post(visit_url("create", project), visit_data())
    assert response.status_code == 200
    assert "Only a project that is created" in text(response)
    assert not Visit.objects.exists()


def test_another_province_s_team_cannot_reach_a_project_s_visits(users, province_a, province_b):
    visit = VisitFactory(province=province_a)
    project = visit.project
    agent_b = client_for(users["agent_b"])
    for url in (visit.get_absolute_url(), visit_url("edit", project, visit.pk)):
        assert agent_b.get(url).status_code == 404
    assert agent_b.post(visit_url("create", project), visit_data()).status_code == 404
    # Their province's code with A's project, or A's visit under another project: no such.
    mixed = reverse(
        "projects:visit_create", kwargs={"code": province_b.code, "parent_pk": project.pk}
    )
    assert agent_b.get(mixed).status_code == 404
    other = CreatedProjectFactory(province=province_a)
    assert client_for(users["agent_a"]).get(visit_url("detail", other, visit.pk)).status_code == 404
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("n", [1, 8])
def test_a_visit_page_takes_the_same_queries_whatever_the_project_s_visits(
    n, users, province_a, django_assert_num_queries
):
    project = CreatedProjectFactory(province=province_a)
    visits = [VisitFactory(project=project, on=days(-300 + 30 * i)) for i in range(n)]
    client = client_for(users["coord_a"])
    url = visits[-1].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(VISIT_PAGE_QUERIES):
        response = client.get(url)
    assert text(response).count('data-testid="visit-row"') == n


# Valid HTML ----------------------------------------------------------------------------------


def test_the_accompaniment_pages_are_valid_html(users, province_a, tmp_path):
    from tests.test_html_validity import nu_messages

    holder = HolderFactory(province=province_a)
    session = SessionFactory(
        province=province_a, holders=[holder], structures=[StructureFactory(province=province_a)]
    )
    visit = VisitFactory(province=province_a, monthly_income=Decimal(1800))
    project = visit.project
    files = []
    for language in ("fr", "ar"):
        client: Client = client_for(users["coord_a"], language)
        pages = {
            "sessions": client.get(sessions_url(province_a)),
            "session": client.get(session.get_absolute_url()),
            "session edit": client.get(sessions_url(province_a, session.pk, name="session_edit")),
            "session invalid": client.post(
                sessions_url(province_a, name="session_create"),
                session_data(province_a, hours="0", holders=["personne"]),
            ),
            "visit": client.get(visit.get_absolute_url()),
            "visit create": client.get(visit_url("create", project)),
            "visit invalid": client.post(
                visit_url("create", project), visit_data(next_visit_on=days(-30).isoformat())
            ),
            "visit history": client.get(visit_url("history", project, visit.pk)),
        }
        for name, response in pages.items():
            assert response.status_code == 200, (language, name)
            path = tmp_path / f"{language}-{name.replace(' ', '-')}.html"
            path.write_text(response.content.decode(), encoding="utf-8")
            files.append(path)
    errors = [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in nu_messages(files)
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []

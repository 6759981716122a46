"""The projects board and funnel: columns per stage with their counts and a page of cards each,
the next cards of a column, a card moved by its button or dropped on another column under the
pipeline's rules (an illegal jump refused with the reason, a stale card answered as such), and
the funnel's counts by sex and age band for a period, computed in the database."""

import html
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from projects import selectors, services
from projects.models import Project, Stage
from tests.conftest import client_for
from tests.factories import HolderFactory, ProjectFactory, days

pytestmark = pytest.mark.django_db

BOARD_QUERIES = 14
FUNNEL_QUERIES = 13


def url(name, province, **query):
    base = reverse(f"projects:{name}", args=[province.code])
    return f"{base}?{urlencode(query)}" if query else base


def text(response) -> str:
    return html.unescape(response.content.decode())


def walk(project, stages, by, **kwargs):
    for to in stages:
        project = services.project_move(
            project=project, to=to, by=by, expected_version=project.version, **kwargs
        )
    return project


FIRST_FOUR = ["eligibility", "maturation", "training"]


def test_the_board_shows_a_column_per_stage_with_its_count(users, province_a):
    admin = users["admin"]
    for _i in range(3):
        ProjectFactory(by=admin)
    walk(ProjectFactory(by=admin), FIRST_FOUR, admin)
    response = client_for(users["viewer"]).get(url("board", province_a))
    assert response.status_code == 200
    page = text(response)
    columns = [c.stage for c in response.context["board_columns"]]
    assert columns[0] == "reception" and columns[-2:] == ["graduated", "dropped"]
    assert len(columns) == len(Stage.values)
    counts = {c.stage: c.count for c in response.context["board_columns"]}
    assert counts["reception"] == 3 and counts["training"] == 1 and counts["eligibility"] == 0
    assert 'data-testid="count-reception">3<' in page
    # a viewer sees the cards, not how to move them
    assert "data-project=" not in page and 'name="to"' not in page


def test_a_column_shows_its_first_cards_and_the_rest_a_page_at_a_time(users, province_a):
    size = selectors.BOARD_COLUMN_SIZE
    made = [ProjectFactory(by=users["admin"]) for _i in range(size + 3)]
    Project.objects.filter(pk__in=[p.pk for p in made]).update(stage_since=days(-5))
    oldest = made[-1]
    Project.objects.filter(pk=oldest.pk).update(stage_since=days(-90))
    client = client_for(users["coord_a"])
    response = client.get(url("board", province_a))
    column = response.context["board_columns"][0]
    assert column.count == size + 3 and len(column.cards) == size and column.more
    assert column.cards[0].pk == oldest.pk  # the longest at the stage first
    assert 'data-testid="more-reception"' in text(response)
    more = client.get(
        url("board", province_a, column="reception", offset=size), headers={"HX-Request": "true"}
    )
    assert more.status_code == 200
    shown = {c.pk for c in response.context["board_columns"][0].cards}
    rest = {c.pk for c in more.context["column"].cards}
    assert len(rest) == 3 and not rest & shown and not more.context["column"].more
    # a column that does not exist, an offset that is not a number
    assert client.get(url("board", province_a, column="nowhere")).status_code == 404
    odd = client.get(url("board", province_a, column="reception", offset="-1e9"))
    assert odd.status_code == 200 and len(odd.context["column"].cards) == size


def test_the_board_is_filtered_by_sex_and_age_band(users, province_a):
    admin = users["admin"]
    ProjectFactory(holder=HolderFactory(sex="F", birth_date=days(-25 * 365)), by=admin)
    ProjectFactory(holder=HolderFactory(sex="M", birth_date=days(-50 * 365)), by=admin)
    client = client_for(users["coord_a"])
    women = client.get(url("board", province_a, sex="F"))
    assert women.context["board_columns"][0].count == 1
    older = client.get(url("board", province_a, age="46"))
    assert [p.holder.sex for p in older.context["board_columns"][0].cards] == ["M"]


def test_a_card_moves_to_the_next_stage_with_its_button(users, province_a):
    project = ProjectFactory(by=users["admin"])
    client = client_for(users["agent_a"])
    board = text(client.get(url("board", province_a)))
    assert f'data-testid="next-{project.pk}"' in board and "Vérification de l'éligibilité" in board
    response = client.post(
        url("board_move", province_a),
        {"project": project.pk, "to": "eligibility", "version": project.version},
        headers={"HX-Request": "true", "HX-Current-URL": url("board", province_a, sex="F")},
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.stage == Stage.ELIGIBILITY
    assert project.steps.last().by == users["agent_a"]
    page = text(response)
    assert f"« {project.title} » est maintenant à « Vérification de l'éligibilité »" in page
    # the board comes back as it was filtered (women only: this holder is not one)
    assert response.context["filter"].form.data.get("sex") == "F"


def test_an_illegal_jump_is_refused_with_the_stages_it_may_go_to(users, province_a):
    project = walk(ProjectFactory(by=users["admin"]), FIRST_FOUR, users["admin"])
    response = client_for(users["coord_a"]).post(
        url("board_move", province_a),
        {"project": project.pk, "to": "cpdh_approval", "version": project.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Un projet avance d'un stade à la fois : depuis « Formation » il peut aller vers" in page
    assert "« Plan d'affaires »" in page and 'role="alert"' in page
    project.refresh_from_db()
    assert project.stage == Stage.TRAINING and project.steps.count() == 4


def test_dropping_from_the_board_asks_for_the_reason_on_the_project_page(users, province_a):
    project = ProjectFactory(by=users["admin"])
    response = client_for(users["coord_a"]).post(
        url("board_move", province_a),
        {"project": project.pk, "to": "dropped", "version": project.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "ouvrez-le et choisissez la raison" in text(response)
    project.refresh_from_db()
    assert project.stage == Stage.RECEPTION


def test_a_card_moved_meanwhile_is_answered_as_a_conflict(users, province_a):
    project = ProjectFactory(by=users["admin"])
    stale = project.version
    walk(project, ["eligibility"], users["admin"])
    response = client_for(users["coord_a"]).post(
        url("board_move", province_a),
        {"project": project.pk, "to": "eligibility", "version": stale},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.stage == Stage.ELIGIBILITY and project.steps.count() == 2


def test_the_board_moves_only_the_provinces_projects_for_those_who_record(
    users, province_a, province_b
):
    other = ProjectFactory(province=province_b, by=users["admin"])
    # a coordinator of A posting B's project on A's board: not on this board
    response = client_for(users["coord_a"]).post(
        url("board_move", province_a), {"project": other.pk, "to": "eligibility", "version": 1}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.stage == Stage.RECEPTION
    # a viewer may not move at all; a move that cannot be read changes nothing
    mine = ProjectFactory(by=users["admin"])
    data = {"project": mine.pk, "to": "eligibility", "version": mine.version}
    assert client_for(users["viewer"]).post(url("board_move", province_a), data).status_code == 403
    bad = client_for(users["coord_a"]).post(
        url("board_move", province_a),
        {"project": "x", "to": "nowhere"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400 and "Ce déplacement est illisible" in text(bad)
    mine.refresh_from_db()
    assert mine.stage == Stage.RECEPTION


@pytest.mark.parametrize("n", [1, 30])
def test_the_board_takes_the_same_queries_whatever_its_size(
    n, users, province_a, django_assert_num_queries
):
    admin = users["admin"]
    for i in range(n):
        project = ProjectFactory(by=admin)
        if i % 3 == 0:
            walk(project, ["eligibility"], admin)
    client = client_for(users["coord_a"])
    client.get(url("board", province_a))
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(url("board", province_a)).status_code == 200


# The funnel ----------------------------------------------------------------------------------


def _funnel_world(users):
    """Five projects: two women aged 25 and 30 trained, one man aged 50 at eligibility then
    dropped, one man aged 20 sent back from maturation to eligibility, one woman received."""
    admin = users["admin"]
    young_woman = HolderFactory(sex="F", birth_date=days(-25 * 365))
    other_woman = HolderFactory(sex="F", birth_date=days(-30 * 365))
    older_man = HolderFactory(sex="M", birth_date=days(-50 * 365))
    young_man = HolderFactory(sex="M", birth_date=days(-20 * 365))
    walk(ProjectFactory(holder=young_woman, by=admin), FIRST_FOUR, admin)
    walk(ProjectFactory(holder=other_woman, by=admin), FIRST_FOUR, admin)
    dropped = walk(ProjectFactory(holder=older_man, by=admin), ["eligibility"], admin)
    services.project_move(
        project=dropped, to="dropped", by=admin, expected_version=dropped.version,
        reason="found_job",
    )  # fmt: skip
    back = walk(ProjectFactory(holder=young_man, by=admin), ["eligibility", "maturation"], admin)
    services.project_move(
        project=back, to="eligibility", by=admin, expected_version=back.version,
        comment="Idée à revoir",
    )  # fmt: skip
    ProjectFactory(holder=HolderFactory(sex="F", birth_date=days(-40 * 365)), by=admin)


def test_the_funnel_counts_how_far_projects_got_by_sex_and_age_band(users, province_a):
    _funnel_world(users)
    response = client_for(users["coord_a"]).get(url("funnel", province_a))
    assert response.status_code == 200
    rows = {r.stage: r for r in response.context["rows"]}
    assert rows["reception"].reached == 5
    assert rows["eligibility"].reached == 4
    assert rows["maturation"].reached == 3  # the one sent back still counts where it got
    assert rows["training"].reached == 2 and rows["business_plan"].reached == 0
    # women, men (Sex's order); under 18, 18–35, 36–45, 46 and over
    assert rows["reception"].by_sex == [3, 2] and rows["training"].by_sex == [2, 0]
    assert rows["reception"].by_band == [0, 3, 1, 1]
    assert rows["eligibility"].dropped_here == 1
    assert (
        str(rows["maturation"].of_previous) == "75.0" and str(rows["training"].of_first) == "40.0"
    )
    page = text(response)
    assert "5 projets reçus" in page and "1 abandonné" in page
    assert 'data-testid="reached-maturation">3<' in page


def test_the_funnel_is_for_the_projects_received_in_a_period(users, province_a):
    admin = users["admin"]
    old = ProjectFactory(by=admin)
    old.steps.update(on=days(-400))
    walk(ProjectFactory(by=admin), ["eligibility"], admin)
    client = client_for(users["coord_a"])
    recent = client.get(url("funnel", province_a, received_after=days(-30).isoformat()))
    rows = {r.stage: r for r in recent.context["rows"]}
    assert rows["reception"].reached == 1 and rows["eligibility"].reached == 1
    before = client.get(url("funnel", province_a, received_before=days(-300).isoformat()))
    assert before.context["rows"][0].reached == 1
    # a year that is a typo is said, and the funnel shows all the projects
    typo = client.get(url("funnel", province_a, received_after="0202-01-01"))
    assert typo.status_code == 200 and typo.context["rows"][0].reached == 2
    assert "ne sont pas appliqués : Reçus à partir du." in text(typo)


@pytest.mark.parametrize("n", [1, 3])
def test_the_funnel_takes_the_same_queries_whatever_its_size(
    n, users, province_a, django_assert_num_queries
):
    for _i in range(n):
        _funnel_world(users)
    client = client_for(users["coord_a"])
    client.get(url("funnel", province_a))
    with django_assert_num_queries(FUNNEL_QUERIES):
        assert client.get(url("funnel", province_a)).status_code == 200


def test_the_province_page_shows_the_holders_card(users, province_a):
    admin = users["admin"]
    ProjectFactory(holder=HolderFactory(sex="F"), by=admin)
    walk(ProjectFactory(by=admin), FIRST_FOUR, admin)
    response = client_for(users["viewer"]).get(reverse("provinces:detail", args=[province_a.code]))
    assert 'data-testid="projects-card"' in text(response)
    page = " ".join(strip_tags(text(response)).split())
    women = HolderFactory._meta.model.objects.filter(province=province_a, sex="F").count()
    assert f"2 porteurs de projet ({women} femme" in page
    assert "2 projets en cours" in page and "0 créé" in page

"""The projects board in a real headless Chromium: a coordinator moves a project three stages
(its button twice, then a drag and drop to the next column), then drags it two columns
back and is refused with the stages it may go to; the card stays where it was. On a phone
in Arabic, the board reads right to left and a card's button moves it too."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Project, Stage
from provinces.demo import seed_programme_provinces, seed_users
from provinces.models import Province
from targa.core.models import User
from tests.browser.test_valuechains_journeys import as_user
from tests.conftest import ensure_territories
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"


@pytest.fixture
def project(transactional_db) -> Project:
    ensure_territories()
    seed_programme_provinces()
    seed_users()
    khenifra = Province.objects.get(code=KHENIFRA)
    admin = User.objects.get(username="admin")
    for _i in range(3):
        ProjectFactory(province=khenifra, by=admin)
    return ProjectFactory(province=khenifra, title="Miellerie de Tighza", by=admin)


def card(page: Page, project: Project):
    return page.get_by_test_id(f"card-{project.pk}")


def in_column(page: Page, project: Project, stage: str):
    return page.get_by_test_id(f"column-{stage}").get_by_test_id(f"card-{project.pk}")


def test_a_coordinator_moves_a_project_three_stages_and_is_refused_a_jump(
    page: Page, live_server, project
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, base, "coord.khenifra", "fr")
    page.goto(f"{base}/provinces/{KHENIFRA}/projects/board/")
    expect(page.get_by_test_id("count-reception")).to_have_text("4")

    page.get_by_test_id(f"next-{project.pk}").click()
    expect(in_column(page, project, "eligibility")).to_be_visible()
    expect(page.get_by_test_id("board-notice")).to_contain_text(
        "« Miellerie de Tighza » est maintenant à « Vérification de l'éligibilité »"
    )
    page.get_by_test_id(f"next-{project.pk}").click()
    expect(in_column(page, project, "maturation")).to_be_visible()

    # Dragged to the next column: the same rules, the same answer.
    card(page, project).drag_to(page.get_by_test_id("column-training"))
    expect(in_column(page, project, "training")).to_be_visible()
    expect(page.get_by_test_id("count-training")).to_have_text("1")

    # Two columns back: refused, with where it may go; the card stays.
    card(page, project).drag_to(page.get_by_test_id("column-eligibility"))
    notice = page.get_by_test_id("board-notice")
    expect(notice).to_contain_text("depuis « Formation » il peut aller vers « Plan d'affaires »")
    expect(notice).to_have_attribute("role", "alert")
    expect(in_column(page, project, "training")).to_be_visible()
    project.refresh_from_db()
    assert project.stage == Stage.TRAINING
    assert list(project.steps.values_list("to_stage", flat=True)) == [
        "reception", "eligibility", "maturation", "training",
    ]  # fmt: skip
    assert set(project.steps.values_list("by__username", flat=True)) >= {"coord.khenifra"}


def test_on_a_phone_in_arabic_the_board_reads_right_to_left(page: Page, live_server, project):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    as_user(page, base, "agent.khenifra", "ar")
    page.goto(f"{base}/provinces/{KHENIFRA}/projects/board/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    first = page.get_by_test_id("column-reception").bounding_box()
    second = page.get_by_test_id("column-eligibility").bounding_box()
    assert second["x"] < first["x"]  # the next stage is to the left
    assert first["width"] <= 360
    page.get_by_test_id(f"next-{project.pk}").click()
    expect(in_column(page, project, "eligibility")).to_be_attached()
    expect(page.get_by_test_id("board-notice")).to_contain_text("التحقق من الأهلية")
    # nothing overflows the page but the board, which scrolls sideways
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

"""A search field in a real Chromium, under the Content-Security-Policy: typing fills its
suggestions (htmx), choosing one filters the list; the same with JavaScript off."""

import pytest
from playwright.sync_api import Browser, Page, expect

from cpde.models import Recommendation
from targa.core.demo import seed_demo
from tests.browser.test_journeys import log_in
from tests.conftest import ensure_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"
ANAPEC = "Agence Nationale de Promotion de l'Emploi et des Compétences (ANAPEC)"


@pytest.fixture
def demo(transactional_db):
    ensure_territories()
    seed_demo()


def recommendations_of_anapec() -> int:
    return Recommendation.objects.filter(
        meeting__committee__province__code=KHENIFRA, owner__acronym="ANAPEC"
    ).count()


def test_a_coordinator_filters_by_an_institution_typed_in_the_search_field(
    page: Page, live_server, demo
):
    base = live_server.url
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content" in m.text else None)
    log_in(page, base, "coord.khenifra")
    page.goto(f"{base}/provinces/{KHENIFRA}/cpde/recommendations/")
    field = page.locator("#id_owner")
    field.press_sequentially("anap", delay=50)
    options = page.locator("#id_owner_choices option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == ANAPEC
    field.fill(ANAPEC)  # what choosing the suggestion puts in the field
    page.get_by_test_id("filters").locator("button.btn-outline-primary").click()
    rows = page.get_by_test_id("record-table").locator("tbody tr")
    expect(rows).to_have_count(recommendations_of_anapec())
    expect(page.locator("#id_owner")).to_have_value(ANAPEC)
    assert not violations, violations


def test_without_javascript_the_field_takes_part_of_the_name(browser: Browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    base = live_server.url
    log_in(page, base, "coord.khenifra")
    page.goto(f"{base}/provinces/{KHENIFRA}/cpde/recommendations/")
    page.locator("#id_owner").fill("anapec")
    page.get_by_test_id("filters").locator("button.btn-outline-primary").click()
    rows = page.get_by_test_id("record-table").locator("tbody tr")
    expect(rows).to_have_count(recommendations_of_anapec())
    expect(page.locator("#id_owner")).to_have_value(ANAPEC)
    page.locator("#id_owner").fill("Nulle part")
    page.get_by_test_id("filters").locator("button.btn-outline-primary").click()
    expect(page.locator(".alert")).to_contain_text("Rien ici ne correspond à « Nulle part »")
    context.close()

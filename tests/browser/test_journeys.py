"""End-to-end journeys in a real headless Chromium."""

import pytest
from playwright.sync_api import Page, expect

from provinces.demo import DEMO_PASSWORD
from targa.core.demo import seed_demo
from tests.conftest import ensure_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    ensure_territories()
    seed_demo()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_field_agent_logs_in_switches_to_arabic_and_cannot_open_figuig(
    page: Page, live_server, demo
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "agent.khenifra")

    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("my-provinces")).to_contain_text("Khénifra")
    expect(page.get_by_test_id("my-provinces")).not_to_contain_text("Figuig")

    # On a phone the menu is folded; the language switcher sits inside it.
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("language-switcher").get_by_role("button", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_test_id("my-provinces")).to_contain_text("خنيفرة")
    # The page is laid out right to left: the brand sits on the right of the navigation bar.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 360 / 2

    response = page.goto(f"{base}/provinces/02.251/")
    assert response.status == 404
    expect(page.get_by_test_id("error-404")).to_be_visible()
    expect(page.get_by_test_id("error-404")).to_contain_text("الصفحة غير موجودة")


def test_coordinator_edits_the_programme_and_sees_it_in_history(page: Page, live_server, demo):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "coord.khenifra")
    page.goto(f"{base}/provinces/05.301/")
    page.get_by_role("link", name="Modifier le programme").click()
    page.get_by_label("Point focal à la Province (DAS)").fill("Mme Zahra Alaoui, DAS")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("province-name")).to_have_text("Khénifra")
    expect(page.locator("main")).to_contain_text("Mme Zahra Alaoui, DAS")
    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_test_id("history")).to_contain_text("Mme Zahra Alaoui, DAS")
    expect(page.get_by_test_id("history")).to_contain_text("Youssef Amrani")

"""Under the strict Content-Security-Policy, in a real Chromium: the main pages (the admin's
included) show no violation, what used to be inline still works (the province switcher, the
admin's "select all", the Gantt in Arabic), and a form sent after the session changed comes
back with its input."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from cpde.models import Meeting, Questionnaire
from provinces.models import Activity, Stakeholder
from targa.core.demo import seed_demo
from targa.core.models import Job, User
from tests.browser.test_journeys import log_in
from tests.conftest import ensure_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"
# Reported by Chromium in the console for each refused script, style or handler, and for a
# Permissions-Policy it cannot read; the listener adds the directive and the page.
WATCHED = ("Content Security Policy", "CSP violation", "Permissions-Policy")


@pytest.fixture
def demo(transactional_db):
    ensure_territories()
    # An earlier transactional test's flush removed what a migration seeded: the national
    # questionnaire the demo answers.
    if not Questionnaire.objects.filter(province__isnull=True).exists():
        import_module("cpde.migrations.0002_national_questionnaire").create(apps, None)
    seed_demo()


def watch(page: Page) -> list[str]:
    """Every CSP violation and script error of the pages `page` opens from now on."""
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' on ' + e.documentURI))"
    )
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if any(word in message.text for word in WATCHED) else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def set_language(page: Page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": "targa_language", "value": language, "url": base}])


def main_pages() -> list[str]:
    meeting = Meeting.objects.filter(committee__province__code=KHENIFRA).order_by("-date").first()
    activity = Activity.objects.filter(province__code=KHENIFRA).first()
    questionnaire = Questionnaire.objects.filter(responses__isnull=False).first()
    job = Job.objects.create(
        kind="export",
        label="Recommandations",
        owner=User.objects.get(username="admin"),
        state=Job.State.RUNNING,
        progress=40,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    p = f"/provinces/{KHENIFRA}"
    return [
        "/",
        f"{p}/",
        f"{p}/activities/",
        f"{p}/activities/gantt/",
        activity.get_absolute_url(),
        f"{p}/activities/{activity.pk}/edit/",
        f"{p}/activities/{activity.pk}/history/",
        f"{p}/stakeholders/new/",
        meeting.get_absolute_url(),
        f"{p}/cpde/meetings/{meeting.pk}/attendance/",
        f"{p}/cpde/recommendations/",
        f"{p}/cpde/questionnaires/{questionnaire.pk}/results/",
        job.get_absolute_url(),
        "/users/",
        "/admin/",
        "/admin/provinces/activity/",
        f"/admin/provinces/activity/{activity.pk}/change/",
        f"/admin/provinces/activity/{activity.pk}/history/",
        "/admin/targa/user/add/",
        "/admin/provinces/province/export/",
    ]


def test_main_pages_show_no_csp_violation_in_french_and_arabic(page: Page, live_server, demo):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    violations = watch(page)
    log_in(page, base, "admin")
    pages = main_pages()
    for language, urls in (("fr", pages), ("ar", pages[:13])):
        set_language(page, base, language)
        for url in urls:
            response = page.goto(f"{base}{url}")
            assert response.status == 200, url
            assert "content-security-policy" in response.headers, url
            page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert violations == []


def test_gantt_bars_sit_where_their_dates_are_from_the_left_and_in_arabic_from_the_right(
    page: Page, live_server, demo
):
    """The bars are SVG rectangles placed in percent of the timeline; Arabic mirrors them."""
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "coord.khenifra")
    for language in ("fr", "ar"):
        set_language(page, base, language)
        page.goto(f"{base}/provinces/{KHENIFRA}/activities/gantt/")
        rows = page.get_by_test_id("gantt-row")
        assert rows.count() > 5
        for i in range(rows.count()):
            bar = rows.nth(i).get_by_test_id("bar-planned")
            if not bar.count():
                continue
            line = rows.nth(i).locator(".gantt-timeline").bounding_box()
            box = bar.bounding_box()
            offset = float(bar.get_attribute("x").rstrip("%")) / 100 * line["width"]
            width = float(bar.get_attribute("width").rstrip("%")) / 100 * line["width"]
            # The outline adds 1 px around the bar.
            start = box["x"] + 1 - line["x"]
            if language == "ar":
                start = line["x"] + line["width"] - (box["x"] + box["width"] - 1)
            assert start == pytest.approx(offset, abs=1.5), (language, i)
            assert box["width"] - 2 == pytest.approx(width, abs=1.5), (language, i)
        flag = page.get_by_test_id("gantt-today").bounding_box()
        today = page.locator(".gantt-today").first.bounding_box()
        assert flag["x"] + flag["width"] / 2 == pytest.approx(today["x"] + 1, abs=2)


def test_province_switcher_and_the_admin_select_all_work_without_inline_handlers(
    page: Page, live_server, demo
):
    base = live_server.url
    violations = watch(page)
    log_in(page, base, "coord.khenifra")
    page.locator("#province-switch").select_option("03.131")  # Boulemane
    expect(page).to_have_url(f"{base}/provinces/03.131/")
    expect(page.locator("#province-switch")).to_have_value("03.131")

    page.context.clear_cookies()
    log_in(page, base, "admin")
    page.goto(f"{base}/admin/provinces/province/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:visible")
    assert fields.count() > 3
    expect(fields.first).to_be_checked()
    page.locator(".select-toggle").uncheck()
    for i in range(fields.count()):
        expect(fields.nth(i)).not_to_be_checked()
    assert violations == []


def log_in_again_in_another_tab(page: Page, base: str, username: str) -> None:
    """What changes the session under an open form: log out and in again elsewhere."""
    other = page.context.new_page()
    other.goto(f"{base}/")
    other.locator("form[action$='/logout/'] button").evaluate("button => button.form.submit()")
    expect(other).to_have_url(f"{base}/accounts/login/")
    log_in(other, base, username)
    expect(other).to_have_url(f"{base}/")
    other.close()


def test_a_form_sent_after_the_session_changed_comes_back_with_its_input(
    page: Page, live_server, demo
):
    base = live_server.url
    violations = watch(page)
    log_in(page, base, "coord.khenifra")
    page.goto(f"{base}/provinces/{KHENIFRA}/stakeholders/new/")
    page.locator("#id_name").fill("Association Tiwizi des jeunes")
    page.locator("#id_acronym").fill("ATJ")
    page.locator("#id_kind").select_option(index=1)
    log_in_again_in_another_tab(page, base, "coord.khenifra")

    page.locator("main form button[type=submit]").click()
    failure = page.get_by_test_id("csrf-failure")
    expect(failure).to_contain_text("Votre formulaire n’a pas été envoyé")
    assert not Stakeholder.objects.filter(name="Association Tiwizi des jeunes").exists()

    page.get_by_test_id("csrf-back").click()
    expect(page.locator("#id_name")).to_have_value("Association Tiwizi des jeunes")
    expect(page.locator("#id_acronym")).to_have_value("ATJ")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("csrf-failure")).to_have_count(0)
    stakeholder = Stakeholder.objects.get(name="Association Tiwizi des jeunes")
    expect(page).to_have_url(f"{base}{stakeholder.get_absolute_url()}")

    # A status action sent by htmx: the explanation comes on top, the comment stays.
    activity = Activity.objects.filter(province__code=KHENIFRA, status="planned").first()
    page.goto(f"{base}{activity.get_absolute_url()}")
    panel = page.get_by_test_id("workflow")
    panel.locator("summary").first.click()
    panel.locator("details[open] textarea").fill("Reporté : la salle n'est pas libre.")
    log_in_again_in_another_tab(page, base, "coord.khenifra")
    panel.locator("details[open] button[type=submit]").click()
    expect(page.locator("#main > [data-testid=csrf-failure]")).to_contain_text(
        "Votre action n’a pas été envoyée"
    )
    expect(panel.locator("details[open] textarea")).to_have_value(
        "Reporté : la salle n'est pas libre."
    )
    expect(panel.locator("details[open] button[type=submit]")).not_to_have_class(
        re.compile(r"\bdisabled\b")
    )
    assert Activity.objects.get(pk=activity.pk).status == "planned"
    assert violations == []

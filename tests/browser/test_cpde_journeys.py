"""CPDE journeys in a real headless Chromium: a meeting recorded on a phone, a recommendation
closed by the coordinator, the PV downloaded with its attendance."""

import datetime
import subprocess

import pytest
from playwright.sync_api import Page, expect

from cpde.models import Committee, Meeting, Recommendation
from cpde.services import meeting_create
from targa.core.demo import seed_demo
from targa.core.models import User
from tests.browser.test_journeys import log_in
from tests.conftest import ensure_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"


@pytest.fixture
def demo(transactional_db):
    ensure_territories()
    seed_demo()


def test_field_agent_records_a_meeting_with_attendance_and_two_recommendations_on_a_phone(
    page: Page, live_server, demo
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "agent.khenifra")
    page.goto(f"{base}/provinces/{KHENIFRA}/cpde/meetings/new/")
    page.locator("#id_kind").select_option("ordinary")
    page.locator("#id_date").fill(datetime.date.today().isoformat())
    page.locator("#id_place").fill("Salle de réunion de la Province, Khénifra")
    page.locator("#id_subject").fill("Suivi des chaînes de valeur")
    page.locator("#id_agenda").fill("Mot d'ouverture\nSuivi des recommandations\nDivers")
    page.locator("main form button[type=submit]").click()

    meeting = Meeting.objects.get(place="Salle de réunion de la Province, Khénifra")
    expect(page).to_have_url(f"{base}{meeting.get_absolute_url()}")
    assert meeting.agenda_items.count() == 3

    # Attendance in one go: everyone present, then one member excused.
    form = page.get_by_test_id("attendance-form")
    lines = form.locator("li")
    n_members = lines.count()
    assert n_members >= 10
    form.locator("[data-mark-all=present]").click()
    excused_line = lines.nth(1)
    excused_name = excused_line.locator(".fw-semibold").inner_text()
    excused_line.locator("label").nth(1).click()
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("attendance-result")).to_contain_text(
        f"{n_members - 1} présents, 1 excusé, 0 absent"
    )
    statuses = dict(meeting.attendances.values_list("member__name", "status"))
    assert len(statuses) == n_members
    assert statuses[excused_name] == "excused"
    assert list(statuses.values()).count("present") == n_members - 1

    for text in (
        "Organiser un atelier sur l'accès au financement",
        "Visiter la coopérative d'Aguelmous",
    ):
        page.goto(f"{base}/provinces/{KHENIFRA}/cpde/meetings/{meeting.pk}/recommendations/new/")
        page.locator("#id_text").fill(text)
        page.locator("#id_owner_name").fill("DAS de Khénifra")
        page.locator("#id_due_date").fill(
            (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        )
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main")).to_contain_text(text)
    assert meeting.recommendations.count() == 2
    page.goto(f"{base}{meeting.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Visiter la coopérative d'Aguelmous")
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize(
    ("language", "saved"),
    [("fr", "Présences enregistrées : 14 présents, 1 excusé, 0 absent."), ("ar", "تم حفظ الحضور")],
)
def test_agent_takes_attendance_on_a_phone_and_reads_the_result_where_they_are(
    page: Page, live_server, demo, language, saved
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "agent.khenifra")
    page.context.add_cookies([{"name": "targa_language", "value": language, "url": base}])
    meeting = meeting_create(
        meeting=Meeting(
            committee=Committee.objects.get(province__code=KHENIFRA),
            kind="ordinary",
            date=datetime.date.today(),
            place="Siège de la Province",
        ),
        agenda=["Suivi des recommandations", "Divers"],
        by=User.objects.get(username="agent.khenifra"),
    ).instance
    page.goto(f"{base}{meeting.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    # The page is no longer a long scroll: agenda and minutes fold, the sheet is compact.
    assert page.evaluate("document.documentElement.scrollHeight") < 3200

    page.locator("main a[href='#attendance']").first.click()
    section = page.get_by_test_id("attendance")
    everyone = section.locator("[data-mark-all=present]")
    # "Everyone present" is on the first screen of the attendance section.
    top = section.bounding_box()["y"]
    box = everyone.bounding_box()
    assert box["y"] + box["height"] - top <= 740
    expect(everyone).to_be_in_viewport()
    assert box["height"] >= 44
    everyone.click()
    lines = section.locator("[data-testid=attendance-form] li")
    assert lines.count() == 15
    lines.nth(1).locator("label").nth(1).click()  # one member excused
    save = section.locator("[data-testid=attendance-form] button[type=submit]")
    save.click()

    result = page.get_by_test_id("attendance-result")
    expect(result).to_contain_text(saved)
    expect(result).to_be_in_viewport()
    assert list(meeting.attendances.values_list("status", flat=True)).count("present") == 14


def test_coordinator_closes_a_recommendation_and_the_late_list_shrinks(
    page: Page, live_server, demo
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "coord.khenifra")
    late_url = f"{base}/provinces/{KHENIFRA}/cpde/recommendations/late/"
    page.goto(late_url)
    rows = page.get_by_test_id("record-table").locator("tbody tr")
    before = rows.count()
    assert before >= 1
    first = rows.first.locator("a").first
    text = first.inner_text()
    first.click()
    page.locator("a[href$='/close/']").click()
    page.locator("input[name=outcome][value=done]").check()
    page.locator("#id_date").fill(datetime.date.today().isoformat())
    page.locator("#id_note").fill("Atelier tenu avec la DPA.")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("follow-ups")).to_contain_text("Atelier tenu avec la DPA.")

    page.goto(late_url)
    expect(page.get_by_test_id("record-table").locator("tbody tr")).to_have_count(
        before - 1
    ) if before > 1 else expect(page.get_by_test_id("record-table")).not_to_contain_text(text)
    assert Recommendation.objects.filter(
        status="done", follow_ups__note="Atelier tenu avec la DPA."
    ).exists()


def test_pv_pdf_downloads_with_the_attendance(page: Page, live_server, demo, tmp_path):
    base = live_server.url
    log_in(page, base, "coord.khenifra")
    meeting = (
        Meeting.objects.filter(committee__province__code=KHENIFRA, attendances__status="present")
        .distinct()
        .order_by("-date")
        .first()
    )
    page.goto(f"{base}{meeting.get_absolute_url()}")
    link = page.get_by_test_id("pv-fr")
    response = page.request.get(f"{base}{link.get_attribute('href')}&download=1")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "pv.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    present = list(
        meeting.attendances.filter(status="present").values_list("member__name", flat=True)
    )
    assert present
    for name in present:
        assert name in " ".join(text.split())

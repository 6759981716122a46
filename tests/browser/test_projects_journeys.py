"""Project holders' journeys in a real headless Chromium: a field agent registers a holder on a
360-px phone (refused without the holder's consent, then saved); an administrator imports a
spreadsheet with two bad lines, reads their reasons, fixes the file and imports it, each step
through the background worker with its progress."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from projects.models import Holder, Project
from provinces.demo import seed_programme_provinces, seed_users
from provinces.models import Commune
from tests.browser.test_valuechains_journeys import as_user
from tests.conftest import ensure_territories
from tests.factories import SectorFactory, days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"


@pytest.fixture
def khenifra(transactional_db):
    ensure_territories()
    seed_programme_provinces()
    seed_users()
    SectorFactory(code="apiculture", name_fr="Apiculture", name_ar="تربية النحل")
    return Commune.objects.filter(province__code=KHENIFRA).order_by("code").first()


def test_a_field_agent_registers_a_holder_on_a_phone(page: Page, live_server, khenifra):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    as_user(page, base, "agent.khenifra", "fr")
    page.goto(f"{base}/provinces/{KHENIFRA}/holders/")
    page.get_by_role("link", name="Nouveau porteur").click()
    page.locator("#id_first_name").fill("Itto")
    page.locator("#id_last_name").fill("Ouhammou")
    page.locator("#id_first_name_ar").fill("إيطو")
    page.locator("#id_last_name_ar").fill("أوحمو")
    page.locator("label[for=id_sex_0]").click()
    page.locator("#id_birth_date").fill(days(-24 * 365).isoformat())
    page.locator("#id_cin").fill("v 123 456")
    page.locator("#id_phone").fill("0661 23 45 67")
    page.locator("#id_commune").select_option(str(khenifra.pk))
    page.locator("#id_channel").select_option("youth_platform")
    page.locator("main form button[type=submit]").click()
    # Without the holder's consent nothing is recorded, and the form says why.
    expect(page.get_by_test_id("error-summary")).to_contain_text("consentement")
    assert not Holder.objects.exists()
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("cin")).to_have_text("V123456")
    holder = Holder.objects.get()
    assert holder.first_name_ar == "إيطو" and holder.history.first().history_user.username == (
        "agent.khenifra"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


HEADERS = [
    "Nom", "Prénom", "Sexe", "Date de naissance", "CIN", "Commune", "Date du consentement",
    "Idée de projet", "Secteur", "Coût total (MAD)",
]  # fmt: skip


def _sheet(commune: Commune, *, broken: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    born, consent = days(-26 * 365).strftime("%d/%m/%Y"), days(-2).strftime("%d/%m/%Y")
    for i in range(5):
        writer.writerow([f"Alaoui{i}", "Najat", "F", born, f"VA{20000 + i}", commune.name_fr,
                         consent, "Tissage de tapis", "Apiculture", "80000"])  # fmt: skip
    if broken:
        writer.writerow(["Zahidi", "Karim", "H", "30/02/1999", "VA30001", commune.name_fr,
                         consent, "", "", ""])  # fmt: skip
        writer.writerow(["Benali", "Hamza", "H", born, "VA30002", "Casablanca", consent,
                         "", "", ""])  # fmt: skip
    else:
        writer.writerow(["Zahidi", "Karim", "H", "28/02/1999", "VA30001", commune.name_fr,
                         consent, "", "", ""])  # fmt: skip
        writer.writerow(["Benali", "Hamza", "H", born, "VA30002", commune.name_fr, consent,
                         "", "", ""])  # fmt: skip
    return out.getvalue().encode()


def _upload(page: Page, content: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "porteurs.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-state")).to_have_attribute(
        "data-state", "previewed", timeout=20_000
    )


def test_an_admin_imports_a_sheet_fixes_its_two_bad_lines_and_imports_it(
    page: Page, live_server, khenifra, worker
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, base, "admin", "fr")
    page.goto(f"{base}/provinces/{KHENIFRA}/holders/")
    page.get_by_test_id("import-holders").click()
    _upload(page, _sheet(khenifra, broken=True))
    expect(page.get_by_test_id("n-bad")).to_have_text("2 lignes en erreur")
    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("« 30/02/1999 » n'est pas une date")
    expect(errors.nth(1)).to_contain_text("« Casablanca » n'est pas une commune de Khénifra")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    assert not Holder.objects.exists()

    page.get_by_role("link", name="Envoyer un autre fichier").click()
    _upload(page, _sheet(khenifra, broken=False))
    expect(page.get_by_test_id("n-created")).to_contain_text(
        "12 à créer (7 porteurs de projet, 5 projets)"
    )
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-done")).to_contain_text(
        "Importé : 12 enregistrements créés", timeout=20_000
    )
    assert Holder.objects.filter(province__code=KHENIFRA).count() == 7
    assert Project.objects.filter(province__code=KHENIFRA).count() == 5
